"""The consultation's rules that write: invitations, members, rounds, comments and ratings.

Bad input raises ``ValidationError`` keyed by the form field it belongs to, so a form can
show the message beside the field; a member acting outside her rights gets
``PermissionDenied``. Each function checks its rule, wraps its writes in a transaction and
writes the audit log where editors need a record.
"""

from consultations.services.audit import (
    export_log,
    identity_listing_log,
    identity_view_log,
)
from consultations.services.contributions import (
    AlreadySaved,
    CommentChanged,
    EnteredForHer,
    Timing,
    comment_edit,
    comment_post,
    comment_started_from_check,
    comment_withdraw,
    contribution_timing,
    entered_for_her_check,
    item_check,
    rating_current_locked,
    rating_set,
    reply_check,
    round_page_get,
    text_clean,
)
from consultations.services.members import (
    PSEUDONYM_MAX_LENGTH,
    PSEUDONYM_MIN_LENGTH,
    PSEUDONYM_PATTERN,
    PSEUDONYM_TAKEN,
    InvitationUnusable,
    full_name_split,
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_email_clean,
    invitation_lifetime,
    invitation_renew,
    member_real_names,
    member_update,
    pseudonym_clean,
    pseudonym_taken_guard,
)
from consultations.services.moderation import (
    comment_answer,
    comment_enter,
    comment_hide,
    comment_show,
    moderation_visit_record,
    ratings_enter,
)
from consultations.services.rounds import (
    round_follows_check,
    round_page_pin,
    round_settings_check,
)
from consultations.services.withdrawal import (
    REMOVED_COMMENT_BODY,
    WITHDRAWN_PSEUDONYM,
    member_withdraw,
)

__all__ = [
    "AlreadySaved",
    "CommentChanged",
    "EnteredForHer",
    "export_log",
    "identity_listing_log",
    "identity_view_log",
    "InvitationUnusable",
    "PSEUDONYM_MAX_LENGTH",
    "PSEUDONYM_MIN_LENGTH",
    "PSEUDONYM_PATTERN",
    "PSEUDONYM_TAKEN",
    "REMOVED_COMMENT_BODY",
    "Timing",
    "WITHDRAWN_PSEUDONYM",
    "comment_answer",
    "comment_edit",
    "comment_enter",
    "comment_hide",
    "comment_post",
    "comment_show",
    "comment_started_from_check",
    "comment_withdraw",
    "contribution_timing",
    "entered_for_her_check",
    "full_name_split",
    "invitation_accept",
    "invitation_check",
    "invitation_create",
    "invitation_email_clean",
    "invitation_lifetime",
    "invitation_renew",
    "item_check",
    "member_real_names",
    "member_update",
    "member_withdraw",
    "moderation_visit_record",
    "pseudonym_clean",
    "pseudonym_taken_guard",
    "rating_current_locked",
    "ratings_enter",
    "rating_set",
    "reply_check",
    "round_follows_check",
    "round_page_get",
    "round_page_pin",
    "round_settings_check",
    "text_clean",
]
