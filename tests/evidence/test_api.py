from urllib.parse import urlsplit

import pytest

from evidence.enums import EvidenceKind, Nation
from tests.factories import (
    FrameworkIndexPageFactory,
    FrameworkSectionPageFactory,
    LayFindingsIndexPageFactory,
    LayFindingsPageFactory,
)


@pytest.fixture
def published(home_page, summary_factory, themes):
    summary = summary_factory(
        title="Stigma in antenatal care",
        source_id="S042",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.SCOTLAND,
        year=2019,
        doi="10.1000/xyz123",
        themes=[themes["stigma"]],
    )
    summary_factory(title="Unpublished", live=False)
    finding = LayFindingsPageFactory(parent=LayFindingsIndexPageFactory(parent=home_page))
    FrameworkSectionPageFactory(parent=FrameworkIndexPageFactory(parent=home_page))
    return {"summary": summary, "finding": finding}


def test_api_lists_published_summaries_and_lay_findings_only(published, client):
    response = client.get("/api/v2/pages/")

    assert response.status_code == 200
    types = {item["meta"]["type"] for item in response.json()["items"]}
    titles = {item["title"] for item in response.json()["items"]}
    assert types == {"evidence.EvidenceSummaryPage", "evidence.LayFindingsPage"}
    assert "Unpublished" not in titles


def test_api_gives_a_summarys_citation_themes_nation_and_lay_summary(published, client):
    summary = published["summary"]

    response = client.get(
        "/api/v2/pages/?type=evidence.EvidenceSummaryPage"
        "&fields=citation,theme_names,nation,lay_summary,doi"
    )

    (item,) = response.json()["items"]
    assert item["id"] == summary.pk
    assert item["citation"] == (
        "Smith J, Jones A (2019). A study of stigma in antenatal care. "
        "Journal of Maternity Care. https://doi.org/10.1000/xyz123"
    )
    assert item["theme_names"] == ["Stigma"]
    assert item["nation"] == "scotland"
    assert item["lay_summary"] == summary.lay_summary


def test_api_refuses_page_types_it_does_not_publish(published, client):
    response = client.get("/api/v2/pages/?type=evidence.FrameworkSectionPage")

    assert response.status_code == 200
    assert response.json()["items"] == []


def test_api_detail_of_a_framework_draft_is_not_found(published, client):
    from evidence.models import FrameworkSectionPage

    section = FrameworkSectionPage.objects.get()

    assert client.get(f"/api/v2/pages/{section.pk}/").status_code == 404


def test_api_lists_only_the_published_evidence_behind_a_lay_finding(published, client):
    from evidence.models import EvidenceSummaryPage, LayFindingEvidence

    finding = published["finding"]
    draft = EvidenceSummaryPage.objects.get(title="Unpublished")
    LayFindingEvidence.objects.create(page=finding, evidence=draft, sort_order=0)
    LayFindingEvidence.objects.create(page=finding, evidence=published["summary"], sort_order=1)

    response = client.get(f"/api/v2/pages/{finding.pk}/")

    assert response.json()["evidence_ids"] == [published["summary"].pk]


def test_api_offers_no_search_and_says_so(published, client):
    response = client.get('/api/v2/pages/?search="stigma')

    assert response.status_code == 400
    assert "search" in response.json()["message"]


def test_api_is_read_only(published, client):
    response = client.post("/api/v2/pages/", {"title": "New"})

    assert response.status_code == 405


@pytest.mark.parametrize("id_", ["evidence.EvidenceSummaryPage", "1.5", "-3", "١"])
def test_api_find_by_an_id_that_is_no_whole_number_is_refused_plainly(published, client, id_):
    response = client.get("/api/v2/pages/find/", {"id": id_})

    assert response.status_code == 400
    assert response.json() == {"message": "id must be a whole number"}


def test_api_find_by_id_goes_to_the_page(published, client):
    summary = published["summary"]

    response = client.get("/api/v2/pages/find/", {"id": str(summary.pk)})

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == f"/api/v2/pages/{summary.pk}/"
