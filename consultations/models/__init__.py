from consultations.models.care import DRAFT_MAX_LENGTH, Draft, SupportService
from consultations.models.contributions import (
    ANSWER_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    HIDDEN_REASON_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Comment,
    CommentVersion,
    Rating,
    RatingVersion,
)
from consultations.models.members import Invitation, Member, StudySite
from consultations.models.mixins import (
    CONTENT_NOTE_MAX_LENGTH,
    ConsultablePageMixin,
    ConsultationItem,
)
from consultations.models.moderation import ModerationVisit
from consultations.models.notifications import EditorEmailSettings, Notification
from consultations.models.rounds import Round, RoundPage, round_page_items_load
from consultations.models.traceability import ChangeResponse

__all__ = [
    "ANSWER_MAX_LENGTH",
    "COMMENT_MAX_LENGTH",
    "CONTENT_NOTE_MAX_LENGTH",
    "DRAFT_MAX_LENGTH",
    "HIDDEN_REASON_MAX_LENGTH",
    "QUOTE_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "ChangeResponse",
    "Comment",
    "CommentVersion",
    "ConsultablePageMixin",
    "ConsultationItem",
    "Draft",
    "EditorEmailSettings",
    "Invitation",
    "Member",
    "ModerationVisit",
    "Notification",
    "Rating",
    "RatingVersion",
    "Round",
    "RoundPage",
    "StudySite",
    "SupportService",
    "round_page_items_load",
]
