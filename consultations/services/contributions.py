"""Comments and ratings.

Comments and ratings keep every version: a change adds a row, never overwrites one. What
arrives after a round has closed is stored, marked late, and left out of the results.

Forms sent twice and forms sent at once are settled by the database, not by a check in
Python that two requests could both pass: a form's one-time token is unique on the version
it stores (see ``consultations.form_tokens``), her current rating is unique per item and
locked while it changes, and a comment is locked while it changes and refuses a change made
from an older version than its current one.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from consultations.enums import Abstention, EnteredVia, RoundStatus, VersionKind
from consultations.formatting import clock_time, day_and_date, grouped
from consultations.models import (
    COMMENT_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Comment,
    CommentVersion,
    Member,
    Rating,
    RatingVersion,
    Round,
    RoundPage,
)
from consultations.permissions import ENTER_FOR_MEMBER_PERMISSION
from consultations.selectors import comment_version_by_token, rating_version_by_token
from consultations.services.audit import user_unwrapped
from consultations.services.notifications import reply_notify


class AlreadySaved(Exception):  # noqa: N818 (an outcome she is told about, not a fault)
    """The same form was sent before and stored; ``version`` is what the first one stored."""

    def __init__(self, version: CommentVersion | RatingVersion) -> None:
        super().__init__(version)
        self.version = version


class CommentChanged(ValidationError):
    """She changed the comment from an older version than its current one (another tab or
    window saved first), so saving hers would silently undo the other change."""


@dataclass(frozen=True)
class EnteredForHer:
    """An editor entering what a member gave by phone, at a meeting or in writing."""

    by: AbstractBaseUser
    via: str


def entered_fields(entered: EnteredForHer | None) -> dict[str, object]:
    if entered is None:
        return {"entered_by_id": None, "entered_via": ""}
    return {"entered_by_id": entered.by.pk, "entered_via": entered.via}


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
                % {"max": grouped(max_length), "count": grouped(len(value))}
            }
        )
    return value


def comment_texts_clean(*, body: str, quote: str) -> tuple[str, str]:
    """The comment and its quote, trimmed; both are checked, so she sees every problem."""
    errors: dict[str, list[str]] = {}
    cleaned = []
    for field, value, max_length, required_message in (
        ("body", body, COMMENT_MAX_LENGTH, _("Enter your comment.")),
        ("quote", quote, QUOTE_MAX_LENGTH, ""),
    ):
        try:
            cleaned.append(
                text_clean(
                    value=value,
                    field=field,
                    max_length=max_length,
                    required_message=required_message,
                )
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned[0], cleaned[1]


def comment_post(
    *,
    round: Round,
    member: Member,
    page_id: int,
    block_id: str = "",
    body: str,
    quote: str = "",
    parent: Comment | None = None,
    form_token: uuid.UUID | None = None,
    entered_for_her: EnteredForHer | None = None,
) -> CommentVersion:
    """Post a comment on an item of a pinned page, or on the whole page, or a reply.

    Replies go to a top-level comment she can see, in a round that shows comments to
    members. Returns the first version; its ``late`` says whether the round had closed.
    A form whose token was used before raises ``AlreadySaved`` and stores nothing.
    ``entered_for_her`` records an editor who entered it for her (``comment_enter``).
    A comment the research team has hidden takes no replies.
    """
    timing = contribution_timing(round=round, member=member)
    round_page = round_page_get(round=round, page_id=page_id)
    item_check(round_page=round_page, block_id=block_id, required=False)
    body, quote = comment_texts_clean(body=body, quote=quote)
    if parent is not None:
        reply_check(round=round, member=member, round_page=round_page, parent=parent)
        block_id = parent.block_id
    if form_token is not None and (
        first := comment_version_by_token(form_token=form_token, member=member)
    ):
        raise AlreadySaved(first)
    try:
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
                **entered_fields(entered_for_her),
            )
            version = CommentVersion.objects.create(
                comment=comment,
                kind=VersionKind.CREATED,
                quote=quote,
                body=body,
                late=timing.late,
                form_token=form_token,
                **entered_fields(entered_for_her),
            )
            if parent is not None:
                reply_notify(reply=comment)
            return version
    except IntegrityError:
        # The same form arrived twice at once: the copy that committed first holds the
        # token, and this one's comment was rolled back with its version.
        if form_token is not None and (
            first := comment_version_by_token(form_token=form_token, member=member)
        ):
            raise AlreadySaved(first) from None
        raise


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
    if parent.is_hidden:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "The research team has hidden this comment, so it cannot take replies."
                )
            }
        )


# Module constants are translated when shown, in her language, hence lazily.
CHANGED_BEFORE_EDIT = gettext_lazy(
    "This comment was changed in another window or tab after you opened this page, so "
    "your change has not been saved yet. Your words are still in the box. Its current "
    "words are shown too: copy what you want to keep, then save again."
)
CHANGED_BEFORE_WITHDRAWAL = gettext_lazy(
    "This comment was changed in another window or tab after you opened this page, so it "
    "has not been withdrawn. Check its current words below, and withdraw it again if you "
    "still want to."
)


def comment_started_from_check(
    *, comment: Comment, started_from: int | None, message: str = CHANGED_BEFORE_EDIT
) -> None:
    """Refuse a change made from an older version of the comment than its current one.

    ``started_from`` is the newest version when her form was rendered; ``None`` skips the
    check (callers that are not a member's form). A version of another comment, or a form
    without one, started from nothing known, so it is refused too. Late versions did not
    change the comment, so they do not make her version old.
    """
    if started_from is None:
        return
    versions = CommentVersion.objects.filter(comment=comment)
    if versions.filter(pk=started_from).exists() and not versions.filter(
        pk__gt=started_from, late=False
    ):
        return
    raise CommentChanged({NON_FIELD_ERRORS: message})


def comment_edit(
    *,
    comment: Comment,
    member: Member,
    body: str,
    quote: str = "",
    started_from: int | None = None,
) -> CommentVersion:
    """Change her own comment; the earlier words stay in its versions.

    After the round closes the change is stored, late, and the comment is left as it was.
    A change made from an older version raises ``CommentChanged``, unless the comment
    already says exactly what she sends (the same form sent twice): ``AlreadySaved``.
    """
    if comment.author_id != member.pk:
        raise PermissionDenied
    timing = contribution_timing(round=comment.round, member=member)
    if comment.is_withdrawn:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("You withdrew this comment, so it cannot be changed.")}
        )
    body, quote = comment_texts_clean(body=body, quote=quote)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.is_withdrawn:  # withdrawn in another tab since the check above
            raise ValidationError(
                {NON_FIELD_ERRORS: _("You withdrew this comment, so it cannot be changed.")}
            )
        if timing.late and started_from is not None:
            # A late change leaves the comment as it was, so a copy of the same form sent
            # again is known by its words among the late versions since she started.
            repeat = comment.versions.filter(
                pk__gt=started_from, late=True, kind=VersionKind.EDITED, body=body, quote=quote
            ).last()
            if repeat is not None:
                raise AlreadySaved(repeat)
        try:
            comment_started_from_check(comment=comment, started_from=started_from)
        except CommentChanged:
            if (comment.body, comment.quote) == (body, quote):
                first = comment.versions.filter(late=False).last() or comment.versions.last()
                raise AlreadySaved(first) from None
            raise
        if not timing.late:
            comment.body, comment.quote, comment.edited_at = body, quote, timing.now
            comment.save(update_fields=["body", "quote", "edited_at"])
        return CommentVersion.objects.create(
            comment=comment, kind=VersionKind.EDITED, quote=quote, body=body, late=timing.late
        )


def comment_withdraw(
    *, comment: Comment, member: Member, started_from: int | None = None
) -> CommentVersion:
    """Withdraw her own comment: others no longer see it; the research team keeps it.

    She withdraws the words she was shown: if another tab changed them since
    (``started_from`` is older), ``CommentChanged`` asks her to look again.
    """
    if comment.author_id != member.pk:
        raise PermissionDenied
    timing = contribution_timing(round=comment.round, member=member)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.is_withdrawn:
            return comment.versions.last()
        comment_started_from_check(
            comment=comment, started_from=started_from, message=CHANGED_BEFORE_WITHDRAWAL
        )
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
    form_token: uuid.UUID | None = None,
    entered_for_her: EnteredForHer | None = None,
) -> RatingVersion:
    """Record her rating of an item: a score on the round's scale, or an abstention.

    She has one current rating per item, which the database enforces; each change adds a
    version. A late rating is kept as a version and does not replace an on-time one.
    Submissions at once take turns on her rating's row lock, so versions follow each
    other and the current rating is the newest. A form whose token was used before
    raises ``AlreadySaved``, so a form resent later cannot undo a change she made since.
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
    values: dict[str, object] = {
        "score": score,
        "abstention": abstention,
        "reason": reason,
        **entered_fields(entered_for_her),
    }
    try:
        with transaction.atomic():
            rating = rating_current_locked(
                round=round,
                member=member,
                round_page=round_page,
                block_id=block_id,
                values=values,
                late=timing.late,
            )
            # Checked under the lock: a copy of this form sent at the same moment has either
            # committed its version by now, or waits for this one.
            if form_token is not None and (
                first := rating_version_by_token(form_token=form_token, member=member)
            ):
                raise AlreadySaved(first)
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
                rating=rating.instance,
                kind=kind,
                late=timing.late,
                form_token=form_token,
                **values,
            )
    except IntegrityError:
        # Only a token already used on another item gets here: the lock above settles
        # copies of one form for one item.
        if form_token is not None and (
            first := rating_version_by_token(form_token=form_token, member=member)
        ):
            raise AlreadySaved(first) from None
        raise


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


def entered_for_her_check(*, by: AbstractBaseUser, via: str, agreed: bool) -> EnteredForHer:
    """An editor may enter a member's comment or ratings only with the permission, saying
    how she gave them, and confirming that she agreed to what is entered."""
    if not by.has_perm(ENTER_FOR_MEMBER_PERMISSION):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if via not in EnteredVia.values:
        errors["via"] = _("Say how the member gave you this.")
    if not agreed:
        errors["agreed"] = _(
            "Tick the box to confirm the member agreed to what you are entering for her."
        )
    if errors:
        raise ValidationError(errors)
    return EnteredForHer(by=user_unwrapped(by), via=via)
