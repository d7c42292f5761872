"""The parts of the round page repeated for every comment, made cheaply.

A busy page has hundreds of comments, each with a form to reply. Rendering each through
the template engine was nearly all of the page's time, so:

- each comment's HTML is kept in the cache, all of a page's fetched in one round trip and
  the missing ones stored in another. A fragment's key is a digest of everything the
  comment's templates read (its words, answer, moderation state, author's pseudonym,
  whether it is the reader's own, whether the round is open, the language, time zone and
  the templates themselves), so any change is a new key and nothing needs deleting; her
  own comment's fragment, with "You" and her links to change it, has a key no one else's
  page can make.
- every reply form on a page is the same form but for its comment, item, one-time token
  and the name in its summary: :class:`ReplyFormPrototype` renders it once through the
  same templates with markers in those places, and each comment's copy fills them in.
  The form to comment on an item is made the same way (:class:`ItemCommentFormPrototype`),
  and so is the form to rate an item (:class:`RatingFormPrototype`), whose copies also fill
  in her current rating and reason.
"""

import hashlib
import re
from collections.abc import Iterable
from functools import cache, cached_property

from django.core.cache import cache as default_cache
from django.http import HttpRequest
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from consultations import form_tokens, services
from consultations.forms import CommentForm, RatingForm
from consultations.models import Comment, ConsultationItem, Member, Rating, Round

COMMENT_TEMPLATE = "consultations/includes/comment.html"
# Every template the comment's HTML comes from: a change to any of them is a new key.
COMMENT_TEMPLATES = (
    COMMENT_TEMPLATE,
    "consultations/includes/answer.html",
    "consultations/includes/entered_for_her.html",
)
REPLY_TEMPLATE = "consultations/includes/reply_form.html"
ITEM_COMMENT_TEMPLATE = "consultations/includes/item_comment_form.html"
RATING_TEMPLATE = "consultations/includes/rating_form.html"
# Long enough for a round's readers to share them; unused ones (an edited comment's old
# words) leave the cache by themselves.
COMMENT_FRAGMENT_SECONDS = 24 * 60 * 60


@cache
def _templates_digest() -> str:
    sources = "\x00".join(get_template(name).template.source for name in COMMENT_TEMPLATES)
    return hashlib.sha256(sources.encode()).hexdigest()[:16]


