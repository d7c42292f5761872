from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from consultations.enums import NotificationKind, NotificationStatus
from consultations.models.contributions import Comment
from consultations.models.members import Invitation, Member
from consultations.models.rounds import Round

# Longer than a working queue ever takes: a worker that is down, or a task never saved.
WAITING_TOO_LONG = timedelta(minutes=15)


class NotificationQuerySet(models.QuerySet):
    def waiting_for_worker(self, now: datetime) -> "NotificationQuerySet":
        """Queued emails no worker has picked up for a while."""
        return self.filter(status=NotificationStatus.QUEUED).filter(
            models.Q(next_attempt_at__lt=now - WAITING_TOO_LONG)
            | models.Q(next_attempt_at=None, created_at__lt=now - WAITING_TOO_LONG)
        )

    def not_sent(self, now: datetime) -> "NotificationQuerySet":
        """What editors should know about: failed, waiting to be tried again, or stuck."""
        return self.filter(
            models.Q(status__in=[NotificationStatus.FAILED, NotificationStatus.RETRYING])
            | models.Q(pk__in=self.waiting_for_worker(now).values("pk"))
        )


class Notification(models.Model):
    """An email the consultation sends, and what became of it.

    Its ``key`` says what it is about and whom it is for, and is unique, so the same email
    is never queued twice. What it says is put together when it is sent, in the
    recipient's language then, from the rows it points to.
    """

    kind = models.CharField(_("email"), max_length=20, choices=NotificationKind.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NotificationStatus.choices,
        default=NotificationStatus.QUEUED,
    )
    key = models.CharField(max_length=150, unique=True, editable=False)
    # One recipient: a member, an editor (the digest) or an invitation's address.
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    # The comment answered, or the reply.
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    day = models.DateField(_("day"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last tried"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next try"), null=True, blank=True)
    error = models.CharField(_("what went wrong"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("email")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(member__isnull=False, user=None, invitation=None)
                    | models.Q(member=None, user__isnull=False, invitation=None)
                    | models.Q(member=None, user=None, invitation__isnull=False)
                ),
                name="notification_one_recipient",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        # Shown to editors who may not see identities: the kind and number, never a name.
        return _("%(kind)s email %(number)s") % {
            "kind": self.get_kind_display(),
            "number": self.pk,
        }

    @property
    def address(self) -> str:
        if self.member_id:
            return self.member.user.email
        if self.user_id:
            return self.user.email
        return self.invitation.email


class EditorEmailSettings(models.Model):
    """An editor's choice of the consultation's emails to editors."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_settings"
    )
    daily_digest = models.BooleanField(
        _("Daily digest of new comments"),
        default=True,
        help_text=_(
            "An email each morning with the number of comments that came in the day "
            "before in each round. It never holds members' words."
        ),
    )

    class Meta:
        verbose_name = _("editor's email settings")

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def for_user(cls, user: AbstractBaseUser) -> "EditorEmailSettings":
        return cls.objects.filter(user=user).first() or cls(user=user)
