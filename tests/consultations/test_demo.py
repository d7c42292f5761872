"""The consultations demo: what a visitor trying the site finds when she signs in."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

import pytest

from consultations.changes import page_comparison
from consultations.demo import EARLIER_ROUND_TITLE, ROUND_TITLE
from consultations.enums import Audience, Constituency, RoundStatus, YouSaidWeDid
from consultations.models import (
    ChangeResponse,
    Comment,
    Invitation,
    Member,
    Rating,
    Round,
    RoundPage,
)
from consultations.selectors import consultable_pages


@pytest.fixture
def demo_site(demo_seeded_once, db):
    """The demo, loaded once for this module (see ``demo_seeded_once``)."""
    return demo_seeded_once


OPEN_ROUND = ROUND_TITLE


def test_seed_demo_opens_a_round_on_every_framework_section_for_both_demo_members(demo_site):
    round = Round.objects.get(title=OPEN_ROUND)

    assert round.is_open
    assert round.audience == Audience.BOTH
    assert round.comments_visible_to_members
    sections = {
        page.pk
        for page in consultable_pages().specific()
        if page.get_latest_revision_as_object().get_consultation_items()
    }
    assert len(sections) >= 2
    assert set(round.round_pages.values_list("page_id", flat=True)) == sections
    for round_page in round.round_pages.select_related("page"):
        assert round_page.revision_id == round_page.page.latest_revision_id
    members = {m.user.username: m for m in Member.objects.select_related("user")}
    assert members["member-su"].constituency == Constituency.SERVICE_USER
    assert members["member-pro"].professional_role == "Midwife"
    assert all(m.is_taking_part and round.is_for(m) for m in members.values())


def test_seed_demo_adds_comments_with_a_quote_a_reply_and_an_edit_and_ratings(demo_site):
    comments = Comment.objects.filter(round__title=OPEN_ROUND)

    assert comments.exclude(quote="").exists()
    assert comments.filter(parent__isnull=False).exists()
    edited = comments.get(edited_at__isnull=False)
    assert edited.versions.count() == 2
    assert Rating.objects.filter(round__title=OPEN_ROUND).count() >= 4


def test_seed_demo_leaves_one_invitation_waiting(demo_site):
    invitation = Invitation.objects.get()

    assert invitation.status == "Waiting"
    assert invitation.email.endswith("@example.org")


def test_seed_demo_a_second_time_creates_nothing(demo_site):
    models = (Round, RoundPage, Member, Invitation, Comment, ChangeResponse, Rating)
    counts = [model.objects.count() for model in models]
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert "Created" not in out.getvalue()
    assert [model.objects.count() for model in models] == counts
    assert f"Created the round {OPEN_ROUND}" in demo_site


def test_seed_demo_closes_an_earlier_round_on_the_first_draft_with_answered_comments(demo_site):
    earlier = Round.objects.get(title=EARLIER_ROUND_TITLE)
    open_round = Round.objects.get(title=OPEN_ROUND)

    assert earlier.status == RoundStatus.CLOSED
    assert open_round.follows == earlier
    (round_page,) = earlier.round_pages.select_related("page", "revision")
    # The earlier round pinned an older revision of a section the open round also covers.
    assert round_page.revision_id != round_page.page.latest_revision_id
    now = open_round.round_pages.get(page=round_page.page)
    then_texts = {item.block_id: item.text for item in round_page.items}
    now_texts = {item.block_id: item.text for item in now.items}
    assert then_texts.keys() - now_texts.keys(), "an item was removed"
    assert now_texts.keys() - then_texts.keys(), "an item was added"
    shared = then_texts.keys() & now_texts.keys()
    assert any(then_texts[key] != now_texts[key] for key in shared), "an item was reworded"
    assert any(then_texts[key] == now_texts[key] for key in shared), "an item is as it was"
    comments = Comment.objects.filter(round=earlier)
    assert comments.count() >= 3
    assert not comments.filter(answer_status="").exists()
    assert {c.block_id for c in comments} & (then_texts.keys() - now_texts.keys())
    assert all(c.created_at < earlier.closes_at < c.answered_at for c in comments)
    assert not comments.filter(late=True).exists()
    assert Rating.objects.filter(round=earlier, late=False).count() >= 4


def test_seed_demo_links_the_reworded_item_to_the_comment_it_answers(demo_site):
    earlier = Round.objects.get(title=EARLIER_ROUND_TITLE)
    open_round = Round.objects.get(title=OPEN_ROUND)
    (round_page,) = earlier.round_pages.all()
    now = open_round.round_pages.get(page=round_page.page)
    reworded = [
        change.block_id
        for change in page_comparison(round=open_round, round_page=now).items
        if change.is_changed
    ]

    (link,) = ChangeResponse.objects.filter(round=open_round)
    assert link.block_id in reworded
    assert link.comment.round == earlier
    assert link.comment.block_id == link.block_id
    assert link.comment.is_answered
    assert link.linked_by.username == "editor"
    assert f"Linked changes in {OPEN_ROUND} to the earlier comments they answer (1)." in demo_site


def test_seed_demo_publishes_the_first_rounds_you_said_we_did_to_its_members(demo_site):
    earlier = Round.objects.get(title=EARLIER_ROUND_TITLE)
    open_round = Round.objects.get(title=OPEN_ROUND)
    client = Client()
    client.force_login(get_user_model().objects.get(username="member-su"))

    page = client.get(reverse("consultations:you_said_we_did", args=[earlier.pk]))
    round_page = open_round.round_pages.order_by("sort_order").first()
    item_page = client.get(
        reverse("consultations:round_page", args=[open_round.pk, round_page.page_id])
    )

    assert earlier.you_said_we_did == YouSaidWeDid.MEMBERS
    assert open_round.you_said_we_did == YouSaidWeDid.NOT_PUBLISHED
    assert page.status_code == 200
    assert "Bluebell said" in page.text and "Kestrel said" in page.text
    assert "Changed in response: requirement" in page.text
    assert "Changed in response to" in item_page.text
    assert "Your comment in Round 1: the first draft" in item_page.text


def test_seed_demo_gives_the_first_round_a_panel_big_enough_for_members_to_see_results(
    demo_site, client
):
    earlier = Round.objects.get(title=EARLIER_ROUND_TITLE)
    panel = Member.objects.exclude(pseudonym__in=["Bluebell", "Kestrel"])
    # The panel's accounts cannot sign in and hold nothing that names anyone.
    assert panel.count() == 12
    assert not any(member.user.has_usable_password() for member in panel)
    assert {(member.user.email, member.user.get_full_name()) for member in panel} == {("", "")}

    client.force_login(get_user_model().objects.get(username="member-su"))
    text = " ".join(
        client.get(reverse("consultations:results", args=[earlier.pk])).content.decode().split()
    )

    assert "Too few to show" not in text
    assert "Professionals agree; service users reach no consensus." in text
    assert "Professionals reach no consensus; service users disagree." in text