def comment_fragment_key(comment: Comment, *, member: Member, round: Round, is_open: bool) -> str:
    """The cache key of the comment as this member sees it: a digest of what it shows."""
    parts = (
        _templates_digest(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        round.pk,
        is_open,
        comment.author_id == member.pk,
        comment.pk,
        comment.parent_id,
        comment.author.pseudonym,
        comment.created_at.isoformat(),
        comment.edited_at.isoformat() if comment.edited_at else "",
        comment.late,
        comment.withdrawn_at is not None,
        comment.hidden_at is not None,
        comment.hidden_reason,
        comment.entered_via,
        comment.quote,
        comment.body,
        comment.answer_status,
        comment.answer,
        # Annotated by selectors.comments_visible_to, for her own comments only.
        getattr(comment, "late_edit", False),
        getattr(comment, "late_withdrawal", False),
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"consultations:comment:{digest}"


def comment_fragments(
    comments: Iterable[Comment], *, member: Member, round: Round, is_open: bool
) -> dict[int, SafeString]:
    """Each comment's HTML as she sees it, by comment id, from the cache where it is kept."""
    keys = {
        comment_fragment_key(comment, member=member, round=round, is_open=is_open): comment
        for comment in comments
    }
    found = default_cache.get_many(list(keys))
    made = {
        key: render_to_string(
            COMMENT_TEMPLATE,
            {"comment": comment, "member": member, "round": round, "is_open": is_open},
        )
        for key, comment in keys.items()
        if key not in found
    }
    if made:
        default_cache.set_many(made, timeout=COMMENT_FRAGMENT_SECONDS)
    return {
        comment.pk: mark_safe(found.get(key) or made[key])  # noqa: S308 (rendered above)
        for key, comment in keys.items()
    }


# NUL cannot be stored in PostgreSQL text, nor is it changed by escaping, so no stored words
# and no escaped value can contain a marker.
PARENT = "\x00parent\x00"
BLOCK_ID = "\x00block\x00"
FORM_TOKEN = "\x00token\x00"  # noqa: S105 (a marker, not a secret)
PSEUDONYM = "\x00pseudonym\x00"
NUMBER = "\x00number\x00"
REASON = "\x00reason\x00"
# Every marker is a word between two NULs; a value missing for one is a KeyError, not a
# marker left in the page.
MARKERS = re.compile("\x00[a-z0-9]+\x00")


def checked_marker(index: int) -> str:
    """Where the radio button of the rating scale's ``index``th choice says it is checked."""
    return f"\x00checked{index}\x00"


def reply_render(
    request: HttpRequest, form: CommentForm, *, own: bool, pseudonym: str, context: dict
) -> SafeString:
    """The reply form under a comment (``own`` if hers; else by ``pseudonym``), in full."""
    return render_to_string(
        REPLY_TEMPLATE,
        {**context, "form": form, "own": own, "pseudonym": pseudonym},
        request=request,
    )


class ReplyFormPrototype:
    """The page's reply forms, rendered once for her own comments and once for others'.

    Only an empty form is made this way; one that holds her draft or comes back with an
    error is rendered in full (``reply_render``).
    """

    def __init__(
        self, request: HttpRequest, *, member: Member, context: dict, keeps_drafts: bool
    ) -> None:
        self.request = request
        self.member = member
        self.context = context
        self.keeps_drafts = keeps_drafts
        self._rendered: dict[tuple[bool, bool], str] = {}
        self.token_issue = form_tokens.form_token_issuer(
            member_pk=member.pk, purpose=form_tokens.COMMENT
        )

    def _prototype(self, *, own: bool, on_item: bool) -> str:
        # An empty block id (a comment on the whole page) renders no value attribute.
        if (own, on_item) not in self._rendered:
            form = CommentForm(
                member=self.member,
                initial={
                    "block_id": BLOCK_ID if on_item else "",
                    "parent": PARENT,
                    "form_token": FORM_TOKEN,
                },
                auto_id=f"reply-{PARENT}-%s",
            )
            # As views.care.draft_offer marks a form that has no draft.
            keeps = self.keeps_drafts
            form.draft_key = services.draft_key_reply(parent_id=PARENT) if keeps else ""
            form.draft = None
            self._rendered[own, on_item] = reply_render(
                self.request,
                form,
                own=own,
                pseudonym=self.member.pseudonym if own else PSEUDONYM,
                context=self.context,
            )
        return self._rendered[own, on_item]

    def render(self, comment: Comment) -> SafeString:
        values = {
            PARENT: str(comment.pk),
            BLOCK_ID: escape(comment.block_id),
            FORM_TOKEN: escape(self.token_issue()),
            PSEUDONYM: escape(comment.author.pseudonym),
        }
        prototype = self._prototype(
            own=comment.author_id == self.member.pk, on_item=bool(comment.block_id)
        )
        return markers_fill(prototype, values)


def markers_fill(prototype: str, values: dict[str, str]) -> SafeString:
    """A copy of a form rendered with markers, with each marker replaced by its (escaped)
    value in one pass, so that no value is read for markers in turn."""
    return mark_safe(  # noqa: S308 (rendered by the template engine; values escaped)
        MARKERS.sub(lambda marker: values[marker[0]], prototype)
    )


def item_comment_render(request: HttpRequest, form: CommentForm, *, context: dict) -> SafeString:
    """Her form to comment on one item, in full."""
    return render_to_string(ITEM_COMMENT_TEMPLATE, {**context, "form": form}, request=request)


class ItemCommentFormPrototype:
    """The page's forms to comment on an item, which differ only by the item and token.

    As with replies, a form that holds her draft or comes back with an error is rendered in
    full (``item_comment_render``).
    """

    def __init__(
        self,
        request: HttpRequest,
        *,
        member: Member,
        context: dict,
        page_id: int,
        keeps_drafts: bool,
    ) -> None:
        self.request = request
        self.member = member
        self.context = context
        self.page_id = page_id
        self.keeps_drafts = keeps_drafts
        self.token_issue = form_tokens.form_token_issuer(
            member_pk=member.pk, purpose=form_tokens.COMMENT
        )

    @cached_property
    def _prototype(self) -> str:
        form = CommentForm(
            member=self.member,
            initial={"block_id": BLOCK_ID, "form_token": FORM_TOKEN},
            auto_id=f"comment-{BLOCK_ID}-%s",
        )
        keeps = self.keeps_drafts
        form.draft_key = (
            services.draft_key_comment(page_id=self.page_id, block_id=BLOCK_ID) if keeps else ""
        )
        form.draft = None
        return item_comment_render(self.request, form, context=self.context)

    def render(self, block_id: str) -> SafeString:
        values = {BLOCK_ID: escape(block_id), FORM_TOKEN: escape(self.token_issue())}
        return markers_fill(self._prototype, values)


def rating_render(
    request: HttpRequest, form: RatingForm, *, item: object, action: str, round: Round
) -> SafeString:
    """Her form to rate one item, in full."""
    return render_to_string(
        RATING_TEMPLATE,
        {"round": round, "item": item, "form": form, "action": action},
        request=request,
    )


class RatingFormPrototype:
    """The page's forms to rate an item, which differ only by the item, the token, and her
    current rating: which choice is checked and the reason she gave.

    A form that holds her draft or comes back with an error is rendered in full
    (``rating_render``), and so is every form if the copy cannot show which choice is hers.
    """

    def __init__(
        self,
        request: HttpRequest,
        *,
        member: Member,
        round: Round,
        action: str,
        page_id: int,
        keeps_drafts: bool,
    ) -> None:
        self.request = request
        self.member = member
        self.round = round
        self.action = action
        self.page_id = page_id
        self.keeps_drafts = keeps_drafts
        self.token_issue = form_tokens.form_token_issuer(
            member_pk=member.pk, purpose=form_tokens.RATING
        )

    def form(self, *, block_id: str, initial: dict) -> RatingForm:
        form = RatingForm(
            round=self.round,
            member=self.member,
            initial={"block_id": block_id, **initial},
            auto_id=f"rate-{block_id}-%s",
        )
        keeps = self.keeps_drafts
        form.draft_key = (
            services.draft_key_rate(page_id=self.page_id, block_id=block_id) if keeps else ""
        )
        form.draft = None
        return form

    @cached_property
    def _prototype(self) -> tuple[str, list[str]] | None:
        """The form rendered with no choice checked, a marker where each choice's radio
        button would say it is checked, and the choices' values in order; None if the
        radio buttons are not where they are looked for."""
        form = self.form(block_id=BLOCK_ID, initial={"reason": REASON, "form_token": FORM_TOKEN})
        html = rating_render(
            self.request, form, item={"number": NUMBER}, action=self.action, round=self.round
        )
        choices = [str(value) for value, _label in form.fields["choice"].widget.choices]
        for index, radio in enumerate(form["choice"]):
            # Each radio button is "<input ... id=... value=...>", with " checked" before
            # the ">" when it is hers (rating_form.html).
            id_attribute = f'id="{radio.id_for_label}"'
            start = html.find(f'<input class="nhsuk-radios__input" {id_attribute}')
            if start < 0 or html.count(id_attribute) != 1:
                return None
            end = html.index(">", start)
            html = f"{html[:end]}{checked_marker(index)}{html[end:]}"
        return html, choices

    def render(self, item: ConsultationItem, rating: Rating | None) -> SafeString:
        initial = RatingForm.initial_for(rating)
        if self._prototype is None:
            form = self.form(block_id=item.block_id, initial=initial)
            return rating_render(
                self.request, form, item=item, action=self.action, round=self.round
            )
        prototype, choices = self._prototype
        # As the radio widget checks the choice equal to her rating, and none if none is.
        chosen = initial.get("choice")
        values = {
            BLOCK_ID: escape(item.block_id),
            FORM_TOKEN: escape(self.token_issue()),
            NUMBER: escape(item.number),
            REASON: escape(initial.get("reason") or ""),
            **{
                checked_marker(index): " checked" if value == chosen else ""
                for index, value in enumerate(choices)
            },
        }
        return markers_fill(prototype, values)
