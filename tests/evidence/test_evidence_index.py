import csv
import io

from django.contrib.auth.models import Group

from wagtail.models import PageViewRestriction

import pytest
from bs4 import BeautifulSoup

from evidence.enums import EvidenceKind, Nation


def titles(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [h3.get_text(strip=True) for h3 in soup.select(".app-results__item h3")]


def count_heading(response) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    return soup.find(id="results-heading").get_text(" ", strip=True)


@pytest.fixture
def library(summary_factory, themes):
    """Four summaries that differ in every way the filters look at."""
    summary_factory(
        title="Joined-up antenatal care",
        kind=EvidenceKind.GUIDELINE,
        nation=Nation.ENGLAND,
        year=2010,
        themes=[themes["joint-working"]],
        lay_summary="Maternity and drug services should plan care together.",
    )
    summary_factory(
        title="Women's views of stigma",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.SCOTLAND,
        year=2019,
        themes=[themes["stigma"], themes["mental-health"]],
        lay_summary="Women felt judged by staff and stayed away from appointments.",
    )
    summary_factory(
        title="Residential family treatment",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.UK_WIDE,
        year=2022,
        themes=[themes["residential-treatment"]],
        lay_summary="Mothers and babies stayed together in residential treatment.",
    )
    summary_factory(
        title="National drug strategy",
        kind=EvidenceKind.POLICY,
        nation=Nation.SCOTLAND,
        year=2005,
        themes=[themes["joint-working"], themes["staff-training"]],
        lay_summary="A national plan for treatment services.",
    )


def test_index_lists_every_published_summary_newest_first(library, client, evidence_index):
    response = client.get(evidence_index.url)

    assert titles(response) == [
        "Residential family treatment",
        "Women's views of stigma",
        "Joined-up antenatal care",
        "National drug strategy",
    ]
    assert count_heading(response) == "4 summaries"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=research", {"Women's views of stigma", "Residential family treatment"}),
        ("kind=guideline&kind=policy", {"Joined-up antenatal care", "National drug strategy"}),
        ("nation=scotland", {"Women's views of stigma", "National drug strategy"}),
        ("theme=joint-working", {"Joined-up antenatal care", "National drug strategy"}),
        (
            "theme=stigma&theme=residential-treatment",
            {"Women's views of stigma", "Residential family treatment"},
        ),
        ("year_from=2010&year_to=2019", {"Joined-up antenatal care", "Women's views of stigma"}),
        ("kind=research&nation=scotland", {"Women's views of stigma"}),
        ("q=judged", {"Women's views of stigma"}),
        ("q=treatment&kind=policy", {"National drug strategy"}),
    ],
)
def test_filters_narrow_the_list(library, client, evidence_index, query, expected):
    response = client.get(f"{evidence_index.url}?{query}")

    assert set(titles(response)) == expected
    noun = "summary" if len(expected) == 1 else "summaries"
    assert count_heading(response) == f"{len(expected)} {noun} found"


def test_filter_form_keeps_its_state_in_the_address(library, client, evidence_index):
    response = client.get(f"{evidence_index.url}?kind=research&theme=stigma&q=judged&sort=title")
    form = BeautifulSoup(response.content, "html.parser").find("form", class_="app-filters")

    assert form["method"] == "get"
    checked = {(box["name"], box["value"]) for box in form.select("input[checked]")}
    assert checked == {("kind", "research"), ("theme", "stigma")}
    assert form.find("input", attrs={"name": "q"})["value"] == "judged"
    assert form.find("option", selected=True)["value"] == "title"


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "newest",
            [
                "Residential family treatment",
                "Women's views of stigma",
                "Joined-up antenatal care",
                "National drug strategy",
            ],
        ),
        (
            "oldest",
            [
                "National drug strategy",
                "Joined-up antenatal care",
                "Women's views of stigma",
                "Residential family treatment",
            ],
        ),
        (
            "title",
            [
                "Joined-up antenatal care",
                "National drug strategy",
                "Residential family treatment",
                "Women's views of stigma",
            ],
        ),
    ],
)
def test_sorting(library, client, evidence_index, sort, expected):
    assert titles(client.get(f"{evidence_index.url}?sort={sort}")) == expected


@pytest.mark.parametrize(
    "query",
    [
        "kind=nonsense",
        "theme=no-such-theme",
        "nation=wales",
        "year_from=last-year",
        "year_from=99999",
        "year_from=2020&year_to=2010",
        "sort=sideways",
        "page=abc",
        "page=-1",
        "page=999",
        "q=" + "x" * 500,
        "kind=%00",
        "theme=<script>alert(1)</script>",
        'q="',
        'q="judged',
        'q=a"b"c"',
    ],
)
def test_bad_filter_values_never_error(library, client, evidence_index, query):
    response = client.get(f"{evidence_index.url}?{query}")

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text


