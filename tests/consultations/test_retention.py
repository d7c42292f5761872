"""`purge_expired_data`: what passes its retention period goes, with a count and an audit
entry; a dry run changes nothing; a second run finds nothing more."""

from datetime import timedelta
from io import StringIO

from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest

from consultations.enums import Constituency, Withdrawal
from consultations.models import Comment, CommentVersion, Invitation, Rating, RatingVersion
from consultations.services import comment_post, invitation_create, member_withdraw, rating_set
from tests.factories import RoundFactory, RoundPageFactory


def purge(*args: str) -> str:
    out = StringIO()
    call_command("purge_expired_data", *args, stdout=out)
    return out.getvalue()


def invitation_expired(days_ago: float, email: str) -> Invitation:
    invitation, _token = invitation_create(
        full_name="Never Joined",
        email=email,
        constituency=Constituency.PROFESSIONAL,
        invited_by=None,
    )
    invitation.expires_at = timezone.now() - timedelta(days=days_ago)
    invitation.save(update_fields=["expires_at"])
    return invitation


@pytest.fixture
def invitations(db) -> dict[str, Invitation]:
    return {
        "long expired": invitation_expired(91, "old@example.org"),
        "recently expired": invitation_expired(89, "recent@example.org"),
        "waiting": invitation_expired(-3, "waiting@example.org"),
    }


@pytest.fixture
def old_round(section, service_user, professional, item_ids):
    """A round whose members commented, replied and rated, then closed over ten years ago."""
    round = RoundFactory(title="Round long ago", comments_visible_to_members=True)
    RoundPageFactory(round=round, page=section)
    first = comment_post(round=round, member=service_user, page_id=section.pk, body="Then.")
    comment_post(
        round=round, member=professional, page_id=section.pk, body="Agreed.", parent=first.comment
    )
    rating_set(round=round, member=service_user, page_id=section.pk, block_id=item_ids[0], score=7)
    round.opens_at = timezone.now() - timedelta(days=3700)
    round.closes_at = timezone.now() - timedelta(days=3651)
    round.save(update_fields=["opens_at", "closes_at"])
    return round


@pytest.fixture
def recent_round(open_round, round_page, service_user, item_ids, close_round):
    comment_post(round=open_round, member=service_user, page_id=round_page.page_id, body="Now.")
    rating_set(
        round=open_round,
        member=service_user,
        page_id=round_page.page_id,
        block_id=item_ids[0],
        score=5,
    )
    return close_round(open_round)


def test_an_invitation_never_accepted_goes_90_days_after_its_link_expired(invitations):
    output = purge()

    assert "Deleted 1 invitation(s) not accepted 90 days after their link expired." in output
    remaining = set(Invitation.objects.values_list("email", flat=True))
    assert remaining == {"recent@example.org", "waiting@example.org"}
    gone = invitations["long expired"]
    entry = ModelLogEntry.objects.get(action="consultations.invitation_expire")
    assert entry.object_id == str(gone.pk)
    assert entry.label == f"Invitation {gone.pk}"
    assert "old@example.org" not in str(entry.data) + entry.label


def test_contributions_go_when_their_round_passes_the_retention_period(old_round, recent_round):
    output = purge()

    assert (
        "Deleted 2 comment(s) and 1 rating(s), with their versions, from 1 round(s) closed "
        "more than 3650 days ago." in output
    )
    assert not Comment.objects.filter(round=old_round).exists()
    assert not Rating.objects.filter(round=old_round).exists()
    assert not CommentVersion.objects.filter(comment__round=old_round).exists()
    assert not RatingVersion.objects.filter(rating__round=old_round).exists()
    old_round.refresh_from_db()  # the round itself stays, as the record that it ran
    assert Comment.objects.filter(round=recent_round).count() == 1
    assert Rating.objects.filter(round=recent_round).count() == 1
    entry = ModelLogEntry.objects.get(action="consultations.round_retention_purge")
    assert (entry.object_id, entry.data) == (str(old_round.pk), {"comments": 2, "ratings": 1})


