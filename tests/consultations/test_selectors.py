from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from consultations.enums import Audience
from consultations.models import Round
from consultations.selectors import (
    comments_visible_to,
    member_dashboard,
    round_ids_followed,
    rounds_progress,
)
from consultations.services import comment_post, comment_withdraw, rating_set
from tests.factories import RoundFactory, RoundPageFactory


@pytest.mark.parametrize(
    ("audience", "sees"),
    [(Audience.BOTH, True), (Audience.SERVICE_USERS, True), (Audience.PROFESSIONALS, False)],
)
def test_service_user_sees_rounds_of_her_audience_only(service_user, audience, sees):
    round = RoundFactory(audience=audience)

    assert (round in Round.objects.for_member(service_user)) is sees


def test_round_not_yet_open_is_not_listed_for_members(service_user):
    RoundFactory(opens_at=timezone.now() + timedelta(hours=1))

    assert not Round.objects.for_member(service_user).exists()


@pytest.fixture
def comments(open_round, round_page, service_user, professional):
    """Willow's comment, Rowan's comment, Rowan's withdrawn one and Rowan's late one."""

    def post(member, body):
        return comment_post(
            round=open_round, member=member, page_id=round_page.page_id, body=body
        ).comment

    made = {
        "willow": post(service_user, "Willow's words."),
        "rowan": post(professional, "Rowan's words."),
        "withdrawn": post(professional, "Rowan thought better of it."),
    }
    comment_withdraw(comment=made["withdrawn"], member=professional)
    late = post(professional, "Rowan, after the deadline.")
    late.late = True
    late.save()
    return made


def visible_bodies(round, member, round_page):
    return [
        c.body for c in comments_visible_to(round=round, member=member, page_id=round_page.page_id)
    ]


def test_private_round_shows_a_member_only_her_own_comments(
    comments, open_round, round_page, service_user
):
    assert visible_bodies(open_round, service_user, round_page) == ["Willow's words."]


def test_shared_round_shows_others_on_time_comments_that_stand(
    comments, open_round, round_page, service_user, professional
):
    open_round.comments_visible_to_members = True
    open_round.save()

    assert visible_bodies(open_round, service_user, round_page) == [
        "Willow's words.",
        "Rowan's words.",
    ]
    # Her own withdrawn and late comments stay visible to her, marked by the page.
    assert visible_bodies(open_round, professional, round_page) == [
        "Willow's words.",
        "Rowan's words.",
        "Rowan thought better of it.",
        "Rowan, after the deadline.",
    ]


def test_progress_counts_rated_items_and_standing_comments(
    open_round, round_page, service_user, item_ids, comments
):
    for block_id in item_ids[:2]:
        rating_set(
            round=open_round,
            member=service_user,
            page_id=round_page.page_id,
            block_id=block_id,
            score=7,
        )

    progress = rounds_progress(rounds=[open_round], member=service_user)[open_round.pk]

    assert (progress.items, progress.rated, progress.comments) == (3, 2, 1)
    assert not progress.is_complete


def test_dashboard_splits_open_and_closed_rounds(open_round, service_user, close_round):
    earlier = close_round(RoundFactory(title="Earlier round"))

    dashboard = member_dashboard(member=service_user)

    assert [round for round, _progress in dashboard.open] == [open_round]
    assert [round for round, _progress in dashboard.closed] == [earlier]


def test_withdrawn_comment_with_replies_keeps_its_place_without_its_words(
    open_round, round_page, service_user, professional
):
    open_round.comments_visible_to_members = True
    open_round.save()
    first = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Second thoughts."
    ).comment
    comment_post(
        round=open_round,
        member=professional,
        page_id=round_page.page_id,
        body="I see what you mean.",
        parent=first,
    )

    comment_withdraw(comment=first, member=service_user)

    shown = list(
        comments_visible_to(round=open_round, member=professional, page_id=round_page.page_id)
    )
    assert [(c.body, c.is_withdrawn) for c in shown] == [
        ("Second thoughts.", True),
        ("I see what you mean.", False),
    ]


def test_dashboard_queries_do_not_grow_with_the_number_of_rounds(
    open_round, section, service_user
):
    def queries_for_dashboard() -> int:
        member_dashboard(member=service_user)  # the first look caches the pinned items
        with CaptureQueriesContext(connection) as queries:
            member_dashboard(member=service_user)
        return len(queries)

    one_round = queries_for_dashboard()
    for title in ("Second round", "Third round"):
        RoundPageFactory(round=RoundFactory(title=title), page=section)

    assert queries_for_dashboard() == one_round


def test_rounds_followed_are_found_however_far_back_and_a_saved_loop_ends(db):
    first = RoundFactory()
    second = RoundFactory(follows=first)
    third = RoundFactory(follows=second)
    assert round_ids_followed(third) == {first.pk, second.pk, third.pk}

    # A loop saved before the rule existed.
    Round.objects.filter(pk=first.pk).update(follows=third)
    third.refresh_from_db()

    assert round_ids_followed(third) == {first.pk, second.pk, third.pk}
