"""The consultation's rules that write: invitations, members, comments and ratings.

Bad input raises ``ValidationError`` keyed by the form field it belongs to, so a form can
show the message beside the field; a member acting outside her rights gets
``PermissionDenied``. Comments and ratings keep every version: a change adds a row, never
overwrites one. What arrives after a round has closed is stored, marked late, and left
out of the results.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from wagtail.log_actions import log
from wagtail.models import Page, Revision

from consultations.consent import CONSENT_VERSION
from consultations.enums import (
    AUDIENCE_CONSTITUENCIES,
    Abstention,
    Constituency,
    RoundStatus,
    VersionKind,
)
from consultations.formatting import clock_time, day_and_date
from consultations.models import (
    COMMENT_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Comment,
    CommentVersion,
    Invitation,
    Member,
    Rating,
    RatingVersion,
    Round,
    RoundPage,
)
from consultations.selectors import round_ids_followed

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


def invitation_create(
    *,
    full_name: str,
    email: str,
    constituency: str,
    study_site: str = "",
    professional_role: str = "",
    invited_by: AbstractBaseUser | None,
) -> tuple[Invitation, str]:
    """Create an invitation and return it with its token, which is shown only this once.

    An address that already has an account cannot be invited again.
    """
    email = email.strip()
    if get_user_model().objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": _("Someone with this email address already has an account.")}
        )
    if Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True).exists():
        raise ValidationError(
            {
                "email": _(
                    "This address already has an invitation that was not accepted. Send it "
                    "a new link from the list of invitations instead."
                )
            }
        )
    if constituency != Constituency.PROFESSIONAL:
        professional_role = ""
    token, digest = Invitation.new_token()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            full_name=full_name.strip(),
            email=email,
            constituency=constituency,
            study_site=study_site.strip(),
            professional_role=professional_role.strip(),
            token_digest=digest,
            invited_by=invited_by,
            expires_at=timezone.now() + invitation_lifetime(),
        )
        log(invitation, "consultations.invite", user=invited_by)
    return invitation, token


def invitation_renew(*, invitation: Invitation, by: AbstractBaseUser | None) -> str:
    """Give an invitation that was not accepted a new link and a new expiry; the old link
    stops working."""
    token, digest = Invitation.new_token()
    with transaction.atomic():
        if Invitation.objects.select_for_update().get(pk=invitation.pk).is_accepted:
            raise ValidationError(_("This invitation was accepted, so it cannot be sent again."))
        invitation.token_digest = digest
        invitation.expires_at = timezone.now() + invitation_lifetime()
        invitation.save(update_fields=["token_digest", "expires_at"])
        log(invitation, "consultations.invite_renew", user=by)
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
) -> Member:
    user = member.user
    member.pseudonym = pseudonym_clean(
        pseudonym=pseudonym,
        real_names=[user.first_name, user.last_name, user.email.split("@")[0]],
        member=member,
    )
    member.notify_new_rounds = notify_new_rounds
    member.notify_replies = notify_replies
    member.notify_responses = notify_responses
    with transaction.atomic(), pseudonym_taken_guard():
        member.save()
    return member


def member_withdraw(*, member: Member) -> Member:
    """She leaves the study: she can no longer take part, and her ratings stop counting.

    What she wrote stays, under her pseudonym, as the consent text explains.
    """
    if member.withdrawn_at is not None:
        return member
    with transaction.atomic():
        member.withdrawn_at = timezone.now()
        member.save(update_fields=["withdrawn_at"])
        log(member, "consultations.member_withdraw")
    return member


# Rounds ---------------------------------------------------------------------------------


def round_page_pin(
    *, page: Page, revision: Revision | None = None, by: AbstractBaseUser | None = None
) -> Revision:
    """The revision a round shows of a page: the one chosen, else the page's latest.

    A page that has never been saved as a revision gets one of its current content.
    """
    if revision is not None:
        if not page.revisions.filter(pk=revision.pk).exists():
            raise ValidationError({"revision": _("This revision belongs to another page.")})
        return revision
    page = page.specific
    if page.latest_revision_id:
        return page.latest_revision
    return page.save_revision(user=by, log_action=False)


def round_has_contributions(round: Round) -> bool:
    return Comment.objects.filter(round=round).exists() or (
        Rating.objects.filter(round=round).exists()
    )


def round_settings_check(
    *,
    round: Round,
    opens_at: datetime | None,
    rating_scale: str,
    audience: str,
    comments_visible_to_members: bool,
) -> None:
    """Once members have taken part, a round keeps the settings they took part under: open
    now, the scale they rated on, everyone it was open to, and comments private if they
    were promised private. Widening the audience, making comments private, or moving the
    closing time is allowed."""
    if round.pk is None or not round_has_contributions(round):
        return
    errors: dict[str, str] = {}
    if opens_at is not None and opens_at > timezone.now():
        # A round that has not opened is hidden from members, and from what they wrote.
        errors["opens_at"] = _(
            "Members have already rated or commented in this round, so it must stay open: "
            "if it opened later, they could no longer see it or what they wrote. Choose a "
            "time that has passed, or change when it closes instead."
        )
    if rating_scale != round.rating_scale:
        errors["rating_scale"] = _(
            "Members have already rated or commented in this round on the old scale, so it "
            "cannot change: their ratings would no longer mean what they meant."
        )
    if not set(AUDIENCE_CONSTITUENCIES[round.audience]) <= set(AUDIENCE_CONSTITUENCIES[audience]):
        errors["audience"] = _(
            "Members have already rated or commented in this round, so it must stay open to "
            "everyone it was open to. You can add a group, but not take one away."
        )
    if comments_visible_to_members and not round.comments_visible_to_members:
        errors["comments_visible_to_members"] = _(
            "Members have already commented in this round believing only the research team "
            "would read their comments, so other members cannot be shown them now."
        )
    if errors:
        raise ValidationError(errors)


def round_follows_check(*, round: Round, follows: Round | None, opens_at: datetime | None) -> None:
    """A round follows only an earlier round, one that opens before it, and never a round
    that follows it in turn. Rounds that already follow this one must still open after it.
    """
    errors: dict[str, str] = {}
    if follows is not None:
        if round.pk is not None and follows.pk == round.pk:
            errors["follows"] = _("A round cannot follow itself. Choose an earlier round.")
        elif round.pk is not None and round.pk in round_ids_followed(follows):
            errors["follows"] = _(
                "“%(round)s” follows this round, directly or through other rounds, so this "
                "round cannot follow it. Choose an earlier round."
            ) % {"round": follows}
        elif opens_at is not None and follows.opens_at >= opens_at:
            errors["follows"] = _(
                "A round can follow only an earlier round: “%(round)s” opens on %(date)s, "
                "not before this one. Choose a round that opens before this one, or leave "
                "this empty."
            ) % {
                "round": follows,
                "date": date_format(timezone.localtime(follows.opens_at), "j F Y, H:i"),
            }
    if round.pk is not None and opens_at is not None:
        followers = Round.objects.filter(follows=round, opens_at__lte=opens_at)
        follower = followers.order_by("opens_at").first()
        if follower is not None:
            errors["opens_at"] = _(
                "“%(round)s” follows this round and opens on %(date)s, so this round must "
                "open before then."
            ) % {
                "round": follower,
                "date": date_format(timezone.localtime(follower.opens_at), "j F Y, H:i"),
            }
    if errors:
        raise ValidationError(errors)


# Comments and ratings -------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    now: datetime
    late: bool


def contribution_timing(*, round: Round, member: Member) -> Timing:
    """Check she may contribute to the round now; after it closes, contributions are late."""
    if not member.is_taking_part or not round.is_for(member):
        raise PermissionDenied
    now = timezone.now()
    status = round.status_at(now)
    if status == RoundStatus.SCHEDULED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "This round opens on %(date)s at %(time)s. You can take part then."
                )
                % {"date": day_and_date(round.opens_at, now), "time": clock_time(round.opens_at)}
            }
        )
    return Timing(now=now, late=status == RoundStatus.CLOSED)


def round_page_get(*, round: Round, page_id: int) -> RoundPage:
    try:
        return RoundPage.objects.select_related("revision").get(round=round, page_id=page_id)
    except (RoundPage.DoesNotExist, ValueError, TypeError):
        raise ValidationError(
            {NON_FIELD_ERRORS: _("This page is not part of the round.")}
        ) from None


def item_check(*, round_page: RoundPage, block_id: str, required: bool) -> None:
    if not block_id and not required:
        return
    if not round_page.has_item(block_id):
        raise ValidationError(
            {
                "block_id": _(
                    "This item is not in the version of the page the round is about. "
                    "Reload the page and try again."
                )
            }
        )


def text_clean(*, value: str, field: str, max_length: int, required_message: str = "") -> str:
    value = value.strip().replace("\r\n", "\n")
    if required_message and not value:
        raise ValidationError({field: required_message})
    if len(value) > max_length:
        raise ValidationError(
            {
                field: ngettext(
                    "This must be %(max)s character or fewer. It has %(count)s.",
                    "This must be %(max)s characters or fewer. It has %(count)s.",
                    max_length,
                )
                % {"max": f"{max_length:,}", "count": f"{len(value):,}"}
            }
        )
    return value


def comment_post(
    *,
    round: Round,
    member: Member,
    page_id: int,
    block_id: str = "",
    body: str,
    quote: str = "",
    parent: Comment | None = None,
) -> CommentVersion:
    """Post a comment on an item of a pinned page, or on the whole page, or a reply.

    Replies go to a top-level comment she can see, in a round that shows comments to
    members. Returns the first version; its ``late`` says whether the round had closed.
    """
    timing = contribution_timing(round=round, member=member)
    round_page = round_page_get(round=round, page_id=page_id)
    item_check(round_page=round_page, block_id=block_id, required=False)
    body = text_clean(
        value=body,
        field="body",
        max_length=COMMENT_MAX_LENGTH,
        required_message=_("Enter your comment."),
    )
    quote = text_clean(value=quote, field="quote", max_length=QUOTE_MAX_LENGTH)
    if parent is not None:
        reply_check(round=round, member=member, round_page=round_page, parent=parent)
        block_id = parent.block_id
    with transaction.atomic():
        comment = Comment.objects.create(
            round=round,
            page_id=round_page.page_id,
            revision_id=round_page.revision_id,
            block_id=block_id,
            author=member,
            parent=parent,
            quote=quote,
            body=body,
            late=timing.late,
        )
        return CommentVersion.objects.create(
            comment=comment, kind=VersionKind.CREATED, quote=quote, body=body, late=timing.late
        )


def reply_check(*, round: Round, member: Member, round_page: RoundPage, parent: Comment) -> None:
    """Replies belong to rounds that share comments among members."""
    if (
        not round.comments_visible_to_members
        or parent.round_id != round.pk
        or parent.page_id != round_page.page_id
        or parent.late
    ):
        raise PermissionDenied
    if parent.parent_id is not None:
        raise ValidationError({NON_FIELD_ERRORS: _("Reply to the first comment in a thread.")})
    if parent.is_withdrawn:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("This comment was withdrawn, so it cannot take replies.")}
        )


def comment_edit(
    *, comment: Comment, member: Member, body: str, quote: str = ""
) -> CommentVersion:
    """Change her own comment; the earlier words stay in its versions.

    After the round closes the change is stored, late, and the comment is left as it was.
    """
    if comment.author_id != member.pk:
        raise PermissionDenied
    timing = contribution_timing(round=comment.round, member=member)
    if comment.is_withdrawn:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("You withdrew this comment, so it cannot be changed.")}
        )
    body = text_clean(
        value=body,
        field="body",
        max_length=COMMENT_MAX_LENGTH,
        required_message=_("Enter your comment."),
    )
    quote = text_clean(value=quote, field="quote", max_length=QUOTE_MAX_LENGTH)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.is_withdrawn:  # withdrawn in another tab since the check above
            raise ValidationError(
                {NON_FIELD_ERRORS: _("You withdrew this comment, so it cannot be changed.")}
            )
        if not timing.late:
            comment.body, comment.quote, comment.edited_at = body, quote, timing.now
            comment.save(update_fields=["body", "quote", "edited_at"])
        return CommentVersion.objects.create(
            comment=comment, kind=VersionKind.EDITED, quote=quote, body=body, late=timing.late
        )


def comment_withdraw(*, comment: Comment, member: Member) -> CommentVersion:
    """Withdraw her own comment: others no longer see it; the research team keeps it."""
    if comment.author_id != member.pk:
        raise PermissionDenied
    timing = contribution_timing(round=comment.round, member=member)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.is_withdrawn:
            return comment.versions.last()
        if not timing.late:
            comment.withdrawn_at = timing.now
            comment.save(update_fields=["withdrawn_at"])
        return CommentVersion.objects.create(
            comment=comment,
            kind=VersionKind.WITHDRAWN,
            quote=comment.quote,
            body=comment.body,
            late=timing.late,
        )


def rating_set(
    *,
    round: Round,
    member: Member,
    page_id: int,
    block_id: str,
    score: int | None = None,
    abstention: str = "",
    reason: str = "",
) -> RatingVersion:
    """Record her rating of an item: a score on the round's scale, or an abstention.

    She has one current rating per item, which the database enforces; each change adds a
    version. A late rating is kept as a version and does not replace an on-time one.
    """
    timing = contribution_timing(round=round, member=member)
    round_page = round_page_get(round=round, page_id=page_id)
    item_check(round_page=round_page, block_id=block_id, required=True)
    scale = round.scale
    if (score is None) == (not abstention):
        raise ValidationError({"choice": _("Choose a score, or say why you are not rating.")})
    if score is not None and score not in scale.scores:
        raise ValidationError(
            {
                "choice": _("Choose a score from %(min)d to %(max)d.")
                % {"min": scale.minimum, "max": scale.maximum}
            }
        )
    if abstention and abstention not in Abstention.values:
        raise ValidationError({"choice": _("Choose a score, or say why you are not rating.")})
    reason = text_clean(value=reason, field="reason", max_length=REASON_MAX_LENGTH)
    values: dict[str, object] = {"score": score, "abstention": abstention, "reason": reason}
    with transaction.atomic():
        rating = rating_current_locked(
            round=round,
            member=member,
            round_page=round_page,
            block_id=block_id,
            values=values,
            late=timing.late,
        )
        if rating.created:
            kind = VersionKind.CREATED
        else:
            current = rating.instance
            unchanged = all(getattr(current, name) == value for name, value in values.items())
            if unchanged and not timing.late and not current.late:
                return current.versions.last()
            if not timing.late:
                for name, value in values.items():
                    setattr(current, name, value)
                current.revision_id = round_page.revision_id
                # A rating first given late counts once she gives it again on time, as she
                # can if the team extends the round.
                current.late = False
                current.save()
            kind = VersionKind.EDITED
        return RatingVersion.objects.create(
            rating=rating.instance, kind=kind, late=timing.late, **values
        )


@dataclass
class _LockedRating:
    instance: Rating
    created: bool


def rating_current_locked(
    *,
    round: Round,
    member: Member,
    round_page: RoundPage,
    block_id: str,
    values: dict[str, object],
    late: bool,
) -> _LockedRating:
    """Her current rating of the item, locked; created if she has none.

    Two submissions at once both try to create it: the unique constraint lets one win and
    the other then updates the winner's row.
    """
    lookup = {
        "round": round,
        "member": member,
        "page_id": round_page.page_id,
        "block_id": block_id,
    }
    existing = Rating.objects.select_for_update().filter(**lookup).first()
    if existing is not None:
        return _LockedRating(existing, created=False)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                **lookup, revision_id=round_page.revision_id, late=late, **values
            )
            return _LockedRating(rating, created=True)
    except IntegrityError:
        return _LockedRating(Rating.objects.select_for_update().get(**lookup), created=False)