def test_the_retention_period_comes_from_the_settings(recent_round, settings):
    settings.CONSULTATIONS_RETENTION_DAYS = 0

    purge()

    assert not Comment.objects.exists() and not Rating.objects.exists()


def test_a_member_who_withdrew_before_identities_were_erased_loses_hers(
    service_user, recent_round
):
    # Withdrawn under consent text 1.0, which kept her words under her pseudonym.
    service_user.withdrawn_at = timezone.now() - timedelta(days=30)
    service_user.save()

    output = purge()

    assert "Erased the identity of 1 withdrawn member(s)" in output
    service_user.refresh_from_db()
    assert service_user.withdrawal == Withdrawal.ANONYMISED
    assert service_user.pseudonym == f"Withdrawn member {service_user.pk}"
    assert service_user.user.email == "" and not service_user.user.is_active
    assert Comment.objects.filter(author=service_user).count() == 1


def test_expired_sessions_are_cleared(client, service_user):
    client.force_login(service_user.user)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    assert "Cleared expired sessions." in purge()

    assert not Session.objects.exists()


def test_a_dry_run_says_what_would_go_and_changes_nothing(invitations, old_round, service_user):
    service_user.withdrawn_at = timezone.now()
    service_user.save()
    before = (Invitation.objects.count(), Comment.objects.count(), Rating.objects.count())

    output = purge("--dry-run")

    assert "Would delete 1 invitation(s)" in output
    assert "Would erase the identity of 1 withdrawn member(s)" in output
    assert "Would delete 2 comment(s) and 1 rating(s)" in output
    assert "Dry run: nothing was changed." in output
    assert (Invitation.objects.count(), Comment.objects.count(), Rating.objects.count()) == before
    service_user.refresh_from_db()
    assert service_user.pseudonym == "Willow"
    assert (
        not ModelLogEntry.objects.filter(action__startswith="consultations.")
        .exclude(action__in=["consultations.invite"])
        .exists()
    )


def test_running_it_again_finds_nothing_more_to_do(invitations, old_round, service_user):
    service_user.withdrawn_at = timezone.now()
    service_user.save()
    purge()
    entries = ModelLogEntry.objects.count()

    output = purge()

    assert "Deleted 0 invitation(s)" in output
    assert "Erased the identity of 0 withdrawn member(s)" in output
    assert "Deleted 0 comment(s) and 0 rating(s), with their versions, from 0 round(s)" in output
    assert ModelLogEntry.objects.count() == entries


def test_what_arrived_as_she_withdrew_with_deletion_is_deleted_too(
    marnie_deleted_with_a_late_rating,
):
    member = marnie_deleted_with_a_late_rating

    output = purge()

    assert "Deleted what 1 member(s) who withdrew with deletion sent" in output
    assert not Rating.objects.filter(member=member).exists()
    assert not RatingVersion.objects.filter(rating__member=member).exists()
    assert not CommentVersion.objects.filter(comment__author=member).exists()
    entry = ModelLogEntry.objects.get(action="consultations.late_contributions_delete")
    assert entry.data == {"comments": 1, "ratings": 1}
    assert "Deleted what 0 member(s)" in purge()


@pytest.fixture
def marnie_deleted_with_a_late_rating(open_round, round_page, service_user, item_ids):
    """She withdrew with deletion while a rating and a comment from her phone were on
    their way: they were stored just after (the services had checked her before)."""
    member_withdraw(member=service_user, choice=Withdrawal.DELETED)
    rating = Rating.objects.create(
        round=open_round,
        page_id=round_page.page_id,
        revision_id=round_page.revision_id,
        block_id=item_ids[0],
        member=service_user,
        score=4,
    )
    RatingVersion.objects.create(rating=rating, kind="created", score=4)
    comment = Comment.objects.create(
        round=open_round,
        page_id=round_page.page_id,
        revision_id=round_page.revision_id,
        author=service_user,
        body="Sent from my phone.",
    )
    CommentVersion.objects.create(comment=comment, kind="created", body=comment.body)
    return service_user