def test_a_bad_value_is_reported_and_the_other_filters_still_apply(
    library, client, evidence_index
):
    response = client.get(f"{evidence_index.url}?kind=nonsense&nation=scotland")

    assert set(titles(response)) == {"Women's views of stigma", "National drug strategy"}
    summary = BeautifulSoup(response.content, "html.parser").find(class_="nhsuk-error-summary")
    assert "Some filters could not be used" in summary.get_text()
    assert "Kind of source" in summary.get_text()


def test_a_query_with_a_stray_quote_still_finds_what_it_names(library, client, evidence_index):
    response = client.get(f'{evidence_index.url}?q="judged')

    assert titles(response) == ["Women's views of stigma"]


def test_error_summary_links_reach_the_first_checkbox_of_a_bad_filter(
    library, client, evidence_index
):
    soup = BeautifulSoup(client.get(f"{evidence_index.url}?kind=blog").content, "html.parser")

    link = soup.find(class_="nhsuk-error-summary").find("a")
    assert link["href"] == "#id_kind_0"
    assert soup.find(id="id_kind_0") is not None
    assert "We do not have “blog”: choose from the list." in link.get_text()


def test_years_the_wrong_way_round_are_explained(library, client, evidence_index):
    response = client.get(f"{evidence_index.url}?year_from=2020&year_to=2010")

    soup = BeautifulSoup(response.content, "html.parser")
    error = soup.find(id="id_year_to-error").get_text(" ", strip=True)
    assert error == "Error: The 'to' year must be the same as or after the 'from' year."


def test_results_are_paginated_and_pages_keep_the_filters(summary_factory, client, evidence_index):
    for number in range(25):
        summary_factory(
            title=f"Study {number:02d}", kind=EvidenceKind.RESEARCH, year=2000 + number
        )
    summary_factory(title="A guideline", kind=EvidenceKind.GUIDELINE)

    first = client.get(f"{evidence_index.url}?kind=research")
    second = client.get(f"{evidence_index.url}?kind=research&page=2")

    assert count_heading(first) == "25 summaries found"
    assert len(titles(first)) == 20
    assert len(titles(second)) == 5
    soup = BeautifulSoup(first.content, "html.parser")
    next_link = soup.find("a", class_="nhsuk-pagination__next")["href"]
    assert "kind=research" in next_link
    assert "page=2" in next_link


def test_drafts_and_private_summaries_are_left_out(summary_factory, client, evidence_index):
    summary_factory(title="Published")
    summary_factory(title="Draft", live=False)
    private = summary_factory(title="Team only")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    assert titles(client.get(evidence_index.url)) == ["Published"]


def test_csv_download_has_the_evidence_table_with_the_filters_applied(
    library, client, evidence_index
):
    response = client.get(f"{evidence_index.url}csv/?nation=scotland&sort=title")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["title"] for row in rows] == ["National drug strategy", "Women's views of stigma"]
    stigma = rows[1]
    assert stigma["kind"] == "Research study"
    assert stigma["nation"] == "Scotland"
    assert stigma["themes"] == "Mental health; Stigma"
    assert stigma["page_url"].startswith("http://testserver/evidence/summary-")


def test_csv_cells_cannot_run_as_spreadsheet_formulas(summary_factory, client, evidence_index):
    summary_factory(title='=HYPERLINK("http://evil")', lay_summary="+1+1")

    response = client.get(f"{evidence_index.url}csv/")

    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["title"].startswith("'=")
    assert row["lay_summary"] == "'+1+1"


def test_index_links_to_the_csv_of_the_current_filters(library, client, evidence_index):
    soup = BeautifulSoup(client.get(f"{evidence_index.url}?kind=research").content, "html.parser")

    link = soup.find("a", string=lambda text: text and "Download these results" in text)
    assert link["href"] == f"{evidence_index.url}csv/?kind=research"


def test_private_index_csv_needs_sign_in(library, client, evidence_index):
    PageViewRestriction.objects.create(
        page=evidence_index, restriction_type=PageViewRestriction.GROUPS
    ).groups.set([Group.objects.get(name="Editors")])

    response = client.get(f"{evidence_index.url}csv/")

    assert response.status_code == 302


def test_csv_export_imports_back_unchanged(demo_site, client):
    from evidence.models import EvidenceIndexPage
    from evidence.services import evidence_import

    index = EvidenceIndexPage.objects.get()
    exported = b"".join(client.get(f"{index.url}csv/").streaming_content)

    report = evidence_import(
        csv_file=io.BytesIO(exported), index_page=index, user=None, dry_run=True
    )

    assert report.errors == []
    assert report.created == []
    assert report.updated == []
    assert len(report.unchanged) == index.get_children().count() == 28
