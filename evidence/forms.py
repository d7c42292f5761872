from dataclasses import dataclass, field

from django import forms

from evidence.enums import EvidenceKind, EvidenceSort, Nation
from evidence.models.taxonomy import Theme


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
