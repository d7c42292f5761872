from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

import pytest

from consultations.enums import Abstention, Audience, VersionKind
from consultations.models import Comment, Rating
from consultations.services import (
    comment_edit,
    comment_post,
    comment_withdraw,
    rating_set,
)


def test_a_comment_records_round_page_pinned_revision_and_item(
    open_round, round_page, service_user, item_ids
):
    version = comment_post(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[1],
        body="  A named midwife made all the difference.  ",
        quote="named lead professional",
    )

    comment = version.comment
    assert (comment.round, comment.page_id, comment.revision, comment.block_id) == (
        open_round,
        round_page.page_id,
        round_page.revision,
        item_ids[1],
    )
    assert comment.body == "A named midwife made all the difference."
    assert comment.quote == "named lead professional"
    assert not comment.late
    assert version.kind == VersionKind.CREATED


def test_editing_a_comment_keeps_every_earlier_version(open_round, round_page, service_user):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="First words."
    ).comment

    comment_edit(comment=comment, member=service_user, body="Second words.")
    comment_edit(comment=comment, member=service_user, body="Third words.")

    comment.refresh_from_db()
    assert comment.body == "Third words."
    assert comment.is_edited
    assert [v.body for v in comment.versions.all()] == [
        "First words.",
        "Second words.",
        "Third words.",
    ]


def test_member_cannot_edit_or_withdraw_another_members_comment(
    open_round, round_page, service_user, professional
):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Mine."
    ).comment

    with pytest.raises(PermissionDenied):
        comment_edit(comment=comment, member=professional, body="Changed by someone else.")
    with pytest.raises(PermissionDenied):
        comment_withdraw(comment=comment, member=professional)
    comment.refresh_from_db()
    assert comment.body == "Mine." and not comment.is_withdrawn


def test_withdrawn_comment_is_kept_with_its_history(open_round, round_page, service_user):
    comment = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Said in haste."
    ).comment

    comment_withdraw(comment=comment, member=service_user)

    comment.refresh_from_db()
    assert comment.is_withdrawn
    assert comment.body == "Said in haste."
    assert [v.kind for v in comment.versions.all()] == [VersionKind.CREATED, VersionKind.WITHDRAWN]
    with pytest.raises(ValidationError):
        comment_edit(comment=comment, member=service_user, body="Second thoughts.")


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ("   ", "body", "Enter your comment."),
        ("x" * 2001, "body", "This must be 2,000 characters or fewer. It has 2,001."),
    ],
)
def test_empty_or_over_long_comment_is_refused_with_a_message_for_the_field(
    open_round, round_page, service_user, body, field, message
):
    with pytest.raises(ValidationError) as error:
        comment_post(round=open_round, member=service_user, page_id=round_page.page_id, body=body)

    assert error.value.message_dict == {field: [message]}
    assert not Comment.objects.exists()


def test_comment_on_an_item_not_in_the_pinned_revision_is_refused(
    open_round, round_page, service_user
):
    with pytest.raises(ValidationError) as error:
        comment_post(
            round=open_round,
            member=service_user,
            page_id=round_page.page_id,
            block_id="not-a-block-of-this-revision",
            body="Where does this go?",
        )

    assert list(error.value.message_dict) == ["block_id"]


def test_item_added_after_pinning_is_not_part_of_the_round(
    open_round, round_page, section, service_user
):
    section.requirements.append(
        ("requirement", {**section.requirements[0].value, "statement": "A new item."})
    )
    section.save_revision()
    new_item = section.requirements[-1].id

    with pytest.raises(ValidationError):
        rating_set(
            round=open_round,
            member=service_user,
            page_id=round_page.page_id,
            block_id=new_item,
            score=8,
        )


def test_changing_a_rating_keeps_one_current_rating_and_every_version(
    open_round, round_page, service_user, item_ids
):
    target = {"round": open_round, "member": service_user, "page_id": round_page.page_id}

    rating_set(**target, block_id=item_ids[0], score=4)
    rating_set(**target, block_id=item_ids[0], score=8, reason="Talked to my midwife.")
    rating_set(**target, block_id=item_ids[0], abstention=Abstention.DECLINED)

    rating = Rating.objects.get()
    assert (rating.score, rating.abstention) == (None, Abstention.DECLINED)
    assert [(v.score, v.abstention) for v in rating.versions.all()] == [
        (4, ""),
        (8, ""),
        (None, Abstention.DECLINED),
    ]


def test_database_refuses_a_second_current_rating_of_the_same_item(
    open_round, round_page, service_user, item_ids
):
    rating = rating_set(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[0],
        score=7,
    ).rating

    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            round=open_round,
            page_id=rating.page_id,
            revision_id=rating.revision_id,
            block_id=rating.block_id,
            member=service_user,
            score=2,
        )


@pytest.mark.parametrize("score", [0, 10])
def test_score_outside_the_scale_is_refused(open_round, round_page, service_user, item_ids, score):
    with pytest.raises(ValidationError) as error:
        rating_set(
            round=open_round,
            member=service_user,
            page_id=round_page.page_id,
            block_id=item_ids[0],
            score=score,
        )

    assert error.value.message_dict == {"choice": ["Choose a score from 1 to 9."]}


def test_submission_after_closing_is_stored_late_and_does_not_replace_the_on_time_rating(
    open_round, round_page, service_user, item_ids, close_round
):
    target = {
        "round": open_round,
        "member": service_user,
        "page_id": round_page.page_id,
        "block_id": item_ids[0],
    }
    rating_set(**target, score=8)
    close_round(open_round)

    version = rating_set(**target, score=2)

    assert version.late
    rating = Rating.objects.get()
    assert (rating.score, rating.late) == (8, False)
    assert [(v.score, v.late) for v in rating.versions.all()] == [(8, False), (2, True)]
    assert Rating.objects.counted().get() == rating


def test_comment_after_closing_is_stored_and_marked_late(
    open_round, round_page, service_user, close_round
):
    close_round(open_round)

    version = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Sorry I'm late."
    )

    assert version.late and version.comment.late
    assert Comment.objects.get().body == "Sorry I'm late."


def test_member_outside_the_audience_cannot_take_part(open_round, round_page, professional):
    open_round.audience = Audience.SERVICE_USERS
    open_round.save()

    with pytest.raises(PermissionDenied):
        comment_post(
            round=open_round, member=professional, page_id=round_page.page_id, body="Hello."
        )


def test_withdrawn_member_cannot_take_part(open_round, round_page, service_user):
    from consultations.services import member_withdraw

    member_withdraw(member=service_user)

    with pytest.raises(PermissionDenied):
        comment_post(
            round=open_round, member=service_user, page_id=round_page.page_id, body="Hello."
        )
