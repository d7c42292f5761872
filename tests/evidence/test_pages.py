from django.core.exceptions import ValidationError

from wagtail.models import PageViewRestriction

import pytest
from bs4 import BeautifulSoup

from evidence.enums import EvidenceKind, Nation
from evidence.models import LayFindingEvidence
from tests.factories import (
    GlossaryTermFactory,
    LayFindingsIndexPageFactory,
    LayFindingsPageFactory,
)


def test_summary_cites_its_source_with_doi_or_url(summary_factory):
    with_doi = summary_factory(
        authors="Smith J, Jones A",
        year=2019,
        source_title="Care in pregnancy.",
        publisher="BMJ Open",
        doi="10.1136/bmjopen-2019-000001",
    )
    with_url = summary_factory(
        authors="NICE",
        year=2010,
        source_title="Pregnancy",
        publisher="NICE",
        source_url="https://x.org/a",
    )

    assert with_doi.citation == (
        "Smith J, Jones A (2019). Care in pregnancy. BMJ Open. "
        "https://doi.org/10.1136/bmjopen-2019-000001"
    )
    assert with_doi.link == "https://doi.org/10.1136/bmjopen-2019-000001"
    assert with_url.citation == "NICE (2010). Pregnancy. NICE. https://x.org/a"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"doi": "", "source_url": ""}, "source_url", "Give the source's DOI or a URL"),
        ({"doi": "https://doi.org/10.1/x"}, "doi", "Enter a DOI such as"),
        ({"year": 1850}, "year", "greater than or equal to 1900"),
        ({"kind": "blog"}, "kind", "is not a valid choice"),
    ],
)
def test_summary_refuses_an_incomplete_or_malformed_citation(
    summary_factory, fields, field, message
):
    summary = summary_factory()
    for name, value in fields.items():
        setattr(summary, name, value)

    with pytest.raises(ValidationError) as error:
        summary.full_clean()

    assert message in " ".join(error.value.message_dict[field])


def test_two_summaries_cannot_share_a_source_identifier(summary_factory):
    summary_factory(title="First", source_id="G001")
    second = summary_factory(title="Second", source_id="G002")
    second.source_id = "G001"

    with pytest.raises(ValidationError) as error:
        second.full_clean()

    assert error.value.message_dict["source_id"] == ["First already has the identifier G001."]


def test_summary_page_shows_lay_and_technical_text_and_the_citation(
    summary_factory, themes, client
):
    summary = summary_factory(
        title="Stigma in antenatal care",
        kind=EvidenceKind.RESEARCH,
        nation=Nation.SCOTLAND,
        year=2019,
        themes=[themes["stigma"]],
        lay_summary="Women felt judged.",
        key_findings=[("finding", {"finding": "Judgement kept women away.", "detail": ""})],
    )

    soup = BeautifulSoup(client.get(summary.url).content, "html.parser")
    main = soup.find("main")

    assert main.find("h1").get_text(strip=True) == "Stigma in antenatal care"
    assert "Research study · Scotland · 2019" in main.get_text()
    assert main.find("p", class_="nhsuk-lede-text").get_text(strip=True) == "Women felt judged."
    assert "Judgement kept women away." in main.select_one(".app-key-findings").get_text()
    assert main.find(class_="app-citation").get_text(strip=True) == summary.citation
    theme_link = main.find("a", string="Stigma")
    assert theme_link["href"] == "/evidence/?theme=stigma"


def test_lay_findings_page_lists_only_published_evidence(home_page, summary_factory, client):
    index = LayFindingsIndexPageFactory(parent=home_page)
    finding = LayFindingsPageFactory(parent=index, title="What women told us")
    published = summary_factory(title="Published source")
    draft = summary_factory(title="Draft source", live=False)
    for order, evidence in enumerate([draft, published]):
        LayFindingEvidence.objects.create(page=finding, evidence=evidence, sort_order=order)

    soup = BeautifulSoup(client.get(finding.url).content, "html.parser")

    links = [a.get_text(strip=True) for a in soup.find("main").select("ul.nhsuk-list--bullet a")]
    assert links == ["Published source"]


