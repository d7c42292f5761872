"""Invitations and members: joining from a one-time link, pseudonyms, withdrawal."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from wagtail.log_actions import log

from consultations.consent import CONSENT_VERSION
from consultations.enums import Constituency
from consultations.models import Invitation, Member, StudySite
from consultations.services.notifications import invitation_notify, language_check
from consultations.services.withdrawal import WITHDRAWN_PSEUDONYM

PSEUDONYM_PATTERN = re.compile(r"^[^\W_](?:[\w' -]*[^\W_])?$")
PSEUDONYM_MIN_LENGTH = 2
PSEUDONYM_MAX_LENGTH = 40
PSEUDONYM_TAKEN = _lazy("Another member uses this pseudonym. Choose a different one.")


class InvitationUnusable(Exception):
    """The invitation link cannot be used: ``reason`` is "accepted" or "expired"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# Invitations and members ---------------------------------------------------------------


def invitation_email_clean(*, email: str, invitation: Invitation | None = None) -> str:
    """An address is invited once: not if it has an account, nor while another invitation
    to it is open (the database holds the second rule too)."""
    email = email.strip()
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Someone with this email address already has an account.")}
        )
    open_invitations = Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True)
    if invitation is not None and invitation.pk is not None:
        open_invitations = open_invitations.exclude(pk=invitation.pk)
    if open_invitations.exists():
        raise ValidationError(
            {
                "email": _(
                    "This address already has an invitation that was not accepted. Send it "
                    "a new link from the list of invitations instead."
                )
            }
        )
    return email


def member_real_names(user: AbstractBaseUser) -> list[str]:
    """What a pseudonym must not contain: her names and her email's local part."""
    return [user.first_name, user.last_name, user.email.split("@")[0]]


def invitation_create(
    *,
    full_name: str,
    email: str,
    constituency: str,
    study_site: StudySite | None = None,
    professional_role: str = "",
    language: str = settings.LANGUAGE_CODE,
    invited_by: AbstractBaseUser | None,
) -> tuple[Invitation, str]:
    """Create an invitation and email it; returns it with its token, for the editor to
    pass on another way if the email goes astray."""
    email = invitation_email_clean(email=email)
    if constituency != Constituency.PROFESSIONAL:
        professional_role = ""
    invitation = Invitation(
        full_name=full_name.strip(),
        email=email,
        constituency=constituency,
        study_site=study_site,
        professional_role=professional_role.strip(),
        language=language_check(language),
        invited_by=invited_by,
        expires_at=timezone.now() + invitation_lifetime(),
    )
    token = invitation.token_new()
    with transaction.atomic():
        invitation.save()
        log(invitation, "consultations.invite", user=invited_by)
        invitation_notify(invitation=invitation)
    return invitation, token


def invitation_renew(*, invitation: Invitation, by: AbstractBaseUser | None) -> str:
    """Give an invitation that was not accepted a new link and a new expiry; the old link
    stops working."""
    with transaction.atomic():
        if Invitation.objects.select_for_update().get(pk=invitation.pk).is_accepted:
            raise ValidationError(_("This invitation was accepted, so it cannot be sent again."))
        token = invitation.token_new()
        invitation.expires_at = timezone.now() + invitation_lifetime()
        invitation.save(update_fields=["token_digest", "token_salt", "expires_at"])
        log(invitation, "consultations.invite_renew", user=by)
        invitation_notify(invitation=invitation)
    return token


def invitation_lifetime() -> timedelta:
    return timedelta(days=settings.CONSULTATIONS_INVITATION_DAYS)


def invitation_check(invitation: Invitation) -> None:
    """Raise ``InvitationUnusable`` if the link was used or has expired."""
    if invitation.is_accepted:
        raise InvitationUnusable("accepted")
    if invitation.is_expired:
        raise InvitationUnusable("expired")


def full_name_split(full_name: str) -> tuple[str, str]:
    """First and last name for the user record: the last word is the surname."""
    first_name, _space, last_name = full_name.strip().rpartition(" ")
    return (first_name, last_name) if first_name else (last_name, "")


