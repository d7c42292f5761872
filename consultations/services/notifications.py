"""Emails to members and editors: who is sent what, once, and what became of it.

Every email is first a ``Notification`` row whose ``key`` names what it is about and who it
is for, and is unique: queueing the same email twice (a cron sweep run again, two workers
at once, an answer saved twice) finds the row and sends nothing more. A task sends it; the
row records the attempts, and a send that fails is tried again later, then left failed for
editors to see and send again. Nothing that queues an email waits for it or fails with it.

Whether an email is still wanted is checked again when it is sent: a member who withdrew,
or turned that email off, in the meantime gets nothing.
"""

import logging
import re
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from consultations.enums import (
    AUDIENCE_CONSTITUENCIES,
    NOTIFICATION_STATUSES_PENDING,
    NotificationKind,
    NotificationStatus,
    RoundStatus,
)
from consultations.models import (
    Comment,
    EditorEmailSettings,
    Invitation,
    Member,
    Notification,
    Round,
)
from consultations.models.members import token_digest
from consultations.participation import took_part
from consultations.selectors import digest_recipients, members_not_finished

logger = logging.getLogger(__name__)

ERROR_MAX_LENGTH = 500
UNSUBSCRIBE_SALT = "consultations.unsubscribe"
# A send still marked as going after this long was cut short (the worker stopped).
STUCK_AFTER = timedelta(hours=1)
# Reasons recorded on the row, for editors (in English, like the mail server's words).
LINK_REPLACED = "A newer link was sent instead."
STOPPED_HALFWAY = "The send was cut short (the worker stopped)."

# What turns each kind of member email off.
MEMBER_PREFERENCES = {
    NotificationKind.ROUND_OPENED: "notify_new_rounds",
    NotificationKind.REMINDER: "notify_reminders",
    NotificationKind.ANSWER: "notify_responses",
    NotificationKind.REPLY: "notify_replies",
}

_queueing: ContextVar[bool] = ContextVar("consultations_notifications_queueing", default=True)


@contextmanager
def notifications_off() -> Iterator[None]:
    """Queue no emails inside: for loading demo content, which is history, not news."""
    token = _queueing.set(False)
    try:
        yield
    finally:
        _queueing.reset(token)


def language_check(language: str) -> str:
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Choose a language from the list.")})
    return language


# Queueing --------------------------------------------------------------------------------


def notification_queue(*, kind: str, key: str, **about: object) -> Notification | None:
    """Queue one email and start sending it; ``None`` if that email was queued before."""
    if not _queueing.get():
        return None
    # One transaction for the row and its task: with the database queue they are saved
    # together, or not at all if whatever queued the email rolls back.
    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(
            key=key, defaults={"kind": kind, **about}
        )
        if not created:
            return None
        notification_enqueue(notification)
    return notification


def notification_enqueue(notification: Notification, *, at: datetime | None = None) -> None:
    # Imported here: the task module imports this one.
    from consultations.tasks import notification_send_task

    if at is not None:
        if not notification_send_task.get_backend().supports_defer:
            return  # the next sweep (``send_notifications``) sends it when it is due
        notification_send_task.using(run_after=at).enqueue(notification.pk)
        return
    notification_send_task.enqueue(notification.pk)


def _invitation_key(invitation: Invitation) -> str:
    return f"invitation:{invitation.pk}:{invitation.token_salt}"


def invitation_notify(*, invitation: Invitation) -> Notification | None:
    """Email an invitation's link; a renewed invitation is emailed again, with its new
    link, unless she asked for no more emails. Emails of its earlier links that have not
    gone yet never will: they would carry the new link a second time."""
    Notification.objects.filter(
        invitation=invitation,
        status__in=[*NOTIFICATION_STATUSES_PENDING, NotificationStatus.FAILED],
    ).exclude(key=_invitation_key(invitation)).update(
        status=NotificationStatus.CANCELLED, next_attempt_at=None, error=LINK_REPLACED
    )
    if invitation.emails_stopped_at is not None:
        return None
    return notification_queue(
        kind=NotificationKind.INVITATION, key=_invitation_key(invitation), invitation=invitation
    )


def invitation_notification(invitation: Invitation) -> Notification | None:
    """The email of the invitation's current link, if one was queued."""
    return Notification.objects.filter(key=_invitation_key(invitation)).first()


def answer_notify(*, comment: Comment) -> Notification | None:
    """Tell her the research team answered her comment: the first answer only, as a
    changed answer is a correction she reads on the site."""
    return notification_queue(
        kind=NotificationKind.ANSWER,
        key=f"answer:{comment.pk}",
        member_id=comment.author_id,
        round_id=comment.round_id,
        comment=comment,
    )


