"""The research team's moderation: hiding comments, answering them, entering what a
member gave by phone, at a meeting or in writing, and keeping track of what each editor
has seen. Every action goes into Wagtail's audit log, on the comment (or, for ratings, on
the round).

Entries carry the comment's number, the member's id, the status and the reason or
response the team wrote, never the member's words, pseudonym or who she is: the log's
history pages show her present pseudonym, looked up from her id.
"""

import re
import uuid
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from consultations.enums import AnswerStatus
from consultations.models import (
    ANSWER_MAX_LENGTH,
    HIDDEN_REASON_MAX_LENGTH,
    Comment,
    CommentVersion,
    Member,
    ModerationVisit,
    Rating,
    RatingVersion,
    Round,
)
from consultations.permissions import MODERATE_PERMISSION
from consultations.services.audit import user_unwrapped
from consultations.services.contributions import (
    EnteredForHer,
    comment_post,
    comment_texts_clean,
    entered_for_her_check,
    rating_set,
    round_page_get,
    text_clean,
)
from consultations.services.notifications import answer_notify

COMMENT_HIDE = "consultations.comment_hide"
COMMENT_SHOW = "consultations.comment_show"
COMMENT_ANSWER = "consultations.comment_answer"
COMMENT_ANSWER_CHANGE = "consultations.comment_answer_change"
COMMENT_ENTER = "consultations.comment_enter"
RATINGS_ENTER = "consultations.ratings_enter"

# Away from the queue for longer than this, an editor's next look starts a new visit.
VISIT_GAP = timedelta(hours=1)

SCORE = re.compile(r"[0-9]{1,3}")


def moderator_check(user: AbstractBaseUser) -> None:
    if not user.has_perm(MODERATE_PERMISSION):
        raise PermissionDenied


def _locked(comment: Comment) -> Comment:
    return Comment.objects.select_for_update().get(pk=comment.pk)


def comment_hide(*, comment: Comment, by: AbstractBaseUser, reason: str) -> Comment:
    """Hide a comment from other members, with a reason she is shown. The research team
    still reads it, and it keeps its place in the results and exports."""
    moderator_check(by)
    reason = text_clean(
        value=reason,
        field="reason",
        max_length=HIDDEN_REASON_MAX_LENGTH,
        required_message=_("Say why the comment is hidden. The member who wrote it is told."),
    )
    with transaction.atomic():
        comment = _locked(comment)
        if comment.is_withdrawn:
            # Others no longer see it; a reason would tell her of a hiding that changed
            # nothing.
            raise ValidationError(
                {"reason": _("She withdrew this comment, so other members no longer see it.")}
            )
        action = COMMENT_HIDE
        if comment.hidden_at is None:
            comment.hidden_at = timezone.now()
        comment.hidden_by, comment.hidden_reason = user_unwrapped(by), reason
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        log(comment, action, user=by, data={"comment": comment.pk, "reason": reason})
    return comment


def comment_show(*, comment: Comment, by: AbstractBaseUser) -> Comment:
    """Show a hidden comment to other members again."""
    moderator_check(by)
    with transaction.atomic():
        comment = _locked(comment)
        if comment.hidden_at is None or comment.is_withdrawn:
            return comment
        comment.hidden_at, comment.hidden_by, comment.hidden_reason = None, None, ""
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        log(comment, COMMENT_SHOW, user=by, data={"comment": comment.pk})
    return comment


