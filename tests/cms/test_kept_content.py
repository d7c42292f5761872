"""A public page's content is kept between requests (``{% kept_content %}``): a reader the
page cache cannot answer (a signed-in member, an address with a query string of its own)
is sent the page as published now, a private page's content and a preview are never kept,
and each language keeps its own words."""

import itertools

from wagtail.models import Page, PageViewRestriction

import pytest
from bs4 import BeautifulSoup

from evidence.models import EvidenceSummaryPage, Theme
from tests.factories import (
    EvidenceIndexPageFactory,
    EvidenceSummaryPageFactory,
    MemberFactory,
    StandardPageFactory,
)

_fresh = itertools.count()
BODY = "evidence/includes/evidence_summary_body.html"


def fresh(url: str) -> str:
    """The address with a query string no request had, so the page cache never answers."""
    return f"{url}?fresh={next(_fresh)}"


def main(client, url: str) -> BeautifulSoup:
    response = client.get(fresh(url))
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser").find("main")


def lede(client, url: str) -> str:
    return main(client, url).find(class_="nhsuk-lede-text").get_text(strip=True)


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


def test_a_summary_read_again_is_not_made_afresh_and_shows_the_same(client, summary):
    first = client.get(fresh(summary.url))
    assert BODY in [template.name for template in first.templates]

    again = client.get(fresh(summary.url))

    assert BODY not in [template.name for template in again.templates]
    assert again.content.decode().count("Women said joined-up care helped them.") == 1
    assert main(client, summary.url) == BeautifulSoup(first.content, "html.parser").find("main")


def test_kept_content_is_sent_until_pages_are_read_afresh(member_client, summary):
    theme = Theme.objects.create(name="Kept theme", slug="kept-theme")
    summary.themes.add(theme)
    summary.save_revision().publish()
    first = main(member_client, summary.url)
    assert "Kept theme" in first.get_text()

    # Renamed as no editor can: without a signal, so nothing tells the caches.
    Theme.objects.filter(pk=theme.pk).update(name="Renamed unseen")
    response = member_client.get(fresh(summary.url))

    assert "Kept theme" in response.content.decode()
    assert "Renamed unseen" not in response.content.decode()
    assert BODY not in [template.name for template in response.templates]


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
def test_each_language_keeps_its_own_words(client, home_demo, code):
    def updated(url: str) -> str:
        return main(client, url).find(class_="app-last-updated").get_text(strip=True)

    english = updated("/about/")

    translated = updated(f"/{code}/about/")

    assert english.startswith("Page last updated")
    assert not translated.startswith("Page last updated")
