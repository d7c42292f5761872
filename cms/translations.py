"""Translations of pages whose source page changed since they were last brought up to date.

wagtail-localize takes a page's words into a translation source when the page is
translated, and again when an editor chooses "Sync translated pages". A source page
published after that has words its translations do not have yet: they are out of date
until someone syncs them (and translates what is new).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from wagtail_localize.models import Translation


def translations_out_of_date() -> QuerySet[Translation]:
    """Translations (still kept in step with their source) of pages published since
    their words were last taken from the source page, oldest change first."""
    source_published_at = Page.objects.filter(
        translation_key=OuterRef("source__object_id"), locale_id=OuterRef("source__locale_id")
    ).values("last_published_at")[:1]
    return (
        Translation.objects.filter(enabled=True)
        .annotate(source_published_at=Subquery(source_published_at))
        .filter(source_published_at__gt=F("source__last_updated_at"))
        .select_related("source", "source__locale", "target_locale")
        .order_by("source_published_at", "pk")
    )


def translations_out_of_date_of(page: Page) -> QuerySet[Translation]:
    """Those of one page: as the source, or as the translation."""
    out_of_date = translations_out_of_date()
    as_translation = out_of_date.filter(
        source__object_id=page.translation_key, target_locale_id=page.locale_id
    )
    if as_translation.exists():
        return as_translation
    return out_of_date.filter(source__object_id=page.translation_key, source__locale=page.locale)


@dataclass(frozen=True)
class OutOfDateTranslation:
    pk: int
    page: Page | None
    title: str
    language: str
    source_published_at: datetime
    last_updated_at: datetime
    edit_url: str
    update_url: str


def _rows(translations: list[Translation]) -> list[OutOfDateTranslation]:
    pages = {
        (page.translation_key, page.locale_id): page
        for page in Page.objects.filter(
            translation_key__in=[translation.source.object_id for translation in translations]
        )
    }
    rows = []
    for translation in translations:
        page = pages.get((translation.source.object_id, translation.target_locale_id))
        rows.append(
            OutOfDateTranslation(
                pk=translation.pk,
                page=page,
                title=page.get_admin_display_title() if page else translation.source.object_repr,
                language=translation.target_locale.get_display_name(),
                source_published_at=translation.source_published_at,
                last_updated_at=translation.source.last_updated_at,
                edit_url=reverse("wagtailadmin_pages:edit", args=[page.pk]) if page else "",
                update_url=reverse(
                    "wagtail_localize:update_translations", args=[translation.source.pk]
                ),
            )
        )
    return rows


class UpdateLinkColumn(Column):
    cell_template_name = "cms/reports/update_translation_cell.html"


class OutOfDateTranslationsView(ReportView):
    """Reports → Translations out of date: each with a link to bring it up to date."""

    page_title = _("Translations out of date")
    header_icon = "warning"
    index_url_name = "cms_translations_out_of_date"
    index_results_url_name = "cms_translations_out_of_date_results"
    paginate_by = 50
    columns = [
        TitleColumn("title", label=_("Translated page"), get_url=lambda row: row.edit_url),
        Column("language", label=_("Language")),
        DateColumn("source_published_at", label=_("Source page changed")),
        DateColumn("last_updated_at", label=_("Translation last brought up to date")),
        UpdateLinkColumn("update_url", label=_("Bring up to date")),
    ]

    def get_queryset(self) -> list[OutOfDateTranslation]:
        # One row per translation; there are a few per page at most, so all are built.
        return _rows(list(translations_out_of_date()))
