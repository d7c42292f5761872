import re
from collections.abc import Iterable
from uuid import uuid4

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import FileExtensionValidator
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from wagtail.rich_text import get_text_for_indexing

from cms.forms import search_query_clean
from evidence.enums import EvidenceKind, EvidenceSort, Nation
from evidence.models import EvidenceIndexPage, EvidenceSummaryPage
from evidence.models.taxonomy import Theme
from evidence.selectors import EvidenceFilters

UNKNOWN_CHOICE = {"invalid_choice": _("We do not have “%(value)s”: choose from the list.")}
UNKNOWN_THEME = {"invalid_choice": _("We do not have a theme “%(value)s”: choose from the list.")}
YEAR_ERRORS = {
    "invalid": _("Enter a year as 4 digits, like 2015."),
    "min_value": _("Enter a year from %(limit_value)s onwards."),
    "max_value": _("Enter a year up to %(limit_value)s."),
}


def theme_filter_field(themes: QuerySet[Theme]) -> forms.ModelMultipleChoiceField:
    """Checkboxes of themes, named in the address by their slugs."""
    return forms.ModelMultipleChoiceField(
        label=_("Theme"),
        queryset=themes,
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=UNKNOWN_THEME,
    )


class EvidenceFilterForm(forms.Form):
    """The evidence index's filters: a GET form whose state lives in the address.

    A value the form cannot use (a hand-edited address, an old link to a theme since
    removed) is reported and left out; the other filters still apply.
    """

    q = forms.CharField(
        label=_("Search the evidence"),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Search for %(limit_value)d characters or fewer.")},
    )
    kind = forms.MultipleChoiceField(
        label=_("Kind of source"),
        choices=EvidenceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=UNKNOWN_CHOICE,
    )
    theme = theme_filter_field(Theme.objects.all())
    nation = forms.MultipleChoiceField(
        label=_("Nation"),
        choices=Nation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=UNKNOWN_CHOICE,
    )
    year_from = forms.IntegerField(
        # Translators: the first year of a range of years published.
        label=pgettext_lazy("years", "From"),
        required=False,
        min_value=1900,
        max_value=2100,
        error_messages=YEAR_ERRORS,
    )
    year_to = forms.IntegerField(
        # Translators: the last year of a range of years published.
        label=pgettext_lazy("years", "To"),
        required=False,
        min_value=1900,
        max_value=2100,
        error_messages=YEAR_ERRORS,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=EvidenceSort.choices,
        required=False,
        error_messages=UNKNOWN_CHOICE,
    )

    error_messages = {
        "years": _("The 'to' year must be the same as or after the 'from' year."),
    }

    def clean_q(self) -> str:
        return search_query_clean(self.cleaned_data["q"])

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


