import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from wagtail.search import index

from consultations.enums import NATION_NOT_RECORDED, Constituency, Nation, Withdrawal


class StudySite(index.Indexed, models.Model):
    """A place members are recruited through. Its name alone names nobody; which member
    is at which site is identifying, so only editors' admin shows that."""

    name = models.CharField(_("name"), max_length=100)
    nation = models.CharField(
        _("nation"),
        max_length=20,
        choices=Nation.choices,
        blank=True,
        help_text=_("Leave blank if it is not known: reports count it as “Not recorded”."),
    )

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    # The admin's usage view would list the members at a site by pseudonym, tying each
    # pseudonym to a site for editors who may not know it.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("study site")
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="study_site_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def nation_label(self) -> str:
        return Nation(self.nation).label if self.nation else str(NATION_NOT_RECORDED)

    def is_in_use(self) -> bool:
        return self.members.exists() or self.invitations.exists()


class MemberQuerySet(models.QuerySet):
    def taking_part(self) -> "MemberQuerySet":
        """Members who have given consent and not withdrawn."""
        return self.filter(consent_given_at__isnull=False, withdrawn_at__isnull=True)


class Member(models.Model):
    """An advisory group member. Other members and the public know her only by pseudonym."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member"
    )
    constituency = models.CharField(_("constituency"), max_length=20, choices=Constituency.choices)
    pseudonym = models.CharField(
        _("pseudonym"),
        max_length=40,
        help_text=_("The name other members see. It must not identify her."),
    )
    study_site = models.ForeignKey(
        StudySite,
        verbose_name=_("study site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    professional_role = models.CharField(
        _("professional role"),
        max_length=100,
        blank=True,
        help_text=_("Professionals only: midwife, drug-treatment worker, health visitor…"),
    )
    consent_given_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Blank for a member who withdrew before the choice existed: she kept her words under
    # her pseudonym, as consent text 1.0 said.
    withdrawal = models.CharField(
        _("on withdrawal"), max_length=20, choices=Withdrawal.choices, blank=True
    )
    # Her site goes when she withdraws; its nation, a group of many, stays, so response
    # rates by nation in the rounds she was in do not change after she leaves.
    nation_kept = models.CharField(
        _("nation of her site, kept when she withdrew"),
        max_length=20,
        choices=Nation.choices,
        blank=True,
        editable=False,
    )
    notify_new_rounds = models.BooleanField(_("email me when a round opens for me"), default=True)
    notify_replies = models.BooleanField(
        _("email me when someone replies to my comment"), default=True
    )
    notify_responses = models.BooleanField(
        _("email me when the research team answers my comment"), default=True
    )
    notify_reminders = models.BooleanField(
        _("email me before a round closes if I have not finished"), default=True
    )
    # Off unless she asks: an email is read on shared phones and kept in inboxes she does
    # not control, so it says that there is something new, not what it says.
    email_comment_text = models.BooleanField(
        _("put the words of comments and answers in my emails"), default=False
    )
    # Blank: the site's default language.
    language = models.CharField(_("language of emails"), max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("member")
        ordering = [Lower("pseudonym")]
        constraints = [
            models.UniqueConstraint(Lower("pseudonym"), name="member_pseudonym_unique"),
            models.CheckConstraint(
                condition=models.Q(constituency=Constituency.PROFESSIONAL)
                | models.Q(professional_role=""),
                name="member_role_only_for_professionals",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawal="") | models.Q(withdrawn_at__isnull=False),
                name="member_withdrawal_only_when_withdrawn",
            ),
        ]
        permissions = [
            ("view_member_identity", "Can see members' real names and email addresses"),
        ]

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def is_taking_part(self) -> bool:
        return self.consent_given_at is not None and self.withdrawn_at is None

    @property
    def email_language(self) -> str:
        return self.language or settings.LANGUAGE_CODE


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self, now: datetime | None = None) -> "InvitationQuerySet":
        return self.filter(accepted_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """A one-time, expiring link that lets a new member set up her account.

    Only a digest of the token is stored, so the database alone cannot be used to join.
    """

    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email address"))
    constituency = models.CharField(_("constituency"), max_length=20, choices=Constituency.choices)
    study_site = models.ForeignKey(
        StudySite,
        verbose_name=_("study site"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
    )
    professional_role = models.CharField(_("professional role"), max_length=100, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        default=settings.LANGUAGE_CODE,
        help_text=_("The invitation email and the pages it leads to are in this language."),
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    # The link's token is made from this and the site's secret key, so the email can be
    # sent (and sent again after a failure) by a worker, while the database alone, which
    # holds only the salt and the token's digest, still cannot be used to join.
    token_salt = models.CharField(max_length=64, blank=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), editable=False)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    member = models.OneToOneField(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
        editable=False,
    )
    emails_stopped_at = models.DateTimeField(
        _("asked for no more emails"), null=True, blank=True, editable=False
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        ordering = ["-created_at"]
        constraints = [
            # One link at a time per address: a second would make a second account.
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True),
                name="invitation_one_open_per_address",
            ),
        ]

    def __str__(self) -> str:
        # Shown in the admin's history and messages, which editors without the identity
        # permission may read, so it names the invitation, never the person.
        return _("Invitation %(number)s") % {"number": self.pk}

    def token_new(self) -> str:
        """Give the invitation a new link, which replaces any earlier one."""
        self.token_salt = secrets.token_hex(16)
        token = self.token
        self.token_digest = token_digest(token)
        return token

    @property
    def token(self) -> str:
        return salted_hmac(
            "consultations.invitation", self.token_salt, algorithm="sha256"
        ).hexdigest()

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def is_expired(self) -> bool:
        return not self.is_accepted and self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        if self.is_accepted:
            return _("Accepted")
        if self.is_expired:
            return _("Expired")
        if self.emails_stopped_at:
            return _("Waiting; asked for no more emails")
        return _("Waiting")
