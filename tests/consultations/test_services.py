from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import pytest

from consultations.consent import CONSENT_VERSION
from consultations.enums import Abstention, Audience, Constituency, VersionKind
from consultations.models import Comment, Invitation, Member, Rating
from consultations.selectors import invitation_find
from consultations.services import (
    InvitationUnusable,
    comment_edit,
    comment_post,
    comment_withdraw,
    invitation_accept,
    invitation_create,
    invitation_renew,
    member_withdraw,
    pseudonym_taken_guard,
    rating_set,
    round_page_pin,
)
from tests.factories import MemberFactory, RoundFactory, UserFactory, study_site


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
    member_withdraw(member=service_user)

    with pytest.raises(PermissionDenied):
        comment_post(
            round=open_round, member=service_user, page_id=round_page.page_id, body="Hello."
        )


# Invitations and members ---------------------------------------------------------------


NOT_HER_NAME = (
    "Your pseudonym must not include your real name, so that other members cannot tell who "
    "you are."
)


@pytest.fixture
def invitation(editor):
    invitation, token = invitation_create(
        full_name="Jane Smith",
        email="jane.smith@example.org",
        constituency=Constituency.SERVICE_USER,
        study_site=study_site("Site B"),
        professional_role="Ignored for service users",
        invited_by=editor,
    )
    assert invitation.token == token  # made again from the salt and the site's secret
    return invitation


def test_invitation_stores_only_a_digest_of_its_token(invitation):
    assert invitation.token not in invitation.token_digest
    assert invitation_find(token=invitation.token) == invitation
    assert invitation_find(token=invitation.token + "x") is None
    assert invitation.professional_role == ""


def test_accepting_an_invitation_makes_a_consenting_member(invitation):
    member = invitation_accept(
        invitation=invitation, pseudonym="  Quiet   Heron ", password="a-long-test-password"
    )

    assert member.pseudonym == "Quiet Heron"
    assert member.consent_version == CONSENT_VERSION and member.consent_given_at
    assert member.is_taking_part
    assert (member.constituency, member.study_site.name) == (Constituency.SERVICE_USER, "Site B")
    assert member.user.check_password("a-long-test-password")
    assert (member.user.first_name, member.user.last_name) == ("Jane", "Smith")
    invitation.refresh_from_db()
    assert invitation.is_accepted and invitation.member == member


def test_an_invitation_link_works_once(invitation):
    invitation_accept(invitation=invitation, pseudonym="Heron", password="a-long-test-password")

    with pytest.raises(InvitationUnusable) as error:
        invitation_accept(invitation=invitation, pseudonym="Egret", password="another-password")
    assert error.value.reason == "accepted"
    assert Member.objects.count() == 1


def test_an_expired_invitation_cannot_be_used(invitation):
    invitation.expires_at = timezone.now() - timedelta(seconds=1)
    invitation.save()

    with pytest.raises(InvitationUnusable) as error:
        invitation_accept(invitation=invitation, pseudonym="Heron", password="a-long-password")
    assert error.value.reason == "expired"


def test_renewing_an_invitation_retires_the_old_link(invitation, editor):
    invitation.expires_at = timezone.now() - timedelta(days=1)
    invitation.save()
    old_token = invitation.token

    new_token = invitation_renew(invitation=invitation, by=editor)

    assert invitation_find(token=old_token) is None
    assert invitation_find(token=new_token) == invitation
    assert not invitation.is_expired


def test_an_address_with_an_account_cannot_be_invited(editor):
    with pytest.raises(ValidationError) as error:
        invitation_create(
            full_name="Erin Editor",
            email=editor.email.upper(),
            constituency=Constituency.PROFESSIONAL,
            invited_by=editor,
        )
    assert list(error.value.message_dict) == ["email"]


@pytest.mark.parametrize(
    ("pseudonym", "message"),
    [
        ("", "Enter the name other members will see."),
        ("J", "Your pseudonym must be between 2 and 40 characters."),
        (
            "<script>",
            "Your pseudonym can only use letters, numbers, spaces, hyphens and apostrophes.",
        ),
        (
            "Jane S",
            NOT_HER_NAME,
        ),
        (
            "BigSMITH",
            NOT_HER_NAME,
        ),
        ("willow", "Another member uses this pseudonym. Choose a different one."),
    ],
)
def test_pseudonym_must_be_free_readable_and_not_her_name(
    invitation, service_user, pseudonym, message
):
    with pytest.raises(ValidationError) as error:
        invitation_accept(invitation=invitation, pseudonym=pseudonym, password="a-long-password")

    assert error.value.message_dict == {"pseudonym": [message]}
    assert not get_user_model().objects.filter(email="jane.smith@example.org").exists()


def test_database_refuses_two_members_with_the_same_pseudonym_in_any_case(service_user):
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberFactory(pseudonym=service_user.pseudonym.upper())