def test_lay_findings_filter_by_the_themes_of_the_evidence_they_draw_on(
    home_page, summary_factory, themes, client
):
    index = LayFindingsIndexPageFactory(parent=home_page)
    about_stigma = summary_factory(title="Judged at the clinic", themes=[themes["stigma"]])
    about_custody = summary_factory(
        title="Babies taken into care", themes=[themes["loss-of-custody"]]
    )
    draft_about_training = summary_factory(
        title="Training draft", themes=[themes["staff-training"]], live=False
    )
    private_about_health = summary_factory(
        title="Team-only source", themes=[themes["mental-health"]]
    )
    PageViewRestriction.objects.create(
        page=private_about_health, restriction_type=PageViewRestriction.LOGIN
    )
    for title, evidence in [
        ("Being judged", [about_stigma]),
        ("Fear of losing the baby", [about_custody, draft_about_training, private_about_health]),
    ]:
        finding = LayFindingsPageFactory(parent=index, title=title)
        for order, summary in enumerate(evidence):
            LayFindingEvidence.objects.create(page=finding, evidence=summary, sort_order=order)

    def listed(query: str) -> tuple[list[str], list[str], BeautifulSoup]:
        soup = BeautifulSoup(client.get(index.url + query).content, "html.parser")
        boxes = [label.get_text(strip=True) for label in soup.select("main form label")]
        cards = [a.get_text(strip=True) for a in soup.select("main .nhsuk-card__link")]
        return boxes, cards, soup

    boxes, cards, _soup = listed("")
    # Only the themes some finding draws on, from published evidence anyone may read.
    assert boxes == [themes["loss-of-custody"].name, themes["stigma"].name]
    assert sorted(cards) == ["Being judged", "Fear of losing the baby"]

    _boxes, cards, soup = listed("?theme=stigma")
    assert cards == ["Being judged"]
    assert soup.find(id="results-heading").get_text(strip=True) == "1 finding found"
    assert soup.find("input", attrs={"value": "stigma"}).has_attr("checked")

    _boxes, cards, soup = listed("?theme=stigma&theme=no-such-theme")
    assert cards == ["Being judged"]
    assert "We do not have a theme" in soup.select_one(".nhsuk-error-summary").get_text()

    # Only a draft is about staff training, and only a private page about mental health:
    # neither is offered, so neither hides anything.
    _boxes, cards, soup = listed("?theme=mental-health")
    assert sorted(cards) == ["Being judged", "Fear of losing the baby"]
    _boxes, cards, soup = listed("?theme=staff-training")
    assert sorted(cards) == ["Being judged", "Fear of losing the baby"]
    assert "We do not have a theme" in soup.select_one(".nhsuk-error-summary").get_text()


def test_home_page_shows_the_latest_lay_findings(home_page, client):
    index = LayFindingsIndexPageFactory(parent=home_page)
    for title in ("Oldest", "Middle", "Newer", "Newest"):
        LayFindingsPageFactory(parent=index, title=title).save_revision().publish()
    LayFindingsPageFactory(parent=index, title="Unpublished", live=False)

    soup = BeautifulSoup(client.get("/").content, "html.parser")

    section = soup.find("section", attrs={"aria-labelledby": "latest-findings-heading"})
    assert [h2.get_text(strip=True) for h2 in section.find_all("h2")[1:]] == [
        "Newest",
        "Newer",
        "Middle",
    ]


def test_home_page_has_no_findings_section_before_there_are_findings(home_page, client):
    soup = BeautifulSoup(client.get("/").content, "html.parser")

    assert soup.find(id="latest-findings-heading") is None


def test_pages_explain_the_glossary_terms_their_lay_text_uses(home_page, summary_factory, client):
    GlossaryTermFactory(term="OST", explanation="Opioid substitution therapy: a medicine.")
    GlossaryTermFactory(term="NAS", explanation="Withdrawal in a newborn baby.")
    summary = summary_factory(lay_summary="Women on OST were offered more support.")
    finding = LayFindingsPageFactory(
        parent=LayFindingsIndexPageFactory(parent=home_page),
        summary="Babies with nas need calm care.",
    )

    for page, term, explanation in [
        (summary, "OST", "Opioid substitution therapy: a medicine."),
        (finding, "NAS", "Withdrawal in a newborn baby."),
    ]:
        soup = BeautifulSoup(client.get(page.url).content, "html.parser")
        section = soup.find("section", attrs={"aria-labelledby": "words-used-on-this-page"})
        rows = {
            row.dt.get_text(strip=True): row.dd.get_text(strip=True)
            for row in section.select(".nhsuk-summary-list__row")
        }
        assert rows == {term: explanation}
