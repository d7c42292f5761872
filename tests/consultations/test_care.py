"""Care for the people taking part: content notes before painful text, what she typed kept
as a draft for her alone, and support services on every member page."""

import re
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from consultations.demo import DEMO_SUPPORT_SERVICES
from consultations.enums import Audience, Constituency, SupportArea, Withdrawal
from consultations.models import DRAFT_MAX_LENGTH, Comment, Draft, SupportService
from consultations.services import (
    comment_post,
    draft_key_comment,
    draft_key_edit,
    draft_key_rate,
    draft_key_reply,
    draft_save,
    invitation_create,
    member_withdraw,
)
from evidence.models import Domain
from tests.consultations.conftest import comment_form_data, rating_form_data, started_from
from tests.consultations.urls import (
    comment_url,
    edit_url,
    page_url,
    rate_url,
    round_url,
    withdraw_url,
)
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


# Kept drafts -----------------------------------------------------------------------------


def item_comment(round_page, member, block_id: str, body: str) -> Comment:
    return comment_post(
        round=round_page.round,
        member=member,
        page_id=round_page.page_id,
        block_id=block_id,
        body=body,
    ).comment


def drafts_url(round) -> str:
    return reverse("consultations:drafts", kwargs={"round_pk": round.pk})


def keep(client, round, **data):
    return client.post(drafts_url(round), data)


@pytest.fixture
def as_willow(client, service_user):
    client.force_login(service_user.user)
    return client


def test_what_she_types_is_kept_and_put_back_in_the_box_with_a_note(
    round_page, item_ids, service_user, as_willow
):
    key = draft_key_comment(page_id=round_page.page_id, block_id=item_ids[0])

    response = keep(as_willow, round_page.round, form_key=key, body="I was scared to", quote="")

    assert response.status_code == 204
    soup = soup_of(as_willow.get(page_url(round_page)))
    form = soup.find(id=f"item-{item_ids[0]}").find("form", class_="app-comment-form")
    assert form.find("textarea", attrs={"name": "body"}).get_text() == "I was scared to"
    note = text_of(form.find(class_="app-draft-note"))
    assert note.startswith("Not sent yet. We kept what you typed on ")
    assert form.find("button", attrs={"name": "discard_draft"}) is not None
    # The other boxes are empty, without a note.
    other = soup.find(id=f"item-{item_ids[1]}").find("form", class_="app-comment-form")
    assert other.find("textarea").get_text() == ""
    assert other.find(class_="app-draft-note") is None


def test_every_form_of_an_open_round_can_be_kept_as_a_draft(round_page, item_ids, as_willow):
    soup = soup_of(as_willow.get(page_url(round_page)))

    forms = soup.select("form.app-comment-form, form.app-rating-form")
    assert forms
    for form in forms:
        assert form["data-draft-key"]
        assert form["data-drafts-url"] == drafts_url(round_page.round)
        assert form.find("button", attrs={"name": "keep_draft"}) is not None


def test_a_reply_and_a_ratings_reason_come_back_too(
    round_page, item_ids, service_user, professional, as_willow
):
    round_page.round.comments_visible_to_members = True
    round_page.round.save()
    theirs = item_comment(round_page, professional, item_ids[0], "One plan for everyone.")
    reply_key = draft_key_reply(parent_id=theirs.pk)
    rate_key = draft_key_rate(page_id=round_page.page_id, block_id=item_ids[1])

    assert (
        keep(as_willow, round_page.round, form_key=reply_key, body="Yes, and").status_code == 204
    )
    assert keep(as_willow, round_page.round, form_key=rate_key, body="Because").status_code == 204

    soup = soup_of(as_willow.get(page_url(round_page)))
    assert soup.find(id=f"reply-{theirs.pk}-body").get_text() == "Yes, and"
    assert soup.find(id=f"rate-{item_ids[1]}-reason").get_text() == "Because"