def test_withdrawn_members_ratings_stop_counting(open_round, round_page, service_user, item_ids):
    rating_set(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[0],
        score=9,
    )

    member_withdraw(member=service_user)

    assert Rating.objects.exists()
    assert not Rating.objects.counted().exists()


# Replies --------------------------------------------------------------------------------


def test_reply_joins_the_thread_of_a_visible_comment(
    open_round, round_page, service_user, professional, item_ids
):
    open_round.comments_visible_to_members = True
    open_round.save()
    first = comment_post(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[2],
        body="Eighteen months is not long enough.",
    ).comment

    reply = comment_post(
        round=open_round,
        member=professional,
        page_id=round_page.page_id,
        body="Agreed, for some families.",
        parent=first,
    ).comment

    assert (reply.parent, reply.block_id) == (first, item_ids[2])


def test_no_reply_to_a_comment_the_round_keeps_private(
    open_round, round_page, service_user, professional
):
    first = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Private."
    ).comment

    with pytest.raises(PermissionDenied):
        comment_post(
            round=open_round,
            member=professional,
            page_id=round_page.page_id,
            body="I should not see that.",
            parent=first,
        )


def test_round_not_yet_open_refuses_contributions_with_its_opening_date(
    open_round, round_page, service_user
):
    open_round.opens_at = timezone.now() + timedelta(days=2)
    open_round.closes_at = timezone.now() + timedelta(days=9)
    open_round.save()

    with pytest.raises(ValidationError) as error:
        comment_post(
            round=open_round, member=service_user, page_id=round_page.page_id, body="Early."
        )

    assert error.value.message_dict[NON_FIELD_ERRORS][0].startswith("This round opens on ")
    assert not Comment.objects.exists()


# Pinning --------------------------------------------------------------------------------


def test_pinning_defaults_to_the_latest_revision_and_refuses_another_pages(section, framework):
    draft = section.save_revision()

    assert round_page_pin(page=section) == draft
    with pytest.raises(ValidationError):
        round_page_pin(page=section, revision=framework.save_revision())


def test_database_refuses_a_round_that_closes_before_it_opens(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoundFactory(closes_at=timezone.now() - timedelta(days=3))


def test_rating_given_late_counts_once_given_again_in_an_extended_round(
    open_round, round_page, service_user, item_ids, close_round
):
    target = {
        "round": open_round,
        "member": service_user,
        "page_id": round_page.page_id,
        "block_id": item_ids[0],
    }
    close_round(open_round)
    rating_set(**target, score=3)
    assert not Rating.objects.counted().exists()

    open_round.closes_at = timezone.now() + timedelta(days=2)
    open_round.save()
    rating_set(**target, score=3)

    assert Rating.objects.counted().get().score == 3


def test_an_address_with_a_waiting_invitation_is_not_invited_twice(invitation, editor):
    with pytest.raises(ValidationError) as error:
        invitation_create(
            full_name="Jane Smith",
            email="JANE.SMITH@example.org",
            constituency=Constituency.SERVICE_USER,
            invited_by=editor,
        )

    assert list(error.value.message_dict) == ["email"]
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            full_name="Jane Smith",
            email="Jane.Smith@example.org",
            constituency=Constituency.SERVICE_USER,
            token_digest="another",
            expires_at=timezone.now(),
        )


def test_an_invitation_to_an_address_that_now_has_an_account_counts_as_used(invitation):
    UserFactory(email="Jane.Smith@example.org")

    with pytest.raises(InvitationUnusable) as error:
        invitation_accept(invitation=invitation, pseudonym="Heron", password="a-long-password")

    assert error.value.reason == "accepted"


def test_pseudonym_taken_at_the_same_moment_gets_the_pseudonyms_message(invitation, service_user):
    # Both checks passed before either was saved: only the database's rule can tell.
    with pytest.raises(ValidationError) as error, pseudonym_taken_guard():
        MemberFactory(pseudonym=service_user.pseudonym.lower())

    assert error.value.message_dict == {
        "pseudonym": ["Another member uses this pseudonym. Choose a different one."]
    }


def test_no_reply_even_to_her_own_comment_in_a_private_round(open_round, round_page, service_user):
    first = comment_post(
        round=open_round, member=service_user, page_id=round_page.page_id, body="Mine."
    ).comment

    with pytest.raises(PermissionDenied):
        comment_post(
            round=open_round,
            member=service_user,
            page_id=round_page.page_id,
            body="And another thing.",
            parent=first,
        )


def test_an_over_long_comment_and_quote_are_both_reported_at_once(
    open_round, round_page, service_user
):
    with pytest.raises(ValidationError) as error:
        comment_post(
            round=open_round,
            member=service_user,
            page_id=round_page.page_id,
            body="x" * 2100,
            quote="y" * 600,
        )

    assert error.value.message_dict == {
        "body": ["This must be 2,000 characters or fewer. It has 2,100."],
        "quote": ["This must be 500 characters or fewer. It has 600."],
    }