def reply_notify(*, reply: Comment) -> Notification | None:
    """Tell the author of a comment that someone else replied to it."""
    parent = reply.parent
    if parent is None or parent.author_id == reply.author_id:
        return None
    return notification_queue(
        kind=NotificationKind.REPLY,
        key=f"reply:{reply.pk}",
        member_id=parent.author_id,
        round_id=reply.round_id,
        comment=reply,
    )


def _members_for(round: Round, preference: str) -> QuerySet[Member]:
    return Member.objects.taking_part().filter(
        constituency__in=AUDIENCE_CONSTITUENCIES[round.audience], **{preference: True}
    )


def _queue_new(*, kind: str, keys: dict[str, dict[str, object]]) -> list[Notification]:
    """Queue those of ``keys`` not queued before; a sweep run again queues nothing."""
    known = set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))
    queued = []
    for key, about in keys.items():
        if key not in known and (notification := notification_queue(kind=kind, key=key, **about)):
            queued.append(notification)
    return queued


def reminder_before() -> timedelta:
    return timedelta(hours=settings.CONSULTATIONS_REMINDER_HOURS)


def round_openings_queue(*, now: datetime) -> list[Notification]:
    """Tell each member a round is open for her, once, while it is open and not yet in
    its last hours (then the reminder goes instead). A member who joins while a round is
    open is told at the next sweep."""
    queued = []
    for round in Round.objects.open(now).filter(closes_at__gt=now + reminder_before()):
        members = (
            _members_for(round, "notify_new_rounds")
            .exclude(took_part(round))
            .values_list("pk", flat=True)
        )
        keys = {
            f"round_opened:{round.pk}:{pk}": {"member_id": pk, "round": round} for pk in members
        }
        queued += _queue_new(kind=NotificationKind.ROUND_OPENED, keys=keys)
    return queued


def reminders_queue(*, now: datetime) -> list[Notification]:
    """Remind members who have not rated every item, once per round, in its last
    ``CONSULTATIONS_REMINDER_HOURS`` hours."""
    queued = []
    closing = Round.objects.open(now).filter(closes_at__lte=now + reminder_before())
    for round in closing.prefetch_related("round_pages__revision"):
        reminded = Notification.objects.filter(kind=NotificationKind.REMINDER, round=round)
        members = _members_for(round, "notify_reminders").exclude(
            pk__in=reminded.values("member_id")
        )
        keys = {
            f"reminder:{round.pk}:{pk}": {"member_id": pk, "round": round}
            for pk in members_not_finished(round, members).values_list("pk", flat=True)
        }
        queued += _queue_new(kind=NotificationKind.REMINDER, keys=keys)
    return queued


def site_time_zone() -> ZoneInfo:
    """The study's clock (``TIME_ZONE``), whatever the admin's user has chosen."""
    return ZoneInfo(settings.TIME_ZONE)


