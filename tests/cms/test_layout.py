"""The site-wide layout: what every page shares, the error pages included."""

from django.test import RequestFactory
from django.views.defaults import server_error

import pytest
from bs4 import BeautifulSoup

from cms.views import server_error as server_error_handler
from home.models import StudySettings
from tests.factories import StandardPageFactory


def parse(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def assert_site_layout(soup: BeautifulSoup) -> None:
    """Skip link first, then the header with the site name, one main landmark, a footer."""
    html = soup.find("html")
    assert html["lang"] == "en-gb"
    assert html["dir"] == "ltr"

    first_link = soup.body.find("a")
    assert "nhsuk-skip-link" in first_link["class"]
    assert first_link["href"] == "#maincontent"

    header = soup.find("header", class_="nhsuk-header")
    assert header.find("a", class_="nhsuk-header__service-name").get_text(strip=True) == (
        "Stepping Stones"
    )
    mains = soup.find_all("main")
    assert len(mains) == 1
    assert mains[0]["id"] == "maincontent"
    assert soup.find("footer", class_="nhsuk-footer") is not None
    assert soup.find("link", rel="stylesheet", href="/static/nhsuk/nhsuk-frontend.min.css")


@pytest.mark.parametrize("path", ["/", "/about/", "/privacy-notice/"])
def test_pages_share_the_site_layout(home_demo, client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert_site_layout(parse(response))


def test_header_lists_the_pages_shown_in_menus(home_demo, client):
    nav = parse(client.get("/")).find("nav", attrs={"aria-label": "Menu"})

    links = [(a.get_text(strip=True), a["href"]) for a in nav.find_all("a")]
    assert links == [("About the study", "/about/"), ("Get involved", "/get-involved/")]


def test_header_marks_the_section_being_read(home_demo, client, home_page):
    about = home_page.get_children().get(slug="about")
    StandardPageFactory(parent=about, title="How we reviewed the evidence", slug="review")

    nav = parse(client.get("/about/review/")).find("nav", attrs={"aria-label": "Menu"})

    current = nav.find("a", attrs={"aria-current": True})
    assert current.get_text(strip=True) == "About the study"
    assert current["aria-current"] == "true"


def test_header_marks_the_page_being_read(home_demo, client):
    nav = parse(client.get("/about/")).find("nav", attrs={"aria-label": "Menu"})

    current = nav.find("a", attrs={"aria-current": True})
    assert current.get_text(strip=True) == "About the study"
    assert current["aria-current"] == "page"


def test_header_leaves_out_unpublished_pages(home_demo, client, home_page):
    about = home_page.get_children().get(slug="about")
    about.unpublish()

    nav = parse(client.get("/")).find("nav", attrs={"aria-label": "Menu"})

    assert [a.get_text(strip=True) for a in nav.find_all("a")] == ["Get involved"]


def test_footer_links_the_privacy_notice_accessibility_statement_and_contact(home_demo, client):
    footer = parse(client.get("/about/")).find("footer")

    links = {a.get_text(strip=True): a["href"] for a in footer.find_all("a")}
    assert links == {
        "Privacy notice": "/privacy-notice/",
        "Accessibility statement": "/accessibility-statement/",
        "Contact the study team": "mailto:stepping-stones@example.org",
    }


def test_footer_follows_the_study_details_editors_set(home_demo, client, site, home_page):
    statement = StandardPageFactory(parent=home_page, slug="access", title="Access")
    study = StudySettings.for_site(site)
    study.accessibility_statement = statement
    study.contact_email = "team@study.example"
    study.save()

    footer = parse(client.get("/")).find("footer")

    links = {a.get_text(strip=True): a["href"] for a in footer.find_all("a")}
    assert links["Accessibility statement"] == "/access/"
    assert links["Contact the study team"] == "mailto:team@study.example"


def test_standard_page_shows_breadcrumbs_back_up_the_tree(home_demo, client, home_page):
    about = home_page.get_children().get(slug="about")
    StandardPageFactory(parent=about, title="How we reviewed the evidence", slug="review")

    breadcrumb = parse(client.get("/about/review/")).find(
        "nav", attrs={"aria-label": "Breadcrumb"}
    )

    trail = [(a.get_text(strip=True), a["href"]) for a in breadcrumb.find("ol").find_all("a")]
    assert trail == [("Home", "/"), ("About the study", "/about/")]
    back = breadcrumb.find("a", class_="nhsuk-back-link")
    assert back["href"] == "/about/"
    assert back.get_text(" ", strip=True) == "Back to About the study"


def test_missing_page_answers_404_in_the_site_layout(home_demo, client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    soup = parse(response)
    assert_site_layout(soup)
    assert soup.find("h1").get_text(strip=True) == "Page not found"
    assert soup.find("nav", attrs={"aria-label": "Menu"}) is not None


def test_server_error_page_keeps_the_menu_and_footer_links(home_demo):
    request = RequestFactory().get("/about/")

    response = server_error_handler(request)

    assert response.status_code == 500
    soup = parse(response)
    assert_site_layout(soup)
    assert soup.find("h1").get_text(strip=True) == "Sorry, there is a problem with the service"
    footer_links = [a.get_text(strip=True) for a in soup.find("footer").find_all("a")]
    assert "Privacy notice" in footer_links
    assert "Accessibility statement" in footer_links


def test_bare_server_error_page_uses_the_layout_without_touching_the_database(
    db, django_assert_num_queries
):
    request = RequestFactory().get("/about/")

    with django_assert_num_queries(0):
        response = server_error(request)

    assert response.status_code == 500
    soup = parse(response)
    assert_site_layout(soup)
    assert soup.find("h1").get_text(strip=True) == "Sorry, there is a problem with the service"