def test_a_change_to_her_comment_is_kept_and_put_back(
    round_page, item_ids, service_user, as_willow
):
    comment = item_comment(round_page, service_user, item_ids[0], "First words.")
    key = draft_key_edit(comment_id=comment.pk)

    keep(as_willow, round_page.round, form_key=key, body="Better words", quote="one care plan")

    soup = soup_of(as_willow.get(edit_url(comment)))
    assert soup.find("textarea", attrs={"name": "body"}).get_text() == "Better words"
    assert soup.find("input", attrs={"name": "quote"})["value"] == "one care plan"
    assert soup.find(class_="app-draft-note") is not None
    comment.refresh_from_db()
    assert comment.body == "First words."


def test_another_member_never_sees_her_draft(
    round_page, item_ids, service_user, professional, as_willow, client
):
    key = draft_key_comment(page_id=round_page.page_id, block_id=item_ids[0])
    keep(as_willow, round_page.round, form_key=key, body="Only for me to see")

    client.force_login(professional.user)
    response = client.get(page_url(round_page))

    assert b"Only for me to see" not in response.content
    assert b"app-draft-note" not in response.content


def test_a_key_for_another_members_comment_is_refused(
    round_page, item_ids, professional, as_willow
):
    theirs = item_comment(round_page, professional, item_ids[0], "Rowan's words.")

    response = keep(
        as_willow, round_page.round, form_key=draft_key_edit(comment_id=theirs.pk), body="Mine"
    )

    assert response.status_code == 400
    assert not Draft.objects.exists()


@pytest.mark.parametrize(
    "make_key",
    [
        lambda page_id, item_id: "nonsense",
        lambda page_id, item_id: "",
        lambda page_id, item_id: f"comment:{page_id + 1000}:",
        lambda page_id, item_id: f"comment:{page_id}:no-such-item",
        lambda page_id, item_id: f"rate:{page_id}:",
        lambda page_id, item_id: "reply:999999",
        lambda page_id, item_id: "edit:999999",
        lambda page_id, item_id: f"comment:{page_id}:{item_id}:extra",
    ],
    ids=[
        "nonsense",
        "empty",
        "other page",
        "no such item",
        "rating of no item",
        "no comment",
        "no own comment",
        "trailing",
    ],
)
def test_a_key_that_names_no_form_of_hers_is_refused(round_page, item_ids, as_willow, make_key):
    response = keep(
        as_willow, round_page.round, form_key=make_key(round_page.page_id, item_ids[0]), body="x"
    )

    assert response.status_code == 400
    assert not Draft.objects.exists()


def test_a_round_she_is_not_in_is_not_found(section, item_ids, professional, client):
    round = RoundFactory(audience=Audience.SERVICE_USERS)
    RoundPageFactory(round=round, page=section)
    client.force_login(professional.user)

    response = keep(
        client,
        round,
        form_key=draft_key_comment(page_id=section.pk, block_id=item_ids[0]),
        body="x",
    )

    assert response.status_code == 404
    assert not Draft.objects.exists()


def test_the_drafts_address_takes_only_post(open_round, as_willow):
    assert as_willow.get(drafts_url(open_round)).status_code == 405


def test_an_emptied_box_deletes_its_draft(round_page, item_ids, service_user, as_willow):
    key = draft_key_comment(page_id=round_page.page_id, block_id=item_ids[0])
    keep(as_willow, round_page.round, form_key=key, body="Something")

    keep(as_willow, round_page.round, form_key=key, body="  ", quote="")

    assert not Draft.objects.filter(member=service_user).exists()


def test_discarding_deletes_the_draft(round_page, item_ids, service_user, as_willow):
    key = draft_key_comment(page_id=round_page.page_id, block_id=item_ids[0])
    keep(as_willow, round_page.round, form_key=key, body="Something")

    response = keep(as_willow, round_page.round, form_key=key, discard="1")

    assert response.status_code == 204
    assert not Draft.objects.exists()


def test_sending_the_comment_deletes_its_draft(round_page, item_ids, service_user, as_willow):
    key = draft_key_comment(page_id=round_page.page_id, block_id=item_ids[0])
    keep(as_willow, round_page.round, form_key=key, body="My comment")

    response = as_willow.post(
        comment_url(round_page),
        comment_form_data(service_user, block_id=item_ids[0], body="My comment"),
    )

    assert response.status_code == 302
    assert not Draft.objects.exists()
    soup = soup_of(as_willow.get(page_url(round_page)))
    assert soup.find(class_="app-draft-note") is None


