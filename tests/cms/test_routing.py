"""Wagtail's way to a page (the site, the page an address leads to, whether any view
restriction applies) is kept between requests: a page the page cache cannot answer reads
less, yet every reader is sent the page the address leads to now, and a private page only
to whom it is for."""

import csv
import io
import itertools

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import Locale, Page, PageViewRestriction

import pytest
from bs4 import BeautifulSoup

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


def heading(client, url: str) -> str:
    response = client.get(fresh(url))
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser").h1.get_text(strip=True)


def publish(page: Page) -> None:
    page.save_revision().publish()


@pytest.fixture
def review(home_demo, home_page) -> Page:
    """A page two levels down: /about/review/."""
    about = home_page.get_children().get(slug="about")
    return StandardPageFactory(parent=about, title="How we reviewed the evidence", slug="review")


def test_a_page_read_again_finds_its_way_without_the_site_routing_or_privacy(client, review):
    heading(client, "/about/review/")

    with CaptureQueriesContext(connection) as queries:
        assert heading(client, "/about/review/") == "How we reviewed the evidence"

    tables = " ".join(query["sql"] for query in queries)
    assert "wagtailcore_site" not in tables
    assert "wagtailcore_pageviewrestriction" not in tables
    assert "wagtailcore_locale" not in tables


def test_a_page_published_where_nothing_was_found_is_found(client, review):
    assert client.get(fresh("/about/later/")).status_code == 404

    StandardPageFactory(parent=review.get_parent(), title="Later", slug="later", live=False)
    assert client.get(fresh("/about/later/")).status_code == 404
    publish(Page.objects.get(slug="later").specific)

    assert heading(client, "/about/later/") == "Later"


def test_a_page_unpublished_is_no_longer_found(client, review):
    heading(client, "/about/review/")

    review.unpublish()

    assert client.get(fresh("/about/review/")).status_code == 404


def test_a_page_moved_is_found_where_it_went_and_another_can_take_its_old_address(
    client, review, home_page
):
    heading(client, "/about/review/")
    get_involved = home_page.get_children().get(slug="get-involved")

    review.move(get_involved, pos="last-child")

    assert heading(client, "/get-involved/review/") == "How we reviewed the evidence"
    assert client.get(fresh("/about/review/")).status_code != 200
    about = home_page.get_children().get(slug="about")
    StandardPageFactory(parent=about, title="Our method", slug="review")
    assert heading(client, "/about/review/") == "Our method"


def test_a_page_given_a_new_address_is_found_there_and_not_at_the_old_one(client, review):
    heading(client, "/about/review/")

    review.slug = "method"
    publish(review)

    assert heading(client, "/about/method/") == "How we reviewed the evidence"
    assert client.get(fresh("/about/review/")).status_code != 200


def test_a_page_made_private_asks_for_its_password_and_shows_again_once_public(client, review):
    assert heading(client, "/about/review/") == "How we reviewed the evidence"

    restriction = PageViewRestriction.objects.create(
        page=review, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )

    response = client.get(fresh("/about/review/"))
    assert b"How we reviewed the evidence" not in response.content
    assert BeautifulSoup(response.content, "html.parser").find("input", type="password")

    restriction.delete()

    assert heading(client, "/about/review/") == "How we reviewed the evidence"


def test_a_page_below_a_section_made_private_asks_her_to_sign_in(client, review):
    heading(client, "/about/review/")

    PageViewRestriction.objects.create(
        page=review.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )

    response = client.get(fresh("/about/review/"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=/about/review/")


def test_a_private_page_one_reader_may_see_is_not_sent_to_the_next(client, review):
    PageViewRestriction.objects.create(page=review, restriction_type=PageViewRestriction.LOGIN)
    member = MemberFactory()
    client.force_login(member.user)
    assert heading(client, "/about/review/") == "How we reviewed the evidence"
    assert heading(client, "/about/review/") == "How we reviewed the evidence"
    client.logout()
    client.cookies.clear()

    response = client.get(fresh("/about/review/"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=/about/review/")


def test_a_published_translation_is_served_where_the_english_page_was(demo_site, client):
    about = Page.objects.get(url_path="/home/about/").specific
    english = BeautifulSoup(client.get(fresh("/pl/about/")).content, "html.parser")
    assert english.find(class_="app-translation-notice")
    assert english.h1.get_text(strip=True) == about.title

    polish = about.copy_for_translation(Locale.objects.get(language_code="pl"))
    polish.title = "O badaniu"
    publish(polish)

    translated = BeautifulSoup(client.get(fresh("/pl/about/")).content, "html.parser")
    assert translated.h1.get_text(strip=True) == "O badaniu"
    assert translated.find(class_="app-translation-notice") is None
    assert heading(client, "/about/") == about.title


def test_a_translation_unpublished_falls_back_to_the_english_page_again(demo_site, client):
    about = Page.objects.get(url_path="/home/about/").specific
    polish = about.copy_for_translation(Locale.objects.get(language_code="pl"))
    polish.title = "O badaniu"
    publish(polish)
    assert heading(client, "/pl/about/") == "O badaniu"

    polish.refresh_from_db()
    polish.unpublish()

    assert heading(client, "/pl/about/") == about.title


def test_a_routable_page_answers_its_own_views_and_itself_each_time(client, home_page):
    evidence = EvidenceIndexPageFactory(parent=home_page, title="Evidence", slug="evidence")
    EvidenceSummaryPageFactory(parent=evidence, title="Joined-up care in pregnancy")

    for _reading in range(2):
        assert heading(client, "/evidence/") == "Evidence"
        response = client.get(fresh("/evidence/csv/"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        content = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(content)))
        assert [row["title"] for row in rows] == ["Joined-up care in pregnancy"]
