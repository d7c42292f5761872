"""The research team's moderation: hiding comments, answering them, and keeping track of
what each editor has seen. Every action goes into Wagtail's audit log, on the comment.

Entries carry the comment's number, the status and the reason or response the team
wrote, never the member's words or who she is.
"""

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
    ModerationVisit,
    Round,
)
from consultations.permissions import MODERATE_PERMISSION
from consultations.services.audit import _account
from consultations.services.contributions import text_clean

COMMENT_HIDE = "consultations.comment_hide"
COMMENT_SHOW = "consultations.comment_show"
COMMENT_ANSWER = "consultations.comment_answer"
COMMENT_ANSWER_CHANGE = "consultations.comment_answer_change"

# Away from the queue for longer than this, an editor's next look starts a new visit.
VISIT_GAP = timedelta(hours=1)


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
        action = COMMENT_HIDE
        if comment.hidden_at is None:
            comment.hidden_at = timezone.now()
        comment.hidden_by, comment.hidden_reason = _account(by), reason
        comment.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
        log(comment, action, user=by, data={"comment": comment.pk, "reason": reason})
    return comment


def comment_show(*, comment: Comment, by: AbstractBaseUser) -> Comment:
    """Show a hidden comment to other members again."""
    moderator_check(by)
    with transaction.atomic():
        comment = _locked(comment)
        if comment.hidden_at is None:
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
        action = COMMENT_ANSWER_CHANGE if comment.answer_status else COMMENT_ANSWER
        comment.answer_status, comment.answer = status, response
        comment.answered_at, comment.answered_by = timezone.now(), _account(by)
        comment.save(update_fields=["answer_status", "answer", "answered_at", "answered_by"])
        log(
            comment,
            action,
            user=by,
            data={"comment": comment.pk, "status": status, "response": response},
        )
    return comment


def moderation_visit_record(
    *, round: Round, user: AbstractBaseUser, now: datetime | None = None
) -> datetime | None:
    """Record that the editor is looking at the round's queue; return when her previous
    visit began (None on her first), which "new since I last looked" counts from."""
    now = now or timezone.now()
    with transaction.atomic():
        visit, created = ModerationVisit.objects.select_for_update().get_or_create(
            user=_account(user), round=round, defaults={"latest_at": now}
        )
        if created:
            return None
        if now - visit.latest_at > VISIT_GAP:
            visit.previous_at = visit.latest_at
        visit.latest_at = now
        visit.save(update_fields=["previous_at", "latest_at"])
        return visit.previous_at
