"""Care for the people taking part: content notes before painful text, what she typed kept
as a draft for her alone, and support services on every member page."""

from django.urls import reverse

import pytest
from bs4 import BeautifulSoup

from consultations.enums import Constituency, SupportArea
from consultations.models import SupportService
from consultations.services import comment_post, invitation_create
from evidence.models import Domain
from tests.consultations.conftest import rating_form_data
from tests.consultations.urls import edit_url, page_url, rate_url, round_url, withdraw_url
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


# Support services ------------------------------------------------------------------------


@pytest.fixture
def services(db) -> list[SupportService]:
    return [
        SupportService.objects.create(
            name="Scottish line",
            area=SupportArea.SCOTLAND,
            description="For Scotland.",
            phone="0800 000 0001",
        ),
        SupportService.objects.create(
            name="English line",
            area=SupportArea.ENGLAND,
            description="For England.",
            phone="0300 123 6600",
            website="https://example.org/england",
        ),
        SupportService.objects.create(
            name="UK line", area=SupportArea.UK, description="Anywhere.", phone="116 123"
        ),
    ]


def test_the_support_page_lists_services_by_area_for_anyone(services, client):
    response = client.get(reverse("consultations:support"))

    assert response.status_code == 200
    soup = soup_of(response)
    headings = [text_of(h) for h in soup.select("main h2.nhsuk-heading-l")]
    assert headings == ["In England", "In Scotland", "Anywhere in the UK"]
    england = soup.find(id="support-england").find_next("ul")
    assert text_of(england.find("h3")) == "English line"
    assert england.find("a", href="tel:03001236600").get_text() == "0300 123 6600"
    assert england.find("a", href="https://example.org/england") is not None
    assert soup.find("a", href="tel:116123") is not None


def test_the_support_page_without_services_says_where_else_to_turn(db, client):
    response = client.get(reverse("consultations:support"))

    assert response.status_code == 200
    assert b"putting this list together" in response.content


@pytest.fixture
def as_willow(client, service_user):
    client.force_login(service_user.user)
    return client


MEMBER_PAGES = {
    "dashboard": lambda ctx: reverse("consultations:dashboard"),
    "profile": lambda ctx: reverse("consultations:profile"),
    "withdraw": lambda ctx: reverse("consultations:withdraw"),
    "round": lambda ctx: round_url(ctx["round"]),
    "round page": lambda ctx: page_url(ctx["round_page"]),
    "comment change": lambda ctx: edit_url(ctx["comment"]),
    "comment withdraw": lambda ctx: withdraw_url(ctx["comment"]),
}
ROUND_PAGES = {"round", "round page", "comment change", "comment withdraw"}


@pytest.fixture
def member_pages_context(round_page, item_ids, service_user):
    comment = comment_post(
        round=round_page.round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[0],
        body="Words.",
    ).comment
    return {"round": round_page.round, "round_page": round_page, "comment": comment}


def care_panel_of(response):
    return soup_of(response).find("aside", class_="app-care-panel")


def round_page_param(name: str):
    if name != "round page":
        return name
    # round_page.html belongs to the revisions work: the lead adds the panel's one line
    # there when merging, and removes this mark.
    return pytest.param(
        name, marks=pytest.mark.xfail(strict=True, reason="round_page.html: one line to add")
    )


@pytest.mark.parametrize("page", [round_page_param(name) for name in MEMBER_PAGES])
@pytest.mark.parametrize("shares_comments", [True, False], ids=["shared", "team only"])
def test_every_member_page_links_to_support_and_says_who_reads_her_comments(
    member_pages_context, service_user, as_willow, page, shares_comments
):
    round = member_pages_context["round"]
    round.comments_visible_to_members = shares_comments
    round.save()

    panel = care_panel_of(as_willow.get(MEMBER_PAGES[page](member_pages_context)))

    assert panel.find("a", href=reverse("consultations:support")) is not None
    assert "Need support?" in text_of(panel)
    readers = text_of(panel.find(class_="app-care-panel__readers"))
    if page not in ROUND_PAGES:
        assert readers.startswith("The research team reads all your comments.")
        assert "In a round that shares comments" in readers
    elif shares_comments:
        assert readers.startswith("The research team reads all your comments.")
        assert "under your pseudonym, Willow," in readers
    else:
        assert readers == "Only the research team reads your comments in this round."


def test_the_join_page_links_to_support_too(db, client):
    _invitation, token = invitation_create(
        full_name="Ivy Invited",
        email="ivy@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=None,
    )

    panel = care_panel_of(client.get(reverse("consultations:join", args=[token])))

    assert panel.find("a", href=reverse("consultations:support")) is not None
    assert "Ivy" not in text_of(panel)


def test_editors_keep_the_support_services_in_the_admin(services, editor, client):
    client.force_login(editor)

    response = client.get(reverse("wagtailsnippets_consultations_supportservice:list"))

    assert response.status_code == 200
    assert b"English line" in response.content
    assert b"Scottish line" in response.content
