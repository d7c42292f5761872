from django.contrib.auth.models import Group

from wagtail.models import PageViewRestriction

import pytest
from bs4 import BeautifulSoup

from tests.factories import (
    FrameworkIndexPageFactory,
    FrameworkSectionPageFactory,
    LayFindingsIndexPageFactory,
    LayFindingsPageFactory,
    StandardPageFactory,
)


def result_titles(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [h3.get_text(strip=True) for h3 in soup.select(".app-results__item h3")]


@pytest.fixture
def pages_about_midwives(home_page, summary_factory):
    findings = LayFindingsIndexPageFactory(parent=home_page)
    framework = FrameworkIndexPageFactory(parent=home_page)
    return {
        "summary": summary_factory(title="Named midwife study", lay_summary="A named midwife."),
        "finding": LayFindingsPageFactory(
            parent=findings, title="Midwife visits at home", summary="A midwife came to us."
        ),
        "standard": StandardPageFactory(
            parent=home_page, title="Midwife partners", introduction="Midwives helped us."
        ),
        "section": FrameworkSectionPageFactory(parent=framework, title="Midwife continuity"),
    }


def test_search_finds_summaries_findings_and_standard_pages(pages_about_midwives, client):
    response = client.get("/search/?q=midwife")

    assert response.status_code == 200
    assert set(result_titles(response)) == {
        "Named midwife study",
        "Midwife visits at home",
        "Midwife partners",
    }


def test_search_leaves_out_drafts_and_private_pages(summary_factory, client):
    summary_factory(title="Published midwife guidance")
    summary_factory(title="Draft midwife guidance", live=False)
    private = summary_factory(title="Private midwife guidance")
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Editors")])

    assert result_titles(client.get("/search/?q=midwife")) == ["Published midwife guidance"]


def test_search_without_a_query_shows_the_form_and_no_results(db, client):
    response = client.get("/search/")

    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("input", attrs={"name": "q", "type": "search", "id": "id_q"})
    assert result_titles(response) == []


@pytest.mark.parametrize(
    "query",
    [
        "q=" + "midwife " * 200,
        "q=%00",
        "q=<b>x</b>",
        "q=midwife&page=zz",
        "q=AND OR",
        'q="',
        'q="midwife',
    ],
)
def test_odd_queries_never_error(pages_about_midwives, client, query):
    response = client.get(f"/search/?{query}")

    assert response.status_code == 200
    assert "<b>x</b>" not in response.text


def test_too_long_a_query_is_explained_and_kept(db, client):
    response = client.get("/search/?q=" + "a" * 201)

    soup = BeautifulSoup(response.content, "html.parser")
    assert "Search for 200 characters or fewer." in soup.find(id="id_q-error").get_text()
    assert soup.find("input", id="id_q")["value"] == "a" * 201


def test_header_search_box_goes_to_the_search_page(db, client, home_page):
    form = BeautifulSoup(client.get("/").content, "html.parser").find(
        "form", class_="nhsuk-header__search-form"
    )

    assert form["action"] == "/search/"
    assert form["method"] == "get"
    assert form.find("input")["name"] == "q"
