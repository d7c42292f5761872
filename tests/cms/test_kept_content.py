"""A public page's content is kept between requests (``{% kept_content %}``): a reader the
page cache cannot answer (a signed-in member, an address with a query string of its own)
is sent the page as published now, a private page's content and a preview are never kept,
and each language keeps its own words."""

import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, PageViewRestriction

import pytest
from bs4 import BeautifulSoup

from evidence.models import EvidenceSummaryPage
from tests.factories import (
    EvidenceIndexPageFactory,
    EvidenceSummaryPageFactory,
    MemberFactory,
    StandardPageFactory,
)

_fresh = itertools.count()


def fresh(url: str) -> str:
    """The address with a query string no request had, so the page cache never answers."""
    return f"{url}?fresh={next(_fresh)}"


def main(client, url: str) -> BeautifulSoup:
    response = client.get(fresh(url))
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser").find("main")


def lede(client, url: str) -> str:
    return main(client, url).find(class_="nhsuk-lede-text").get_text(strip=True)


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(fresh(url)).status_code == 200
    return len(queries)


def change_unseen(page: Page, **fields: str) -> None:
    """Change the page's row as no editor can: without a revision or any signal, so that
    nothing tells the caches. Only content read afresh can show it."""
    type(page).objects.filter(pk=page.pk).update(**fields)


@pytest.fixture
def summary(home_demo, home_page) -> EvidenceSummaryPage:
    index = EvidenceIndexPageFactory(parent=home_page)
    return EvidenceSummaryPageFactory(
        parent=index,
        title="Joined-up care",
        lay_summary="Women said joined-up care helped them.",
    )


@pytest.fixture
def member_client(db, client):
    client.force_login(MemberFactory().user)
    return client


def test_a_summary_read_again_reads_less_and_shows_the_same(client, summary):
    first_queries = queries_for(client, summary.url)
    first = main(client, summary.url)

    again = queries_for(client, summary.url)

    assert again < first_queries
    assert main(client, summary.url) == first


def test_kept_content_is_sent_until_pages_are_read_afresh(member_client, summary):
    assert lede(member_client, summary.url) == "Women said joined-up care helped them."

    change_unseen(summary, lay_summary="A change nobody published.")

    assert lede(member_client, summary.url) == "Women said joined-up care helped them."


@pytest.mark.parametrize("reader", ["public", "member"])
def test_a_published_change_shows_to_the_next_reader(client, summary, reader):
    if reader == "member":
        client.force_login(MemberFactory().user)
    assert lede(client, summary.url) == "Women said joined-up care helped them."

    summary.lay_summary = "Women said a named midwife helped them most."
    summary.save_revision().publish()

    assert lede(client, summary.url) == "Women said a named midwife helped them most."


def test_a_private_pages_content_is_never_kept(member_client, home_page):
    page = StandardPageFactory(
        parent=home_page, title="Team notes", slug="team-notes", introduction="First notes."
    )
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    assert lede(member_client, page.url) == "First notes."

    change_unseen(page, introduction="Second notes.")

    assert lede(member_client, page.url) == "Second notes."


def test_a_preview_shows_the_draft_not_the_kept_content(client, editor, summary):
    assert lede(client, summary.url) == "Women said joined-up care helped them."
    client.force_login(editor)
    summary.lay_summary = "A draft nobody has published."
    revision = summary.save_revision(user=editor)

    response = client.get(f"/admin/pages/{summary.pk}/revisions/{revision.pk}/view/")

    assert response.status_code == 200
    assert b"A draft nobody has published." in response.content
    assert lede(client, summary.url) == "Women said joined-up care helped them."


@pytest.mark.parametrize("code", ["pl", "ar"])
def test_each_language_keeps_its_own_words(client, summary, code):
    def updated(url: str) -> str:
        return main(client, url).find(class_="app-last-updated").get_text(strip=True)

    english = updated("/about/")

    translated = updated(f"/{code}/about/")

    assert english.startswith("Page last updated")
    assert not translated.startswith("Page last updated")