class LayFindingFilterForm(forms.Form):
    """The lay findings' filter: the themes of the evidence they draw on. A GET form, like
    the evidence index's, offering only the themes that some listed finding draws on."""

    theme = theme_filter_field(Theme.objects.none())

    def __init__(self, *args, themes: QuerySet[Theme], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes

    def themes(self) -> list[str]:
        """The theme slugs asked for that the form offers; an unknown one is reported and
        left out, and the others still apply. Call after is_valid(), whatever it returned."""
        asked = self.data.getlist("theme") if self.is_bound else []
        if not asked:
            # Any other query string (a page number) costs no query here.
            return []
        offered = set(
            self.fields["theme"].queryset.filter(slug__in=asked).values_list("slug", flat=True)
        )
        return [slug for slug in asked if slug in offered]


EVIDENCE_IMPORT_COLUMNS = (
    "source_id",
    "title",
    "kind",
    "nation",
    "year",
    "authors",
    "source_title",
    "publisher",
    "doi",
    "source_url",
    "themes",
    "lay_summary",
    "technical_summary",
    "implications_for_care",
    "key_findings",
)
# A file may leave these out: editors may keep them in Wagtail rather than in the review's table.
EVIDENCE_IMPORT_OPTIONAL_COLUMNS = ("themes", "key_findings")

THEME_SEPARATOR = ";"
# Key findings share one cell: a spreadsheet user separates them with a vertical bar or
# puts each on its own line (Alt+Enter in Excel, Ctrl+Enter in LibreOffice).
KEY_FINDING_SEPARATORS = re.compile(r"[|\n]")


def _not_one_of(choices: list[tuple[str, str]]) -> str:
    labels = ", ".join(str(label) for _value, label in choices)
    # %(value)s is left for the field to fill in with the value it was given.
    return gettext("“%(value)s” is not one of: %(labels)s.") % {
        "value": "%(value)s",
        "labels": labels.replace("%", "%%"),
    }


class ChoiceByNameField(forms.ChoiceField):
    """A choice typed as a person would: its value or its label, in any case."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # Lazy: the field is made once, when the module is imported, and the message is read
        # in the language of each request.
        self.error_messages["invalid_choice"] = lazy(_not_one_of, str)(self.choices)

    def to_python(self, value: object) -> str:
        text = super().to_python(value).strip()
        names = {str(name).casefold(): key for key, label in self.choices for name in (key, label)}
        return names.get(text.casefold(), text)


class ThemeListField(forms.Field):
    """Themes by name or slug, in any case, separated by semicolons."""

    def to_python(self, value: object) -> list[Theme]:
        names = [name.strip() for name in str(value or "").split(THEME_SEPARATOR)]
        names = [name for name in names if name]
        if not names:
            return []
        themes = {
            name.casefold(): theme
            for theme in Theme.objects.all()
            for name in (theme.slug, theme.name)
        }
        unknown = [name for name in names if name.casefold() not in themes]
        if unknown:
            # Translators: joins the names of themes not found: “Housing” or “Work”.
            separator = pgettext("between alternatives", " or ")
            raise ValidationError(
                gettext(
                    "There is no theme %(names)s. Use the names or slugs listed under "
                    "Vocabularies › Themes, separated by semicolons."
                ),
                code="unknown_theme",
                params={
                    "names": separator.join(
                        gettext("“%(name)s”") % {"name": name} for name in unknown
                    )
                },
            )
        return list(dict.fromkeys(themes[name.casefold()] for name in names))


class ParagraphsField(forms.CharField):
    """Rich text typed as plain text: each line of the cell becomes a paragraph."""

    def to_python(self, value: object) -> str:
        lines = super().to_python(value).splitlines()
        return "".join(f"<p>{escape(line.strip())}</p>" for line in lines if line.strip())


class KeyFindingListField(forms.CharField):
    def to_python(self, value: object) -> list[str]:
        findings = KEY_FINDING_SEPARATORS.split(super().to_python(value))
        return [finding.strip() for finding in findings if finding.strip()]


def _words(html: str) -> list[str]:
    return get_text_for_indexing(html).split()


class EvidenceImportRowForm(forms.ModelForm):
    """One row of an evidence import, validated by the page model as an edit would be.

    The import compares words, not formatting: where a rich text field or a key finding has
    the same words as the page, the page keeps its own markup (links, bold, a finding's
    detail), so importing an unchanged table changes nothing. Columns the file leaves out
    (``columns``) keep the page's value.
    """

    kind = ChoiceByNameField(choices=EvidenceKind.choices)
    nation = ChoiceByNameField(choices=Nation.choices)
    source_url = forms.URLField(label=_("URL"), required=False, assume_scheme="https")
    themes = ThemeListField(required=False)
    technical_summary = ParagraphsField()
    implications_for_care = ParagraphsField()
    key_findings = KeyFindingListField(required=False)

    class Meta:
        model = EvidenceSummaryPage
        fields = EVIDENCE_IMPORT_COLUMNS

    def __init__(self, *args, columns: Iterable[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in set(self.fields) - set(columns):
            del self.fields[name]

    def _keep_formatting(self, name: str) -> str:
        html, current = self.cleaned_data[name], getattr(self.instance, name)
        return current if _words(html) == _words(current) else html

    def clean_technical_summary(self) -> str:
        return self._keep_formatting("technical_summary")

    def clean_implications_for_care(self) -> str:
        return self._keep_formatting("implications_for_care")

    def clean_key_findings(self) -> list[dict]:
        """The findings as stream data, reusing the page's block (its id, its detail) for
        each finding whose words it already has."""
        current = {
            " ".join(block["value"]["finding"].split()): block
            for block in self.instance.key_findings.raw_data
        }
        return [
            current.pop(" ".join(finding.split()), None)
            or {"type": "finding", "value": {"finding": finding, "detail": ""}, "id": str(uuid4())}
            for finding in self.cleaned_data["key_findings"]
        ]


class EvidenceImportForm(forms.Form):
    """The admin's upload form: a CSV file, the index to import into, and whether to try it."""

    MAX_UPLOAD_SIZE = 5 * 1024 * 1024

    csv_file = forms.FileField(
        label=_("CSV file"),
        validators=[FileExtensionValidator(["csv"], _("Choose a CSV file (its name ends .csv)."))],
        help_text=_("Save the extraction table from your spreadsheet as “CSV UTF-8”."),
    )
    index_page = forms.ModelChoiceField(
        label=_("Import into"), queryset=EvidenceIndexPage.objects.none(), empty_label=None
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        help_text=_("Check the file and show what would change, without saving anything."),
    )

    def __init__(self, *args, index_pages: QuerySet[EvidenceIndexPage], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.index_pages = index_pages
        if len(index_pages) == 1:
            del self.fields["index_page"]  # no choice to make
        else:
            self.fields["index_page"].queryset = index_pages

    def clean(self) -> dict:
        cleaned = super().clean()
        if "index_page" not in self.fields:
            cleaned["index_page"] = self.index_pages[0]
        return cleaned

    def clean_csv_file(self) -> UploadedFile:
        csv_file = self.cleaned_data["csv_file"]
        if csv_file.size > self.MAX_UPLOAD_SIZE:
            raise ValidationError(
                gettext("The file is %(size)s; the largest file you can import is %(limit)s."),
                code="too_big",
                params={
                    "size": filesizeformat(csv_file.size),
                    "limit": filesizeformat(self.MAX_UPLOAD_SIZE),
                },
            )
        return csv_file
