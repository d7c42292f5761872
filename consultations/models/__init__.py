from consultations.models.contributions import (
    COMMENT_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    Comment,
    CommentVersion,
    Rating,
    RatingVersion,
)
from consultations.models.members import Invitation, Member
from consultations.models.mixins import ConsultablePageMixin, ConsultationItem
from consultations.models.rounds import Round, RoundPage

__all__ = [
    "COMMENT_MAX_LENGTH",
    "QUOTE_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "Comment",
    "CommentVersion",
    "ConsultablePageMixin",
    "ConsultationItem",
    "Invitation",
    "Member",
    "Rating",
    "RatingVersion",
    "Round",
    "RoundPage",
]
