import csv
from collections.abc import Iterator

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView

from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.rich_text import RichText

from cms.languages import locale_of
from cms.spreadsheets import spreadsheet_text
from evidence.admin_forms import lay_text_of_form
from evidence.enums import EvidenceKind, Nation
from evidence.forms import (
    EVIDENCE_IMPORT_COLUMNS,
    EVIDENCE_IMPORT_OPTIONAL_COLUMNS,
    EvidenceFilterForm,
    EvidenceImportForm,
    LayFindingFilterForm,
)
from evidence.models import (
    EvidenceIndexPage,
    EvidenceSummaryPage,
    LayFindingsIndexPage,
    LayTextPageMixin,
)
from evidence.panels import READABILITY_TEMPLATE, lay_text_readability_context
from evidence.readability import plain_text
from evidence.selectors import (
    evidence_indexes_for_import,
    evidence_search,
    lay_finding_themes,
    lay_findings_published,
)
from evidence.services import EvidenceImportFileError, evidence_import

RESULTS_PER_PAGE = 20

# The import's columns, so an export can be edited and imported back, and the page's address.
# They are names the import reads, not words to translate.
CSV_COLUMNS = (*EVIDENCE_IMPORT_COLUMNS, "page_url")


def evidence_listing_context(request: HttpRequest, *, index_page: EvidenceIndexPage) -> dict:
    form = EvidenceFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    filters = form.filters()
    results = evidence_search(index_page=index_page, filters=filters)
    paginator = Paginator(results, RESULTS_PER_PAGE)
    page_of_results = paginator.get_page(request.GET.get("page"))
    return {
        "filter_form": form,
        "filters": filters,
        "results": page_of_results,
        "result_count": paginator.count,
        "csv_url": index_page.url + index_page.reverse_subpage("csv"),
    }


def lay_findings_listing_context(
    request: HttpRequest, *, index_page: LayFindingsIndexPage
) -> dict:
    """The lay findings below an index, filtered by the themes of their evidence."""
    findings = lay_findings_published(locale=locale_of(index_page), index_page=index_page)
    form = LayFindingFilterForm(request.GET or None, themes=lay_finding_themes(findings=findings))
    if form.is_bound:
        form.is_valid()
    themes = form.themes()
    if themes:
        findings = lay_findings_published(
            locale=locale_of(index_page), index_page=index_page, themes=themes
        )
    findings = list(findings)
    return {
        "filter_form": form,
        "filtered": bool(themes),
        "findings": findings,
        "result_count": len(findings),
    }


def evidence_csv_response(
    request: HttpRequest, *, index_page: EvidenceIndexPage
) -> StreamingHttpResponse:
    """The evidence table as CSV for researchers, with the filters of the listing applied."""
    form = EvidenceFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    results = evidence_search(index_page=index_page, filters=form.filters())
    response = StreamingHttpResponse(
        _csv_lines(request, results), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="stepping-stones-evidence.csv"'
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(request: HttpRequest, results) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    summary: EvidenceSummaryPage
    for summary in results:
        row = (
            summary.source_id,
            summary.title,
            EvidenceKind(summary.kind).label,
            Nation(summary.nation).label,
            summary.year,
            summary.authors,
            summary.source_title,
            summary.publisher,
            summary.doi,
            summary.source_url,
            "; ".join(theme.name for theme in summary.themes.all()),
            summary.lay_summary,
            # As the import reads them: a line a paragraph, a line a finding.
            plain_text(RichText(summary.technical_summary)),
            plain_text(RichText(summary.implications_for_care)),
            "\n".join(block.value["finding"] for block in summary.key_findings),
            request.build_absolute_uri(summary.get_url(request=request)),
        )
        yield writer.writerow([spreadsheet_text(value) for value in row])


@require_POST
def lay_text_readability(request: HttpRequest, model_name: str) -> JsonResponse:
    """The readability panel for the lay text in a posted editor form, as the editor types.

    For editors who may add or change pages; it reads nothing but the post and the glossary.
    """
    try:
        model = apps.get_model("evidence", model_name)
    except LookupError as error:
        raise Http404 from error
    if not issubclass(model, LayTextPageMixin):
        raise Http404
    if not PagePermissionPolicy().user_has_any_permission(request.user, {"add", "change"}):
        raise PermissionDenied

    form_class = model.get_edit_handler().get_form_class()
    form = form_class(request.POST, instance=model(), for_user=request.user)
    context = lay_text_readability_context(lay_text_of_form(form))
    readability = context["readability"]
    return JsonResponse(
        {
            "html": render_to_string(READABILITY_TEMPLATE, context, request=request),
            "reading_ease": readability.reading_ease,
            "grade": readability.grade,
            "meets_target": readability.meets_target,
            "glossary_terms": [
                {"term": term.term, "explanation": term.explanation}
                for term in context["glossary_terms"]
            ],
        }
    )


class EvidenceImportView(WagtailAdminTemplateMixin, FormView):
    """The admin's import: upload a CSV file, then see what it created, updated or could not.

    Open to those who may add summaries under an evidence index, as Wagtail's own page
    creation is.
    """

    form_class = EvidenceImportForm
    template_name = "evidence/admin/evidence_import.html"
    page_title = _("Import evidence")
    header_icon = "upload"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.index_pages = evidence_indexes_for_import(user=request.user)
        if not self.index_pages:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "index_pages": self.index_pages}

    def get_context_data(self, **kwargs) -> dict:
        return super().get_context_data(
            action_url=reverse("evidence_import"),
            # Translators: the button that imports the chosen file.
            submit_button_label=gettext("Import"),
            submit_button_active_label=gettext("Importing…"),
            columns=_code_list(EVIDENCE_IMPORT_COLUMNS),
            optional_columns=_code_list(
                EVIDENCE_IMPORT_OPTIONAL_COLUMNS,
                # Translators: joins the last two column names in a list: “a, b and c”.
                last_word=gettext("and"),
            ),
            kinds=EvidenceKind.labels,
            nations=Nation.labels,
            **kwargs,
        )

    def form_invalid(self, form: EvidenceImportForm) -> HttpResponse:
        messages.validation_error(self.request, gettext("The file could not be imported."), form)
        return super().form_invalid(form)

    def form_valid(self, form: EvidenceImportForm) -> HttpResponse:
        try:
            report = evidence_import(
                csv_file=form.cleaned_data["csv_file"],
                index_page=form.cleaned_data["index_page"],
                user=self.request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
        except EvidenceImportFileError as error:
            form.add_error("csv_file", str(error))
            return self.form_invalid(form)

        if report.errors:
            messages.warning(self.request, report.summary)
        else:
            messages.success(self.request, report.summary)
        # A fresh form, so that importing for real after a dry run takes no unticking.
        form = self.form_class(
            index_pages=self.index_pages, initial={"index_page": form.cleaned_data["index_page"]}
        )
        return self.render_to_response(self.get_context_data(form=form, report=report))


def _code_list(names: tuple[str, ...], *, last_word: str | None = None) -> SafeString:
    """Column names as code, separated by commas, or the last by ``last_word``: a, b and c."""
    codes = [format_html("<code>{}</code>", name) for name in names]
    text = ", ".join(codes) if last_word is None else get_text_list(codes, last_word)
    return mark_safe(text)  # noqa: S308 (each name is escaped by format_html)
