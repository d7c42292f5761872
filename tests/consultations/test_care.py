"""Care for the people taking part: content notes before painful text, what she typed kept
as a draft for her alone, and support services on every member page."""

import pytest
from bs4 import BeautifulSoup

from evidence.models import Domain
from tests.consultations.conftest import rating_form_data
from tests.consultations.urls import page_url, rate_url
from tests.factories import (
    EvidenceIndexPageFactory,
    EvidenceSummaryPageFactory,
    FrameworkSectionPageFactory,
    RoundFactory,
    RoundPageFactory,
)


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text_of(element) -> str:
    return " ".join(element.get_text(" ", strip=True).split())


# Content notes ---------------------------------------------------------------------------


def requirement(statement: str, content_note: str = "") -> tuple[str, dict]:
    domain = Domain.objects.get(name="How organisations work together")
    return (
        "requirement",
        {
            "statement": statement,
            "content_note": content_note,
            "rationale": "",
            "domain": domain,
            "evidence": [],
        },
    )


@pytest.fixture
def noted_round_page(framework):
    """A section with a note on the page and on its second item, in an open round."""
    section = FrameworkSectionPageFactory(
        parent=framework,
        title="When a baby goes into care",
        section_number=5,
        content_note="a baby being taken into care",
        introduction="<p>Some babies go home with foster carers.</p>",
        requirements=[
            requirement("Each woman has a named lead professional."),
            requirement(
                "Women are told of a care proceeding before the birth.",
                content_note="care proceedings",
            ),
        ],
    )
    section.save_revision()
    round = RoundFactory(title="Round on care proceedings")
    return RoundPageFactory(round=round, page=section)


def test_a_page_note_is_the_summary_of_details_that_hold_the_introduction_and_items(
    noted_round_page, service_user, client
):
    client.force_login(service_user.user)
    soup = soup_of(client.get(page_url(noted_round_page)))

    notes = soup.select("details.app-content-note")
    page_note = notes[0]
    assert text_of(page_note.summary) == "Content note: a baby being taken into care"
    assert not page_note.has_attr("open")
    assert "Some babies go home with foster carers." in text_of(page_note)
    assert "Each woman has a named lead professional." in text_of(page_note)
    # Shown before the text: the title comes first, then the note, then the text.
    heading = soup.find("h1", string="When a baby goes into care")
    assert heading.find_next("details") is page_note


def test_an_item_note_holds_the_items_text_but_not_her_controls(
    noted_round_page, service_user, client
):
    client.force_login(service_user.user)
    soup = soup_of(client.get(page_url(noted_round_page)))
    first, second = (item.block_id for item in noted_round_page.items)

    item_note = soup.find(id=f"item-{second}").find("details", class_="app-content-note")
    assert text_of(item_note.summary) == "Content note: care proceedings"
    assert "Women are told of a care proceeding before the birth." in text_of(item_note)
    assert item_note.find("form") is None
    assert soup.find(id=f"item-{second}").find("form", class_="app-rating-form") is not None
    # An item without a note shows its text as it is.
    assert soup.find(id=f"item-{first}").find("details", class_="app-content-note") is None
    assert "Each woman has a named lead professional." in text_of(soup.find(id=f"item-{first}"))


def test_a_page_note_opens_by_itself_when_a_form_inside_must_be_fixed(
    noted_round_page, service_user, client
):
    client.force_login(service_user.user)
    block_id = noted_round_page.items[0].block_id
    response = client.post(
        rate_url(noted_round_page), rating_form_data(service_user, block_id=block_id)
    )

    page_note = soup_of(response).select_one("details.app-content-note")
    assert page_note.has_attr("open")


def test_pages_and_items_without_a_note_show_no_details(round_page, service_user, client):
    client.force_login(service_user.user)
    soup = soup_of(client.get(page_url(round_page)))

    assert soup.select("details.app-content-note") == []
    assert "Content note" not in soup.get_text()


def test_the_public_evidence_summary_shows_its_note_before_the_summary(home_page, client):
    index = EvidenceIndexPageFactory(parent=home_page)
    summary = EvidenceSummaryPageFactory(
        parent=index, content_note="the death of a baby", lay_summary="What the study found."
    )

    soup = soup_of(client.get(summary.url))

    note = soup.select_one("details.app-content-note")
    assert text_of(note.summary) == "Content note: the death of a baby"
    assert "What the study found." in text_of(note)
    assert soup.find("h1").find_next("details") is note


def test_a_content_note_is_escaped(home_page, client):
    index = EvidenceIndexPageFactory(parent=home_page)
    summary = EvidenceSummaryPageFactory(parent=index, content_note="<b>loss</b>")

    response = client.get(summary.url)

    assert b"Content note: &lt;b&gt;loss&lt;/b&gt;" in response.content
