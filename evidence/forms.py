from dataclasses import dataclass, field

from django import forms

from wagtail.admin.forms import WagtailAdminPageForm

from evidence.enums import EvidenceKind, EvidenceSort, Nation
from evidence.models.taxonomy import Theme
from evidence.readability import ReadabilityResult, lay_text_from_fields, readability_of

# The editor form's field for why lay text below the reading target is published; the
# after_publish_page hook reads it from the same request to keep it in the audit log.
BELOW_TARGET_REASON_FIELD = "lay_text_below_target_reason"


@dataclass(frozen=True)
class EvidenceFilters:
    query: str = ""
    kinds: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    nations: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = ""

    @property
    def active(self) -> bool:
        return bool(
            self.query
            or self.kinds
            or self.themes
            or self.nations
            or self.year_from
            or self.year_to
        )


class EvidenceFilterForm(forms.Form):
    """The evidence index's filters: a GET form whose state lives in the address.

    A value the form cannot use (a hand-edited address, an old link to a theme since
    removed) is reported and left out; the other filters still apply.
    """

    q = forms.CharField(label="Search the evidence", required=False, max_length=200)
    kind = forms.MultipleChoiceField(
        label="Kind of source",
        choices=EvidenceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    theme = forms.ModelMultipleChoiceField(
        label="Theme",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    nation = forms.MultipleChoiceField(
        label="Nation",
        choices=Nation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    year_from = forms.IntegerField(label="From", required=False, min_value=1900, max_value=2100)
    year_to = forms.IntegerField(label="To", required=False, min_value=1900, max_value=2100)
    sort = forms.ChoiceField(label="Sort by", choices=EvidenceSort.choices, required=False)

    error_messages = {"years": "The 'to' year must be the same as or after the 'from' year."}

    def clean(self) -> dict:
        cleaned = super().clean()
        year_from, year_to = cleaned.get("year_from"), cleaned.get("year_to")
        if year_from and year_to and year_to < year_from:
            self.add_error("year_to", self.error_messages["years"])
        return cleaned

    def filters(self) -> EvidenceFilters:
        """The filters that are valid; call after is_valid(), whatever it returned."""
        data = getattr(self, "cleaned_data", {})
        query = data.get("q", "").strip()
        sort = data.get("sort") or (EvidenceSort.RELEVANCE if query else EvidenceSort.NEWEST)
        if sort == EvidenceSort.RELEVANCE and not query:
            sort = EvidenceSort.NEWEST
        return EvidenceFilters(
            query=query,
            kinds=list(data.get("kind", [])),
            themes=[theme.slug for theme in data.get("theme", [])],
            nations=list(data.get("nation", [])),
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            sort=sort,
        )


def lay_text_of_form(form: forms.BaseModelForm) -> str:
    """The lay text in a page's editor form: as typed when the form is bound, else as saved.

    A lay-text field the form leaves out (one the editor may not change) is read from the page.
    """
    model = form._meta.model
    values = {
        name: form[name].value() if name in form.fields else getattr(form.instance, name)
        for name in model.lay_text_fields
    }
    return lay_text_from_fields(model, values)


class LayTextPageForm(WagtailAdminPageForm):
    """The editor form of a page with lay text.

    Saving is never blocked. Publishing lay text below the reading target needs a reason,
    which the after_publish_page hook keeps in the audit log once the page is live.
    """

    lay_text_below_target_reason = forms.CharField(
        label="Why publish below the reading target?",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only needed to publish lay text that is below the reading target. "
        "It is kept in the page's history.",
    )

    error_messages = {
        "reason_required": "The lay text is below the reading target ({scores}). Make it "
        "easier to read, or say here why it should be published as it is.",
    }

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if self.is_publishing and not cleaned_data.get(BELOW_TARGET_REASON_FIELD):
            readability = self.lay_text_readability()
            if not readability.meets_target:
                self.add_error(
                    BELOW_TARGET_REASON_FIELD,
                    self.error_messages["reason_required"].format(scores=readability.describe()),
                )
        return cleaned_data

    @property
    def is_publishing(self) -> bool:
        return bool(self.data.get("action-publish"))

    def lay_text_readability(self) -> ReadabilityResult:
        return readability_of(lay_text_of_form(self))
