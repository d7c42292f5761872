"""Retention: what the study keeps, and for how long (settings ``CONSULTATIONS_*_DAYS``).

- An invitation never accepted holds the name and address of someone who did not join:
  it goes ``CONSULTATIONS_UNUSED_INVITATION_DAYS`` after its link expired.
- A member who withdrew before withdrawal erased identities still has hers: it is
  erased, keeping her contributions without her name, as her consent text said.
- A member who withdrew with deletion has any comment or rating that arrived from
  another device as she withdrew deleted too.
- A round's comments and ratings, with their versions, go
  ``CONSULTATIONS_RETENTION_DAYS`` after the round closed; the round itself (title,
  dates, pages) is not about anyone and stays as the record that it ran.
- What a member typed and did not send (kept drafts) goes ``CONSULTATIONS_DRAFT_DAYS``
  after its round closed.
- Expired sessions are cleared, as Django's ``clearsessions`` does.

Each purge is idempotent and writes the audit log, naming what it removed and how many;
drafts, which were only ever hers and never part of the study's record, leave no entry.
"""

from dataclasses import dataclass
from datetime import datetime
from importlib import import_module

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from wagtail.log_actions import log

from consultations.enums import Withdrawal
from consultations.models import Comment, Invitation, Rating
from consultations.selectors import (
    drafts_expired,
    invitations_expired,
    members_deleted_with_contributions_left,
    members_withdrawn_with_identity,
    rounds_past_retention,
)
from consultations.services.withdrawal import (
    audit_log_scrub,
    contributions_delete,
    member_withdraw,
)


@dataclass
class PurgeReport:
    invitations: int = 0
    members: int = 0
    rounds: int = 0
    comments: int = 0
    ratings: int = 0
    late_deletions: int = 0
    drafts: int = 0
    sessions: bool = False


def data_expired_purge(*, dry_run: bool = False, now: datetime | None = None) -> PurgeReport:
    """Remove what has passed its retention period; with ``dry_run``, only count it."""
    now = now or timezone.now()
    report = PurgeReport()

    invitations = list(invitations_expired(now=now))
    report.invitations = len(invitations)
    members = list(members_withdrawn_with_identity())
    report.members = len(members)
    late_deletions = list(members_deleted_with_contributions_left())
    report.late_deletions = len(late_deletions)
    rounds = list(rounds_past_retention(now=now))
    report.rounds = len(rounds)
    report.comments = sum(round.comment_count for round in rounds)
    report.ratings = sum(round.rating_count for round in rounds)
    drafts = drafts_expired(now=now)
    report.drafts = drafts.count()
    if dry_run:
        return report

    for invitation in invitations:
        with transaction.atomic():
            audit_log_scrub(objects={Invitation: [invitation.pk]})
            log(invitation, "consultations.invitation_expire")
            invitation.delete()
    for member in members:
        member_withdraw(member=member, choice=Withdrawal.ANONYMISED)
    for member in late_deletions:
        with transaction.atomic():
            erased = contributions_delete(member=member)
            audit_log_scrub(objects=erased)
            log(
                member,
                "consultations.late_contributions_delete",
                data={"comments": len(erased[Comment]), "ratings": len(erased[Rating])},
            )
    for round in rounds:
        with transaction.atomic():
            comment_ids = list(Comment.objects.filter(round=round).values_list("pk", flat=True))
            rating_ids = list(Rating.objects.filter(round=round).values_list("pk", flat=True))
            audit_log_scrub(objects={Comment: comment_ids, Rating: rating_ids})
            # Replies go with the comments they answer; versions with their comment or
            # rating.
            Comment.objects.filter(round=round).delete()
            Rating.objects.filter(round=round).delete()
            log(
                round,
                "consultations.round_retention_purge",
                data={"comments": round.comment_count, "ratings": round.rating_count},
            )
    # Unsent words, never shown to the research team: no audit entry names them.
    drafts.delete()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    report.sessions = True
    return report