def test_sending_the_rating_or_the_change_deletes_its_draft(
    round_page, item_ids, service_user, as_willow
):
    comment = item_comment(round_page, service_user, item_ids[0], "First words.")
    rate_key = draft_key_rate(page_id=round_page.page_id, block_id=item_ids[0])
    edit_key = draft_key_edit(comment_id=comment.pk)
    keep(as_willow, round_page.round, form_key=rate_key, body="My reason")
    keep(as_willow, round_page.round, form_key=edit_key, body="Second words.")

    as_willow.post(
        rate_url(round_page),
        rating_form_data(service_user, block_id=item_ids[0], choice="7", reason="My reason"),
    )
    as_willow.post(
        edit_url(comment), {"body": "Second words.", "quote": "", **started_from(comment)}
    )

    assert not Draft.objects.exists()


def test_a_save_that_arrives_after_the_form_was_sent_keeps_nothing(
    round_page, item_ids, service_user, as_willow
):
    key = draft_key_comment(page_id=round_page.page_id, block_id=item_ids[0])
    data = comment_form_data(service_user, block_id=item_ids[0], body="Sent words")
    as_willow.post(comment_url(round_page), data)

    keep(
        as_willow, round_page.round, form_key=key, body="Sent words", form_token=data["form_token"]
    )

    assert not Draft.objects.exists()


def test_keep_as_draft_without_javascript_keeps_and_sends_nothing(
    round_page, item_ids, service_user, as_willow
):
    response = as_willow.post(
        comment_url(round_page),
        comment_form_data(
            service_user, block_id=item_ids[0], body="Not ready yet", quote="", keep_draft="1"
        ),
        follow=True,
    )

    assert not Comment.objects.exists()
    draft = Draft.objects.get(member=service_user)
    assert draft.body == "Not ready yet"
    assert response.redirect_chain[0][0].endswith(f"#item-{item_ids[0]}")
    soup = soup_of(response)
    assert "kept as a draft" in text_of(soup.find(class_="nhsuk-notification-banner"))
    box = soup.find(id=f"item-{item_ids[0]}").find("textarea", attrs={"name": "body"})
    assert box.get_text() == "Not ready yet"


def test_keep_as_draft_on_the_rating_and_change_forms(
    round_page, item_ids, service_user, as_willow
):
    comment = item_comment(round_page, service_user, item_ids[0], "First words.")

    rated = as_willow.post(
        rate_url(round_page),
        rating_form_data(
            service_user, block_id=item_ids[1], reason="Half a reason", keep_draft="1"
        ),
    )
    changed = as_willow.post(
        edit_url(comment),
        {"body": "Half a change", "quote": "", "keep_draft": "1", **started_from(comment)},
    )

    assert rated.status_code == 302
    assert changed.status_code == 302
    assert changed["Location"] == edit_url(comment)
    kept = dict(Draft.objects.values_list("form_key", "body"))
    assert kept == {
        draft_key_rate(page_id=round_page.page_id, block_id=item_ids[1]): "Half a reason",
        draft_key_edit(comment_id=comment.pk): "Half a change",
    }
    comment.refresh_from_db()
    assert comment.body == "First words."
    assert not comment.round.ratings.exists()


def test_discard_draft_without_javascript(round_page, item_ids, service_user, as_willow):
    key = draft_key_comment(page_id=round_page.page_id, block_id=item_ids[0])
    keep(as_willow, round_page.round, form_key=key, body="Throw this away")

    response = as_willow.post(
        comment_url(round_page),
        comment_form_data(
            service_user, block_id=item_ids[0], body="Throw this away", discard_draft="1"
        ),
        follow=True,
    )

    assert not Draft.objects.exists()
    assert not Comment.objects.exists()
    assert b"Throw this away" not in response.content