def invitation_accept(*, invitation: Invitation, pseudonym: str, password: str) -> Member:
    """Turn an invitation into a member who has consented to the current consent text.

    The link works once: the invitation row is locked, so two tabs cannot both use it. An
    address that has meanwhile got an account counts as a used link.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        invitation_check(invitation)
        user_model = get_user_model()
        username = invitation.email.lower()
        if user_model.objects.filter(
            Q(username=username) | Q(email__iexact=invitation.email)
        ).exists():
            raise InvitationUnusable("accepted")
        first_name, last_name = full_name_split(invitation.full_name)
        pseudonym = pseudonym_clean(
            pseudonym=pseudonym,
            real_names=[invitation.full_name, invitation.email.split("@")[0]],
        )
        user = user_model.objects.create_user(
            username=username,
            email=invitation.email,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
        now = timezone.now()
        with pseudonym_taken_guard():
            member = Member.objects.create(
                user=user,
                constituency=invitation.constituency,
                pseudonym=pseudonym,
                study_site=invitation.study_site,
                professional_role=invitation.professional_role,
                consent_given_at=now,
                consent_version=CONSENT_VERSION,
                language=invitation.language,
            )
        invitation.accepted_at = now
        invitation.member = member
        invitation.save(update_fields=["accepted_at", "member"])
        # No user on the entry: the audit log names its users, and hers must stay hidden.
        log(invitation, "consultations.invite_accept")
    return member


def pseudonym_clean(*, pseudonym: str, real_names: list[str], member: Member | None = None) -> str:
    """A pseudonym must be free, readable, and must not contain her real name."""
    pseudonym = " ".join(pseudonym.split())
    if not pseudonym:
        raise ValidationError({"pseudonym": _("Enter the name other members will see.")})
    if not PSEUDONYM_MIN_LENGTH <= len(pseudonym) <= PSEUDONYM_MAX_LENGTH:
        raise ValidationError(
            {
                "pseudonym": _("Your pseudonym must be between %(min)d and %(max)d characters.")
                % {"min": PSEUDONYM_MIN_LENGTH, "max": PSEUDONYM_MAX_LENGTH}
            }
        )
    if not PSEUDONYM_PATTERN.match(pseudonym):
        raise ValidationError(
            {
                "pseudonym": _(
                    "Your pseudonym can only use letters, numbers, spaces, hyphens and "
                    "apostrophes."
                )
            }
        )
    lowered = pseudonym.casefold()
    # Others must be able to trust that a "Withdrawn member" label means someone left.
    if lowered.startswith(WITHDRAWN_PSEUDONYM.split("{")[0].strip().casefold()):
        raise ValidationError(
            {
                "pseudonym": _(
                    "Names beginning “Withdrawn member” are kept for members who have left "
                    "the study. Choose a different one."
                )
            }
        )
    for real_name in real_names:
        for part in re.split(r"[\s.@_-]+", real_name.casefold()):
            if len(part) >= 3 and part in lowered:
                raise ValidationError(
                    {
                        "pseudonym": ValidationError(
                            _(
                                "Your pseudonym must not include your real name, so that "
                                "other members cannot tell who you are."
                            ),
                            # The admin words this one differently for those who may not
                            # know her real name.
                            code="real_name",
                        )
                    }
                )
    taken = Member.objects.filter(pseudonym__iexact=pseudonym)
    if member is not None:
        taken = taken.exclude(pk=member.pk)
    if taken.exists():
        raise ValidationError({"pseudonym": PSEUDONYM_TAKEN})
    return pseudonym


@contextmanager
def pseudonym_taken_guard() -> Iterator[None]:
    """Two members choosing the same pseudonym at once both pass the check above; the
    database's unique rule stops the second, who gets the same message."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as error:
        if "member_pseudonym_unique" not in str(error):
            raise
        raise ValidationError({"pseudonym": PSEUDONYM_TAKEN}) from None


def member_update(
    *,
    member: Member,
    pseudonym: str,
    notify_new_rounds: bool,
    notify_replies: bool,
    notify_responses: bool,
    notify_reminders: bool,
    email_comment_text: bool,
    language: str,
) -> Member:
    user = member.user
    member.pseudonym = pseudonym_clean(
        pseudonym=pseudonym,
        real_names=member_real_names(user),
        member=member,
    )
    member.notify_new_rounds = notify_new_rounds
    member.notify_replies = notify_replies
    member.notify_responses = notify_responses
    member.notify_reminders = notify_reminders
    member.email_comment_text = email_comment_text
    member.language = language_check(language)
    with transaction.atomic(), pseudonym_taken_guard():
        member.save()
    return member
