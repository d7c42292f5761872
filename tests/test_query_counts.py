"""Each page costs the same number of queries however much content there is.

Every page type readers, members and editors use is requested at two volumes built by
``seed_scale``'s builder, the second ten times the first: a count that grows with the
volume is an N+1 query. Each anonymous address is requested once per test, as the first
request, so that a page cache (cleared before each test) never answers it; then again, with
a query string of its own, after another reader kept what every page shares.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse

from wagtail.models import Locale

import pytest

from cms.languages import language_code_of
from cms.scale import scale_content_seed
from consultations.models import Member, Round, RoundPage
from evidence.models import EvidenceIndexPage, EvidenceSummaryPage, LayFindingsPage, Theme
from home import demo as home_demo_content
from home.models import StandardPage
from tests.factories import EditorFactory

# A fiftieth of the study, and a fifth of it with the busiest round page at its full 500
# comments: the round page must serve those in at most 20 queries.
SIZES = {
    "small": {"factor": 0.02},
    "large": {"factor": 0.2, "hot_page_comments": 500},
}


@dataclass(frozen=True)
class Built:
    size: str
    round: Round
    round_page: RoundPage
    member: Member
    comments_on_page: int
    summary: EvidenceSummaryPage
    findings: LayFindingsPage
    findings_translated: LayFindingsPage
    standard_page: StandardPage
    evidence_index: EvidenceIndexPage


@pytest.fixture(scope="module", params=list(SIZES))
def built(request, django_db_setup, django_db_blocker) -> Iterator[Built]:
    """One volume, built once for the module in a transaction rolled back at its end; each
    test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        home_demo_content.seed(log=lambda message: None)
        report = scale_content_seed(log=lambda message: None, **SIZES[request.param])
        members = Member.objects.filter(user__username__startswith=f"scale-{report.tag}-")
        # The open round, and its first page: the busiest one.
        round = Round.objects.filter(title__contains=report.tag).order_by("-closes_at").first()
        round_page = round.round_pages.order_by("sort_order").first()
        findings = LayFindingsPage.objects.filter(slug__startswith=f"scale-{report.tag}-")
        process_caches_warm()
        yield Built(
            size=request.param,
            round=round,
            round_page=round_page,
            member=members.order_by("pk").first(),
            comments_on_page=round.comments.filter(page_id=round_page.page_id).count(),
            summary=EvidenceSummaryPage.objects.filter(source_id__contains=report.tag).first(),
            findings=findings.filter(locale=Locale.get_default()).first(),
            findings_translated=findings.exclude(locale=Locale.get_default()).first(),
            standard_page=StandardPage.objects.live().first(),
            evidence_index=EvidenceIndexPage.objects.first(),
        )
        transaction.set_rollback(True)


def process_caches_warm() -> None:
    """What a running server reads once and keeps for its life: the content types and the
    locales (``cms.languages``). The cache each test empties is Django's, not these, so
    without this the first test to need one would pay for it, whichever size it runs at."""
    ContentType.objects.clear_cache()
    for model in apps.get_models():
        ContentType.objects.get_for_model(model)
    for locale_id in Locale.objects.values_list("pk", flat=True):
        language_code_of(locale_id)


