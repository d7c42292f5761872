"""What every page shows around its content (the menu, breadcrumbs, the language links,
the footer) is kept between requests: a page the page cache cannot answer (a query string
of its own, a signed-in reader) reads less, yet shows the site as it is now, with what
belongs to this reader and this page only, and nothing of anyone else."""

import contextlib
import itertools
from collections.abc import Iterator
from unittest import mock

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Locale, Page, PageViewRestriction

import pytest
from bs4 import BeautifulSoup

from cms.page_cache import CACHE_ALIAS
from home.models import StudySettings
from tests.factories import MemberFactory, StandardPageFactory

_fresh = itertools.count()


def fresh(url: str) -> str:
    """The address with a query string no request had, so the page cache never answers."""
    return f"{url}?fresh={next(_fresh)}"


def read(client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def menu(page: BeautifulSoup) -> list[str]:
    nav = page.find("nav", attrs={"aria-label": "Menu"})
    return [a.get_text(strip=True) for a in nav.find_all("a")] if nav else []


def current(page: BeautifulSoup) -> list[tuple[str, str]]:
    nav = page.find("nav", attrs={"aria-label": "Menu"})
    return [
        (a.get_text(strip=True), a["aria-current"])
        for a in nav.find_all("a", attrs={"aria-current": True})
    ]


def trail(page: BeautifulSoup) -> list[str]:
    return [a.get_text(strip=True) for a in page.select("a.nhsuk-breadcrumb__link")]


def switcher(page: BeautifulSoup) -> dict[str, str | None]:
    nav = page.find("nav", class_="app-language-switcher")
    return {
        item.find(lang=True)["lang"]: (item.a["href"] if item.a else None)
        for item in nav.find_all("li")
    }


def publish(page: Page) -> None:
    page.save_revision().publish()


def test_a_page_the_page_cache_cannot_answer_reads_less_the_second_time(home_demo, client):
    first = queries_for(client, fresh("/about/"))

    second = queries_for(client, fresh("/about/"))

    assert second < first


def test_a_page_published_into_the_menu_shows_on_the_next_page(home_demo, client, home_page):
    assert "Our partners" not in menu(read(client, fresh("/")))

    partners = StandardPageFactory(
        parent=home_page, title="Our partners", slug="partners", show_in_menus=True, live=False
    )
    publish(partners)

    assert menu(read(client, fresh("/"))) == ["About the study", "Get involved", "Our partners"]


def test_an_unpublished_or_private_menu_page_leaves_the_menu(home_demo, client, home_page):
    read(client, fresh("/"))
    home_page.get_children().get(slug="get-involved").unpublish()

    assert menu(read(client, fresh("/"))) == ["About the study"]

    PageViewRestriction.objects.create(
        page=home_page.get_children().get(slug="about"),
        restriction_type=PageViewRestriction.LOGIN,
    )

    assert menu(read(client, fresh("/"))) == []


def test_the_kept_menu_marks_the_page_each_reader_is_on(home_demo, client, home_page):
    about = home_page.get_children().get(slug="about")
    StandardPageFactory(parent=about, title="How we reviewed the evidence", slug="review")
    assert current(read(client, fresh("/about/"))) == [("About the study", "page")]

    assert current(read(client, fresh("/about/review/"))) == [("About the study", "true")]
    assert current(read(client, fresh("/get-involved/"))) == [("Get involved", "page")]
    assert current(read(client, fresh("/"))) == []


def test_a_renamed_section_shows_in_the_breadcrumbs_below_it(home_demo, client, home_page):
    about = home_page.get_children().get(slug="about").specific
    StandardPageFactory(parent=about, title="How we reviewed the evidence", slug="review")
    assert trail(read(client, fresh("/about/review/"))) == ["Home", "About the study"]

    about.title = "About this study"
    publish(about)

    assert trail(read(client, fresh("/about/review/"))) == ["Home", "About this study"]


def test_a_changed_footer_shows_on_the_next_page(home_demo, client, site):
    footer = read(client, fresh("/about/")).find("footer")
    assert "Phone: 0113 496 0000" not in footer.get_text()

    study = StudySettings.for_site(site)
    study.contact_phone = "0113 496 0000"
    study.contact_email = "team@example.org"
    study.save()

    footer = read(client, fresh("/about/")).find("footer")
    assert "Phone: 0113 496 0000" in footer.get_text()
    assert footer.find("a", href="mailto:team@example.org")


def test_a_footer_page_unpublished_leaves_the_footer(home_demo, client, site):
    study = StudySettings.for_site(site)
    assert study.privacy_notice is not None
    footer = read(client, fresh("/about/")).find("footer")
    assert footer.find("a", string="Privacy notice")["href"] == study.privacy_notice.url

    study.privacy_notice.unpublish()

    footer = read(client, fresh("/about/")).find("footer")
    assert footer.find("a", string="Privacy notice") is None


def test_the_language_links_carry_this_readers_filters(home_demo, client):
    read(client, "/about/?first=reader")

    links = switcher(read(client, "/about/?second=reader"))

    assert links == {
        "en-gb": None,
        "pl": "/pl/about/?second=reader",
        "ar": "/ar/about/?second=reader",
    }


def test_a_published_translation_shows_in_the_menu_and_the_language_links(demo_site, client):
    about = Page.objects.get(url_path="/home/about/").specific
    assert "O badaniu" not in menu(read(client, fresh("/pl/")))
    english = switcher(read(client, fresh("/about/")))
    assert english["pl"].startswith("/pl/about/")

    polish = about.copy_for_translation(Locale.objects.get(language_code="pl"))
    polish.title = "O badaniu"
    polish.slug = "o-badaniu"
    publish(polish)

    assert "O badaniu" in menu(read(client, fresh("/pl/")))
    assert switcher(read(client, fresh("/about/")))["pl"].startswith("/pl/o-badaniu/")


def test_a_signed_in_members_menu_and_token_never_reach_the_public(home_demo, client):
    member = MemberFactory(pseudonym="Willow Signed-in")
    client.force_login(member.user)
    hers = read(client, fresh("/about/"))
    assert "Willow Signed-in" in hers.get_text()
    assert hers.find("input", attrs={"name": "csrfmiddlewaretoken"})
    client.logout()
    client.cookies.clear()

    public = read(client, fresh("/about/"))

    assert "Willow Signed-in" not in public.get_text()
    assert public.find("input", attrs={"name": "csrfmiddlewaretoken"}) is None
    assert menu(public) == menu(hers)


def test_a_member_reading_after_the_public_sees_her_own_account_links(home_demo, client):
    read(client, fresh("/about/"))
    member = MemberFactory(pseudonym="Willow Signed-in")
    client.force_login(member.user)

    hers = read(client, fresh("/about/"))

    assert "Willow Signed-in" in hers.get_text()
    assert hers.find("button", string="Sign out")


@pytest.mark.parametrize("code", ["pl", "ar"])
def test_each_language_keeps_its_own_words(home_demo, client, code):
    english_home = trail(read(client, fresh("/about/")))

    translated_home = trail(read(client, fresh(f"/{code}/about/")))

    assert english_home == ["Home"]
    assert translated_home != ["Home"]


@contextlib.contextmanager
def counted_trips(cache) -> Iterator[list[str]]:
    """Each read of the cache the block makes, as a server would make them: a ``get_many``
    is one trip, however many keys it reads (the local cache of the tests reads each key
    with ``get``, which is not counted again)."""
    trips: list[str] = []
    get, get_many = cache.get, cache.get_many
    inside = False

    def counted_get(key, *args, **kwargs):
        if not inside:
            trips.append(f"get {key}")
        return get(key, *args, **kwargs)

    def counted_get_many(keys, *args, **kwargs):
        nonlocal inside
        inside = True
        try:
            found = get_many(keys, *args, **kwargs)
        finally:
            inside = False
        trips.append(f"get_many: {len(found)} of {len(keys)} found")
        return found

    with (
        mock.patch.object(cache, "get", counted_get),
        mock.patch.object(cache, "get_many", counted_get_many),
    ):
        yield trips


def test_a_page_read_again_asks_the_cache_once_for_all_its_parts(home_demo, client):
    read(client, fresh("/about/"))

    with counted_trips(caches[CACHE_ALIAS]) as trips:
        again = read(client, fresh("/about/"))

    assert menu(again) and trail(again)
    # The page cache's look for this address, the way to the page, and its parts, every
    # one of which was kept.
    assert len(trips) == 3, trips
    parts = trips[-1]
    assert parts.startswith("get_many: ") and parts.split()[1] == parts.split()[3], trips
    assert int(parts.split()[1]) >= 4, "the menu, the trail, the language links, the footer"
