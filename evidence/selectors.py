"""Reads of the evidence base that pages, views and exports share."""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, Q, QuerySet

from wagtail.models import Locale
from wagtail.search.backends.base import BaseSearchResults

from cms.languages import default_language, language_code_of, readable_in
from cms.privacy import public
from evidence.enums import EvidenceSort
from evidence.models import (
    EvidenceIndexPage,
    EvidenceSummaryPage,
    FrameworkIndexPage,
    FrameworkSectionPage,
    LayFindingEvidence,
    LayFindingsIndexPage,
    LayFindingsPage,
    Theme,
)


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


SORT_ORDER = {
    EvidenceSort.NEWEST: ("-year", "title"),
    EvidenceSort.OLDEST: ("year", "title"),
    EvidenceSort.TITLE: ("title",),
}


def evidence_summaries_published(*, index_page: EvidenceIndexPage) -> QuerySet:
    """The summaries below an index that anyone may read, with their themes."""
    return public(EvidenceSummaryPage.objects.child_of(index_page).live()).prefetch_related(
        Prefetch("themes", queryset=Theme.objects.order_by("name"))
    )


def evidence_search(
    *, index_page: EvidenceIndexPage, filters: EvidenceFilters
) -> QuerySet | BaseSearchResults:
    """Published summaries matching the filters, in the order they ask for.

    The filters run in the database first; a keyword search then ranks what is left, so a
    theme filter (a many-to-many the search backend cannot filter on) still applies.
    """
    summaries = evidence_summaries_published(index_page=index_page)
    if filters.kinds:
        summaries = summaries.filter(kind__in=filters.kinds)
    if filters.nations:
        summaries = summaries.filter(nation__in=filters.nations)
    if filters.themes:
        summaries = summaries.filter(
            pk__in=EvidenceSummaryPage.themes.through.objects.filter(
                theme__slug__in=filters.themes
            ).values("evidencesummarypage_id")
        )
    if filters.year_from:
        summaries = summaries.filter(year__gte=filters.year_from)
    if filters.year_to:
        summaries = summaries.filter(year__lte=filters.year_to)

    if not filters.query:
        return summaries.order_by(*SORT_ORDER[filters.sort])

    matching = EvidenceSummaryPage.objects.filter(
        pk__in=list(summaries.values_list("pk", flat=True))
    ).prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("name")))
    if filters.sort == EvidenceSort.RELEVANCE:
        return matching.search(filters.query)
    return matching.order_by(*SORT_ORDER[filters.sort]).search(
        filters.query, order_by_relevance=False
    )


def framework_sections_published(*, index_page: FrameworkIndexPage) -> QuerySet:
    return public(FrameworkSectionPage.objects.child_of(index_page).live()).order_by(
        "section_number"
    )


def lay_findings_published(
    *,
    locale: Locale,
    index_page: LayFindingsIndexPage | None = None,
    themes: list[str] | None = None,
) -> QuerySet:
    """Published lay findings for readers of one language, newest first; below one index
    (in that language), or anywhere on the site. In a language other than the default,
    those not translated into it yet are listed too, in English. With theme slugs, only
    the findings that draw on published evidence about one of those themes."""
    findings = public(LayFindingsPage.objects.live()).select_related("locale")
    if themes:
        findings = findings.filter(
            pk__in=LayFindingEvidence.objects.filter(
                evidence__in=_summaries_readable().values("pk"), evidence__themes__slug__in=themes
            ).values("page_id")
        )
    if index_page is not None:
        default_index = (
            index_page
            if language_code_of(index_page.locale_id) == default_language()
            else index_page.get_translations()
            .filter(locale__language_code=default_language())
            .first()
        )
        below = Q(path__startswith=index_page.path, depth=index_page.depth + 1)
        if default_index is not None:
            below |= Q(path__startswith=default_index.path, depth=default_index.depth + 1)
        findings = findings.filter(below)
    return readable_in(findings, locale).order_by("-first_published_at")


def _summaries_readable() -> QuerySet[EvidenceSummaryPage]:
    """Summaries anyone may read: live, and under no page privacy (checked in the query)."""
    return public(EvidenceSummaryPage.objects.live())


def lay_finding_themes(*, findings: QuerySet) -> QuerySet[Theme]:
    """The themes of the published evidence that these findings draw on, by name."""
    drawn_on = LayFindingEvidence.objects.filter(page__in=findings.order_by().values("pk"))
    return Theme.objects.filter(
        pk__in=EvidenceSummaryPage.themes.through.objects.filter(
            evidencesummarypage_id__in=drawn_on.values("evidence_id"),
        )
        .filter(evidencesummarypage_id__in=_summaries_readable().values("pk"))
        .values("theme_id"),
    ).order_by("name")


def lay_finding_evidence(*, page: LayFindingsPage) -> list[EvidenceSummaryPage]:
    """The published summaries a lay findings page links to, in the editor's order."""
    ids = [link.evidence_id for link in page.evidence_links.all()]
    published = public(EvidenceSummaryPage.objects.live()).in_bulk(ids)
    return [published[pk] for pk in ids if pk in published]


def evidence_indexes_for_import(*, user: AbstractBaseUser) -> QuerySet[EvidenceIndexPage]:
    """The evidence indexes the user may import into: those they may add summaries under."""
    indexes = EvidenceIndexPage.objects.order_by("path")
    return indexes.filter(
        pk__in=[page.pk for page in indexes if page.permissions_for_user(user).can_add_subpage()]
    )