def digest_window(day: date) -> tuple[datetime, datetime]:
    """The day before ``day``, midnight to midnight, in the site's time zone (23 or 25
    hours long when the clocks change)."""
    zone = site_time_zone()
    end = datetime.combine(day, time.min, tzinfo=zone)
    start = datetime.combine(day - timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def digests_queue(*, now: datetime) -> list[Notification]:
    """Once a day, from ``CONSULTATIONS_DIGEST_HOUR``, tell editors how many comments came
    in the day before, per round; no email on a day with none."""
    local = timezone.localtime(now, site_time_zone())
    if local.hour < settings.CONSULTATIONS_DIGEST_HOUR:
        return []
    day = local.date()
    start, end = digest_window(day)
    if not Comment.objects.filter(created_at__gte=start, created_at__lt=end).exists():
        return []
    keys = {
        f"digest:{day.isoformat()}:{pk}": {"user_id": pk, "day": day}
        for pk in digest_recipients().values_list("pk", flat=True)
    }
    return _queue_new(kind=NotificationKind.DIGEST, keys=keys)


@dataclass
class Sweep:
    round_openings: int
    reminders: int
    digests: int
    retried: int
    waiting: int = 0


def notifications_due_queue(*, now: datetime | None = None) -> Sweep:
    """What a cron job runs every few minutes: the emails that time brings, and retries
    of failed sends that are due. Safe to run as often as wanted, and by two at once."""
    now = now or timezone.now()
    return Sweep(
        round_openings=len(round_openings_queue(now=now)),
        reminders=len(reminders_queue(now=now)),
        digests=len(digests_queue(now=now)),
        retried=retries_due_send(now=now),
        waiting=Notification.objects.waiting_for_worker(now).count(),
    )


# Sending ---------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """Five minutes after the first failure, then longer each time."""
    return timedelta(minutes=5 * 6 ** (attempts - 1))


def _claim(notification_id: int, now: datetime) -> bool:
    """Mark it as being sent, if nobody else has: the update is the lock, so a task and a
    sweep that reach the same row at once send it once."""
    return bool(
        Notification.objects.filter(pk=notification_id, status__in=NOTIFICATION_STATUSES_PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=NotificationStatus.SENDING, attempts=F("attempts") + 1, last_attempt_at=now)
    )


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> str:
    """Send one email if it is due and still wanted; returns its status afterwards.

    Whatever goes wrong after the row is claimed, in putting the email together or in
    sending it, is recorded on the row and tried again; none of it is raised."""
    from consultations.emails import notification_message

    now = now or timezone.now()
    if not _claim(notification_id, now):
        return Notification.objects.get(pk=notification_id).status
    try:
        # A savepoint: a database error in here is undone before it is recorded, so the
        # transaction of whatever queued the email (tasks run at once in development)
        # carries on.
        with transaction.atomic():
            notification = Notification.objects.select_related(
                "member__user", "user", "invitation", "round", "comment__parent"
            ).get(pk=notification_id)
            reason = notification_unwanted(notification, now=now)
            message = None if reason else notification_message(notification)
        if message is not None:
            message.send()
    except Exception as error:  # noqa: BLE001 -- recorded and tried again, never raised into whatever queued it
        return _failed(notification_id, error=error, now=now)
    if reason:
        return _finish(notification_id, status=NotificationStatus.CANCELLED, error=reason)
    return _finish(notification_id, status=NotificationStatus.SENT, sent_at=now, error="")


def _finish(notification_id: int, **fields: object) -> str:
    fields.setdefault("next_attempt_at", None)
    Notification.objects.filter(pk=notification_id).update(**fields)
    return str(fields["status"])


def _failed(notification_id: int, *, error: Exception, now: datetime) -> str:
    attempts = Notification.objects.values_list("attempts", flat=True).get(pk=notification_id)
    described = error_described(error)
    # The notification's number and the error's kind only: what the mail server said may
    # name the address.
    logger.warning(
        "Email notification %s not sent (attempt %s): %s",
        notification_id,
        attempts,
        type(error).__name__,
    )
    if attempts >= settings.CONSULTATIONS_EMAIL_ATTEMPTS:
        return _finish(notification_id, status=NotificationStatus.FAILED, error=described)
    at = now + retry_delay(attempts)
    status = _finish(
        notification_id, status=NotificationStatus.RETRYING, error=described, next_attempt_at=at
    )
    notification_enqueue(Notification(pk=notification_id), at=at)
    return status


ADDRESS = re.compile(r"[^\s<>()\[\],;:\"']+@[^\s<>()\[\],;:\"']+")


def error_described(error: Exception) -> str:
    """What went wrong, for editors, with any address taken out (editors who may not see
    members' identities read it, and mail servers repeat addresses as they please)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        text = "The mail server refused the address."
    elif isinstance(error, smtplib.SMTPResponseException):
        said = error.smtp_error
        said = said.decode(errors="replace") if isinstance(said, bytes) else str(said)
        text = f"The mail server answered {error.smtp_code}: {said}"
    else:
        text = f"{type(error).__name__}: {error}"
    return ADDRESS.sub("[address]", text)[:ERROR_MAX_LENGTH]


def retries_due_send(*, now: datetime) -> int:
    """Send what failed before and is due again; what waited for the worker for too long
    (the worker is down, or the process that queued it stopped before its task was
    saved); and what a worker that stopped halfway left marked as being sent."""
    stuck = Notification.objects.filter(
        status=NotificationStatus.SENDING, last_attempt_at__lt=now - STUCK_AFTER
    )
    stuck.filter(attempts__gte=settings.CONSULTATIONS_EMAIL_ATTEMPTS).update(
        status=NotificationStatus.FAILED, next_attempt_at=None, error=STOPPED_HALFWAY
    )
    stuck.update(status=NotificationStatus.RETRYING, next_attempt_at=now, error=STOPPED_HALFWAY)
    due = Notification.objects.filter(
        Q(status=NotificationStatus.RETRYING, next_attempt_at__lte=now)
        | Q(pk__in=Notification.objects.waiting_for_worker(now).values("pk"))
    ).values_list("pk", flat=True)
    tried = 0
    for pk in due:
        notification_deliver(notification_id=pk, now=now)
        tried += 1
    return tried


def notification_unwanted(notification: Notification, *, now: datetime) -> str:
    """Why the email should no longer go, or ``""``."""
    kind = notification.kind
    if kind == NotificationKind.INVITATION:
        invitation = notification.invitation
        if invitation.is_accepted or invitation.expires_at <= now:
            return "The invitation was accepted or has expired."
        if invitation.emails_stopped_at:
            return "She asked for no more emails."
        if notification.key != _invitation_key(invitation):
            return LINK_REPLACED
        if token_digest(invitation.token) != invitation.token_digest:
            return "The site's secret key has changed since the link was made: send a new link."
        return ""
    if not notification.address:
        return "No email address."
    if kind == NotificationKind.DIGEST:
        user = notification.user
        if not digest_recipients().filter(pk=user.pk).exists():
            return "The editor turned the digest off or no longer moderates comments."
        return ""
    member = notification.member
    if not member.is_taking_part:
        return "The member withdrew."
    if not getattr(member, MEMBER_PREFERENCES[kind]):
        return "The member turned these emails off."
    round = notification.round
    if kind in {NotificationKind.ROUND_OPENED, NotificationKind.REMINDER}:
        if round.status_at(now) != RoundStatus.OPEN or not round.is_for(member):
            return "The round is not open to her now."
        if kind == NotificationKind.REMINDER and not members_not_finished(
            round, Member.objects.filter(pk=member.pk)
        ):
            return "She has rated every item."
        return ""
    comment = notification.comment
    if comment.is_withdrawn or (comment.parent and comment.parent.is_withdrawn):
        return "The comment was withdrawn."
    # A reply the research team hid is not passed on; her own comment, hidden from the
    # others, still gets its answer.
    if kind == NotificationKind.REPLY and comment.hidden_at is not None:
        return "The reply was hidden."
    return ""


def notification_retry(*, notification: Notification, by: AbstractBaseUser) -> Notification:
    """An editor sends a failed email again, with its attempts counted afresh."""
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification.pk, status=NotificationStatus.FAILED
        ).update(
            status=NotificationStatus.QUEUED, attempts=0, next_attempt_at=timezone.now(), error=""
        )
        if not updated:
            raise ValidationError(_("This email is not waiting to be sent again."))
        log(notification, "consultations.notification_retry", user=by)
        notification_enqueue(notification)
    notification.refresh_from_db()
    return notification


# Unsubscribing ---------------------------------------------------------------------------


@dataclass
class Unsubscription:
    kind: str
    member: Member | None = None
    user: AbstractBaseUser | None = None
    invitation: Invitation | None = None

    @property
    def is_done(self) -> bool:
        if self.member is not None:
            return not getattr(self.member, MEMBER_PREFERENCES[self.kind])
        if self.user is not None:
            return not EditorEmailSettings.for_user(self.user).daily_digest
        return self.invitation.emails_stopped_at is not None


def unsubscribe_token(notification: Notification) -> str:
    """A link's token that turns this kind of email off for its recipient, without
    signing in: signed, so nobody can make one for someone else."""
    if notification.member_id:
        recipient = ["m", notification.member_id]
    elif notification.user_id:
        recipient = ["u", notification.user_id]
    else:
        recipient = ["i", notification.invitation_id]
    return signing.dumps([notification.kind, *recipient], salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscription_find(token: str) -> Unsubscription | None:
    try:
        kind, recipient, pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in NotificationKind.values:
        return None
    if recipient == "m" and kind in MEMBER_PREFERENCES:
        member = Member.objects.filter(pk=pk).select_related("user").first()
        return Unsubscription(kind=kind, member=member) if member else None
    if recipient == "u" and kind == NotificationKind.DIGEST:
        user = get_user_model().objects.filter(pk=pk).first()
        return Unsubscription(kind=kind, user=user) if user else None
    if recipient == "i" and kind == NotificationKind.INVITATION:
        invitation = Invitation.objects.filter(pk=pk).first()
        return Unsubscription(kind=kind, invitation=invitation) if invitation else None
    return None


def unsubscribe(unsubscription: Unsubscription) -> None:
    """Turn the email off; doing it twice changes nothing."""
    if unsubscription.is_done:
        return
    with transaction.atomic():
        if unsubscription.member is not None:
            member = unsubscription.member
            setattr(member, MEMBER_PREFERENCES[unsubscription.kind], False)
            member.save(update_fields=[MEMBER_PREFERENCES[unsubscription.kind]])
            # No user on the entry: it would tie her account to the change.
            log(member, "consultations.unsubscribe", data={"kind": unsubscription.kind})
        elif unsubscription.user is not None:
            EditorEmailSettings.objects.update_or_create(
                user=unsubscription.user, defaults={"daily_digest": False}
            )
        else:
            invitation = unsubscription.invitation
            invitation.emails_stopped_at = timezone.now()
            invitation.save(update_fields=["emails_stopped_at"])
            log(invitation, "consultations.unsubscribe", data={"kind": unsubscription.kind})