def test_a_draft_too_long_to_keep_is_shown_again_with_the_reason_beside_the_box(
    round_page, item_ids, service_user, as_willow
):
    words = "w" * (DRAFT_MAX_LENGTH + 1)
    response = as_willow.post(
        comment_url(round_page),
        comment_form_data(service_user, block_id=item_ids[0], body=words, keep_draft="1"),
    )

    assert response.status_code == 200
    soup = soup_of(response)
    error = soup.find(id=f"comment-{item_ids[0]}-body-error")
    assert "A draft can keep" in text_of(error)
    assert soup.find(id=f"comment-{item_ids[0]}-body").get_text() == words
    assert not Draft.objects.exists()


def test_drafts_are_not_offered_after_the_round_closed(
    round_page, item_ids, service_user, as_willow, close_round
):
    key = draft_key_comment(page_id=round_page.page_id, block_id=item_ids[0])
    keep(as_willow, round_page.round, form_key=key, body="Left unsent")
    close_round(round_page.round)

    response = as_willow.get(page_url(round_page))

    assert b"Left unsent" not in response.content
    assert b"keep_draft" not in response.content
    assert keep(as_willow, round_page.round, form_key=key, body="More").status_code == 400


def test_withdrawal_deletes_all_her_drafts(round_page, item_ids, service_user, professional):
    for member in (service_user, professional):
        draft_save(
            round=round_page.round,
            member=member,
            form_key=draft_key_comment(page_id=round_page.page_id, block_id=item_ids[0]),
            body="Unsent",
        )

    member_withdraw(member=service_user, choice=Withdrawal.ANONYMISED)

    assert list(Draft.objects.values_list("member", flat=True)) == [professional.pk]


def test_purge_deletes_drafts_of_rounds_closed_more_than_30_days_ago(
    section, item_ids, service_user
):
    now = timezone.now()
    key = draft_key_comment(page_id=section.pk, block_id=item_ids[0])
    rounds = {}
    for name, closed_days_ago in (("old", 31), ("recent", 29)):
        round = RoundFactory(title=name)
        RoundPageFactory(round=round, page=section)
        draft_save(round=round, member=service_user, form_key=key, body="Unsent")
        round.opens_at = now - timedelta(days=60)
        round.closes_at = now - timedelta(days=closed_days_ago)
        round.save(update_fields=["opens_at", "closes_at"])
        rounds[name] = round

    call_command("purge_expired_data", stdout=StringIO())

    assert list(Draft.objects.values_list("round", flat=True)) == [rounds["recent"].pk]


def test_draft_saves_past_the_limit_are_refused_with_429(
    round_page, item_ids, as_willow, settings
):
    settings.CONSULTATIONS_RATE_LIMITS = {**settings.CONSULTATIONS_RATE_LIMITS, "draft": "2/10m"}
    key = draft_key_comment(page_id=round_page.page_id, block_id=item_ids[0])

    answers = [
        keep(as_willow, round_page.round, form_key=key, body=f"v{n}").status_code for n in range(3)
    ]

    assert answers == [204, 204, 429]
    assert Draft.objects.get().body == "v1"


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
    comment = item_comment(round_page, service_user, item_ids[0], "Words.")
    return {"round": round_page.round, "round_page": round_page, "comment": comment}


def care_panel_of(response):
    return soup_of(response).find("aside", class_="app-care-panel")


@pytest.mark.parametrize("page", MEMBER_PAGES)
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


def test_the_round_script_imports_the_drafts_script_by_its_hashed_name(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "cms.storage.ManifestStaticFilesStorage"},
    }

    call_command("collectstatic", "--noinput", stdout=StringIO())

    (round_script,) = (tmp_path / "consultations" / "js").glob("round.*.js")
    imported = re.search(r'import\s*"([^"]+)"', round_script.read_text()).group(1)
    assert re.fullmatch(r"\./care\.[0-9a-f]{12}\.js", imported)
    assert (round_script.parent / imported).resolve().is_file()


def test_seed_demo_adds_support_services_for_each_area_once(demo_site):
    areas = set(SupportService.objects.values_list("area", flat=True))

    call_command("seed_demo", stdout=StringIO())

    assert areas == {SupportArea.ENGLAND, SupportArea.SCOTLAND, SupportArea.UK}
    assert SupportService.objects.count() == len(DEMO_SUPPORT_SERVICES) == 5
    assert all(service.phone_uri for service in SupportService.objects.all())
