"""Kept drafts: what she typed in a form of a round and has not sent, for her alone.

A draft is named by its form's key (``Draft``'s docstring lists them); a key must name a
form she may use in the round now, so she cannot keep, or learn of, another member's.
Drafts are offered back only while the round is open; sending the form deletes its draft,
withdrawal deletes all of hers, and ``purge_expired_data`` deletes those of rounds closed
more than ``CONSULTATIONS_DRAFT_DAYS`` ago. Nothing here goes into the audit log: a draft
is hers, unsent, and the research team does not read it.
"""

import re
import uuid

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consultations.formatting import grouped
from consultations.models import DRAFT_MAX_LENGTH, Comment, Draft, Member, Round, RoundPage
from consultations.selectors import (
    comment_version_by_token,
    comments_visible_to,
    own_comment,
    rating_version_by_token,
)
from consultations.services.contributions import contribution_timing

FORM_KEY = re.compile(
    r"(?P<kind>comment|rate):(?P<page>[0-9]{1,18}):(?P<item>[A-Za-z0-9-]{0,64})"
    r"|(?P<comment_kind>reply|edit):(?P<comment>[0-9]{1,18})"
)


def draft_key_comment(*, page_id: int, block_id: str = "") -> str:
    return f"comment:{page_id}:{block_id}"


def draft_key_reply(*, parent_id: int) -> str:
    return f"reply:{parent_id}"


def draft_key_edit(*, comment_id: int) -> str:
    return f"edit:{comment_id}"


def draft_key_rate(*, page_id: int, block_id: str) -> str:
    return f"rate:{page_id}:{block_id}"


def _bad_key() -> ValidationError:
    return ValidationError(
        {
            "form_key": _(
                "This box cannot be kept as a draft any more. Reload the page to see it "
                "as it is now."
            )
        }
    )


def _round_page(round: Round, page_id: int) -> RoundPage | None:
    # Through the round's pages, which the views have already read with the round.
    return next((rp for rp in round.round_pages.all() if rp.page_id == page_id), None)


def draft_key_check(*, round: Round, member: Member, form_key: str) -> None:
    """The key must name a form she may use in the round: a comment on a page of the round
    or on one of its items, a rating of an item, a reply to a comment she may read and
    answer, or a change to her own comment. Anything else, another member's comment
    included, is refused alike, so the refusal tells nothing about what exists."""
    match = FORM_KEY.fullmatch(form_key or "")
    if match is None:
        raise _bad_key()
    if kind := match["kind"]:
        round_page = _round_page(round, int(match["page"]))
        item = match["item"]
        if round_page is None or (item or kind == "rate") and not round_page.has_item(item):
            raise _bad_key()
        return
    comment_id = int(match["comment"])
    if match["comment_kind"] == "edit":
        comment = own_comment(round=round, member=member, pk=comment_id)
        if comment is None or comment.is_withdrawn:
            raise _bad_key()
        return
    parent = Comment.objects.filter(pk=comment_id, round=round).first()
    if (
        parent is None
        or not round.comments_visible_to_members
        or parent.parent_id is not None
        or parent.late
        or parent.is_withdrawn
        or parent.is_hidden
        or not comments_visible_to(round=round, member=member, page_id=parent.page_id)
        .filter(pk=parent.pk)
        .exists()
    ):
        raise _bad_key()


def _text_check(*, field: str, value: str) -> str:
    value = value.replace("\r\n", "\n")
    if len(value) > DRAFT_MAX_LENGTH:
        raise ValidationError(
            {
                field: ngettext(
                    "A draft can keep %(max)s character. This has %(count)s.",
                    "A draft can keep %(max)s characters. This has %(count)s.",
                    DRAFT_MAX_LENGTH,
                )
                % {"max": grouped(DRAFT_MAX_LENGTH), "count": grouped(len(value))}
            }
        )
    return value


def _already_sent(*, member: Member, form_key: str, form_token: uuid.UUID | None) -> bool:
    """Whether the form this draft comes from was sent and stored: a save that set off
    before she sent the form may arrive after it, and must not bring back a draft of
    words she has sent."""
    if form_token is None:
        return False
    if form_key.startswith("rate:"):
        return rating_version_by_token(form_token=form_token, member=member) is not None
    return comment_version_by_token(form_token=form_token, member=member) is not None


def draft_save(
    *,
    round: Round,
    member: Member,
    form_key: str,
    body: str,
    quote: str = "",
    form_token: uuid.UUID | None = None,
) -> Draft | None:
    """Keep what she typed in one form of an open round; an empty form deletes its draft.

    ``form_token`` is the token of the form the words come from, if it has one: a form
    already sent keeps no draft. Returns the draft, or None when nothing is kept.
    """
    timing = contribution_timing(round=round, member=member)
    if timing.late:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "The round has closed, so what you typed cannot be kept as a draft. "
                    "Your words are still in the box: copy them if you want to keep them."
                )
            }
        )
    draft_key_check(round=round, member=member, form_key=form_key)
    errors: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for field, value in (("body", body), ("quote", quote)):
        try:
            texts[field] = _text_check(field=field, value=value)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    lookup = {"member": member, "round": round, "form_key": form_key}
    if not any(text.strip() for text in texts.values()) or _already_sent(
        member=member, form_key=form_key, form_token=form_token
    ):
        Draft.objects.filter(**lookup).delete()
        return None
    try:
        with transaction.atomic():
            draft, _created = Draft.objects.update_or_create(**lookup, defaults=texts)
    except IntegrityError:
        # Two saves of the same form at once both tried to create it: the later one
        # updates what the first created.
        with transaction.atomic():
            draft, _created = Draft.objects.update_or_create(**lookup, defaults=texts)
    return draft


def draft_discard(*, round: Round, member: Member, form_key: str) -> None:
    """Delete her draft of one form, if she has one: she sent the form, or threw it away."""
    Draft.objects.filter(member=member, round=round, form_key=form_key).delete()


def drafts_delete(*, member: Member) -> int:
    """Delete every draft she has, in every round (she is withdrawing)."""
    return Draft.objects.filter(member=member).delete()[0]