def comment_answer(
    *, comment: Comment, by: AbstractBaseUser, status: str, response: str
) -> Comment:
    """Answer a comment: what became of it and why, in words the member will read. An
    answer can be changed; the audit log keeps each one."""
    moderator_check(by)
    errors: dict[str, str] = {}
    if status not in AnswerStatus.values:
        errors["status"] = _("Choose what the research team did with the comment.")
    try:
        response = text_clean(
            value=response,
            field="response",
            max_length=ANSWER_MAX_LENGTH,
            required_message=_("Write the response the member will read."),
        )
    except ValidationError as error:
        errors.update({field: messages[0] for field, messages in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        comment = _locked(comment)
        if comment.is_withdrawn:
            # Her words are gone from others' view, or deleted at her request: an answer
            # would be about nothing anyone can read.
            raise ValidationError(
                {"response": _("She withdrew this comment, so it can no longer be answered.")}
            )
        action = COMMENT_ANSWER_CHANGE if comment.answer_status else COMMENT_ANSWER
        comment.answer_status, comment.answer = status, response
        comment.answered_at, comment.answered_by = timezone.now(), user_unwrapped(by)
        comment.save(update_fields=["answer_status", "answer", "answered_at", "answered_by"])
        log(
            comment,
            action,
            user=by,
            data={"comment": comment.pk, "status": status, "response": response},
        )
        if action == COMMENT_ANSWER:
            answer_notify(comment=comment)
    return comment


def moderation_visit_record(
    *, round: Round, user: AbstractBaseUser, now: datetime | None = None
) -> datetime | None:
    """Record that the editor is looking at the round's queue; return when she last looked
    in her previous visit (None during her first), which "new since I last looked" counts
    from. Looks less than ``VISIT_GAP`` apart are one visit, so the answer stays the same
    while she works through the queue."""
    now = now or timezone.now()
    with transaction.atomic():
        visit, created = ModerationVisit.objects.select_for_update().get_or_create(
            user=user_unwrapped(user), round=round, defaults={"latest_at": now}
        )
        if created:
            return None
        if now - visit.latest_at > VISIT_GAP:
            visit.previous_at = visit.latest_at
        visit.latest_at = now
        visit.save(update_fields=["previous_at", "latest_at"])
        return visit.previous_at


def _errors_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def _entered_check(
    *, by: AbstractBaseUser, via: str, agreed: bool
) -> tuple[EnteredForHer | None, dict[str, list[str]]]:
    try:
        return entered_for_her_check(by=by, via=via, agreed=agreed), {}
    except ValidationError as error:
        return None, _errors_of(error)


def comment_enter(
    *,
    round: Round,
    member: Member,
    by: AbstractBaseUser,
    via: str,
    agreed: bool,
    page_id: int,
    block_id: str = "",
    body: str,
    quote: str = "",
    form_token: uuid.UUID | None = None,
) -> CommentVersion:
    """Enter a comment a member gave by phone, at a meeting or in writing, as hers, marked
    as entered for her. Only with the permission, saying how she gave it, and confirming
    that she agreed to the words; every problem is reported at once. A form sent twice
    raises ``AlreadySaved`` and stores and logs nothing the second time."""
    entered, errors = _entered_check(by=by, via=via, agreed=agreed)
    try:
        comment_texts_clean(body=body, quote=quote)
    except ValidationError as error:
        errors.update(_errors_of(error))
    if errors or entered is None:
        raise ValidationError(errors)
    with transaction.atomic():
        version = comment_post(
            round=round,
            member=member,
            page_id=page_id,
            block_id=block_id,
            body=body,
            quote=quote,
            form_token=form_token,
            entered_for_her=entered,
        )
        log(
            version.comment,
            COMMENT_ENTER,
            user=by,
            data={"comment": version.comment_id, "member": member.pk, "via": via},
        )
    return version


def rating_choice_parse(choice: str) -> dict[str, object]:
    """A rating form's one choice: a score, or an abstention."""
    if SCORE.fullmatch(choice):
        return {"score": int(choice), "abstention": ""}
    return {"score": None, "abstention": choice}


def ratings_enter(
    *,
    round: Round,
    member: Member,
    by: AbstractBaseUser,
    via: str,
    agreed: bool,
    page_id: int,
    choices: dict[str, str],
    form_token: uuid.UUID | None = None,
) -> list[RatingVersion]:
    """Enter the ratings a member gave for items of one page, marked as entered for her.

    ``choices`` maps an item's block id to a score or an abstention; a blank choice leaves
    her rating of that item as it is. All are stored or none, with one audit entry on the
    round for the page; a problem with an item is reported under ``rating-<block id>``.
    """
    entered, errors = _entered_check(by=by, via=via, agreed=agreed)
    given = {block_id: choice.strip() for block_id, choice in choices.items() if choice.strip()}
    if not given:
        errors["__all__"] = [_("Choose a rating for at least one item.")]
    if errors or entered is None:
        raise ValidationError(errors)
    round_page = round_page_get(round=round, page_id=page_id)
    reasons = dict(
        Rating.objects.filter(round=round, member=member, page_id=round_page.page_id)
        .exclude(reason="")
        .values_list("block_id", "reason")
    )
    versions: list[RatingVersion] = []
    item_errors: dict[str, list[str]] = {}
    with transaction.atomic():
        for block_id, choice in given.items():
            try:
                with transaction.atomic():
                    versions.append(
                        rating_set(
                            round=round,
                            member=member,
                            page_id=round_page.page_id,
                            block_id=block_id,
                            entered_for_her=entered,
                            # The reason she gave with her own rating stays with it.
                            reason=reasons.get(block_id, ""),
                            # One token per item, derived from the form's, so the same
                            # form sent again is recognised on every item it rated.
                            form_token=form_token and uuid.uuid5(form_token, block_id),
                            **rating_choice_parse(choice),
                        )
                    )
            except ValidationError as error:
                item_errors[f"rating-{block_id}"] = [
                    message for messages in _errors_of(error).values() for message in messages
                ]
        if item_errors:  # leaving the block by raising undoes the ratings already set
            raise ValidationError(item_errors)
        log(
            round,
            RATINGS_ENTER,
            user=by,
            data={
                "member": member.pk,
                "page": round_page.page_id,
                "ratings": len(versions),
                "via": via,
            },
        )
    return versions