def get(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, url
    if response.streaming:
        b"".join(response.streaming_content)


def export_url(built: Built, dataset: str, format: str) -> str:
    query = f"?dataset={dataset}&format={format}&identity=pseudonym"
    return reverse("rounds:export", args=[built.round.pk]) + query


# (address, queries) for each page type. The public pages are in English unless named.
PUBLIC = {
    "home": (lambda built: "/", 12),
    "standard page": (lambda built: built.standard_page.url, 13),
    "evidence index, filtered": (
        lambda built: (
            built.evidence_index.url + "?kind=guideline&kind=research"
            "&nation=england&nation=scotland&nation=uk-wide&theme=" + Theme.objects.first().slug
        ),
        19,
    ),
    "evidence summary": (lambda built: built.summary.url, 17),
    "lay findings index": (lambda built: built.findings.get_parent().url, 16),
    "lay findings page": (lambda built: built.findings.url, 18),
    "lay findings index in Polish": (lambda built: built.findings_translated.get_parent().url, 26),
    "lay findings page in Polish": (lambda built: built.findings_translated.url, 26),
    # Words only the made-up evidence summaries use, so the results are of one page type at
    # both sizes: the search costs a query per page type among the results.
    "search": (lambda built: "/search/?q=load+testing", 11),
}
# The same pages with a query string no one asked for before, which the page cache cannot
# answer, after a first reader. What every page shares around its content (menu,
# breadcrumbs, language links, footer) is kept (cms.fragments); so is Wagtail's way to the
# page and, for a page open to everyone, the page itself (cms.routing); and so is a page's
# content where it is the same for every reader (cms/templatetags/kept_tags.py). A page
# made only of those runs no query. A listing's content depends on the reader's filters,
# and search on her words: they are read.
PUBLIC_AGAIN = {
    "home": 0,
    "standard page": 0,
    "evidence index, filtered": 6,
    "evidence summary": 0,
    "lay findings index": 2,
    "lay findings page": 0,
    "lay findings index in Polish": 4,
    "lay findings page in Polish": 0,
    "search": 7,
}
MEMBER = {
    "dashboard": (lambda built: reverse("consultations:dashboard"), 15),
    "round": (lambda built: reverse("consultations:round", args=[built.round.pk]), 16),
    "round page": (
        lambda built: reverse(
            "consultations:round_page", args=[built.round.pk, built.round_page.page_id]
        ),
        19,
    ),
}
EDITOR = {
    "moderation queue": (lambda built: reverse("rounds:moderation", args=[built.round.pk]), 26),
    "results": (lambda built: reverse("rounds:results", args=[built.round.pk]), 18),
    "comments export, CSV": (lambda built: export_url(built, "comments", "csv"), 14),
    "comments export, XLSX": (lambda built: export_url(built, "comments", "xlsx"), 14),
    "ratings export, CSV": (lambda built: export_url(built, "ratings", "csv"), 14),
    "ratings export, XLSX": (lambda built: export_url(built, "ratings", "xlsx"), 14),
}


@pytest.mark.parametrize("name", list(PUBLIC))
def test_public_page_costs_the_same_at_both_volumes(
    built, db, client, django_assert_num_queries, name
):
    address, queries = PUBLIC[name]
    with django_assert_num_queries(queries):
        get(client, address(built))


def another_query(url: str, name: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}{name}=1"


@pytest.mark.parametrize("name", list(PUBLIC_AGAIN))
def test_public_page_not_in_the_page_cache_costs_the_same_at_both_volumes(
    built, db, client, django_assert_num_queries, name
):
    address, _first = PUBLIC[name]
    get(client, another_query(address(built), "first"))
    with django_assert_num_queries(PUBLIC_AGAIN[name]):
        get(client, another_query(address(built), "again"))


@pytest.mark.parametrize("name", list(MEMBER))
def test_member_page_costs_the_same_at_both_volumes(
    built, db, client, django_assert_num_queries, name
):
    client.force_login(built.member.user)
    address, queries = MEMBER[name]
    with django_assert_num_queries(queries):
        get(client, address(built))


@pytest.mark.parametrize("name", list(EDITOR))
def test_editor_page_costs_the_same_at_both_volumes(
    built, db, client, django_assert_num_queries, name
):
    client.force_login(EditorFactory())
    address, queries = EDITOR[name]
    with django_assert_num_queries(queries):
        get(client, address(built))


@pytest.mark.parametrize("built", ["large"], indirect=True)
def test_round_page_with_500_comments_takes_at_most_20_queries(
    built, db, client, django_assert_max_num_queries
):
    assert built.comments_on_page == 500
    client.force_login(built.member.user)
    with django_assert_max_num_queries(20):
        get(client, MEMBER["round page"][0](built))
