"""A round as a member takes part in it: the pinned pages, her ratings and comments.

The round page renders the pinned revision through the page type's consultation template;
the template tags in ``consultation_tags`` put her controls beside each item from the
``RoundPageContext`` this module puts in the template context. Every form posts to its own
view, which calls a service and redirects back on success; on bad input the round page is
rendered again with that one form bound, so she sees the message beside the field and
keeps what she typed.
"""

from dataclasses import dataclass
from functools import cached_property

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from consultations import selectors, services
from consultations.changes import (
    EarlierComments,
    PageComparison,
    earlier_comments,
    page_comparison,
    removed_items,
)
from consultations.charts import Chart, distribution_chart
from consultations.enums import RoundStatus, VersionKind
from consultations.forms import CommentChangeForm, CommentForm, CommentWithdrawForm, RatingForm
from consultations.models import (
    Comment,
    ConsultablePageMixin,
    ConsultationItem,
    Draft,
    Member,
    Rating,
    Round,
    RoundPage,
    round_page_items_load,
)
from consultations.results import (
    CONSTITUENCY_GROUPS,
    EVERYONE,
    ShownGroup,
    member_view,
    round_results_by_item,
)
from consultations.templatetags.consultation_tags import CONTEXT_KEY
from consultations.traceability import ChangedInResponse, changed_in_response_for
from consultations.views import fragments
from consultations.views.access import member_required
from consultations.views.care import draft_button, draft_button_handle, draft_offer
from consultations.views.limits import limit_reached, limit_status

FALLBACK_TEMPLATE = "consultations/includes/page_body.html"

LATE_MESSAGE = gettext_lazy(
    "The round had closed when this reached the research team. They have kept it, but it "
    "will not count in the results."
)
# A late change or withdrawal leaves the comment as it was, so it is not "not counted".
LATE_EDIT_MESSAGE = gettext_lazy(
    "The round had closed when your change reached the research team, so your comment "
    "stays as it was. The research team has your change."
)
LATE_RATING_CHANGE_MESSAGE = gettext_lazy(
    "The round had closed when your change reached the research team, so your rating "
    "stays as it was. The research team has your change."
)
LATE_WITHDRAWAL_MESSAGE = gettext_lazy(
    "The round had closed when your request reached the research team, so your comment "
    "stays as it was. The research team has your request to withdraw it."
)

Threads = dict[str, list[tuple[Comment, list[Comment]]]]


# Looking things up for her -------------------------------------------------------------


def round_get(request: HttpRequest, round_pk: int, *, sending: bool = False) -> Round:
    """The round, if she may see it; else 404, so a round she is not in stays unknown.

    What she sends (``sending``) may be for a round whose opening was moved later after
    she loaded the page: the service refuses it with a message, and her words are kept.
    """
    member: Member = request.member
    if not member.is_taking_part:
        raise Http404
    lookup = selectors.round_in_audience if sending else selectors.round_for_member
    round = lookup(member=member, pk=round_pk)
    if round is None:
        raise Http404
    return round


def round_page_or_404(round: Round, page_pk: int) -> RoundPage:
    for round_page in round.round_pages.all():
        if round_page.page_id == page_pk:
            return round_page
    raise Http404


def round_page_url(round_page: RoundPage, anchor: str = "") -> str:
    url = reverse(
        "consultations:round_page",
        kwargs={"round_pk": round_page.round_id, "page_pk": round_page.page_id},
    )
    return f"{url}#{anchor}" if anchor else url


def item_anchor(block_id: str) -> str:
    return f"item-{block_id}" if block_id else "page-comments"


# What the template tags render from ------------------------------------------------------


@dataclass
class BoundForm:
    """The one form she sent that needs fixing, and where it belongs on the page."""

    kind: str  # "rate", "comment" or "reply"
    key: str  # the item's block id ("" for the whole page), or the parent comment's pk
    form: forms.Form


@dataclass
class RoundPageContext:
    """The round page as she sees it. The template tags ask it for each item's controls."""

    request: HttpRequest
    round: Round
    round_page: RoundPage
    member: Member
    ratings: dict[str, Rating]
    threads: Threads
    bound: BoundForm | None = None
    # What changed since the earlier round she took part in, and her comments there.
    comparison: PageComparison | None = None
    earlier: EarlierComments | None = None
    # The earlier comments each item's change answers, as she may see them.
    responses: dict[str, ChangedInResponse] | None = None

    @cached_property
    def is_open(self) -> bool:
        return self.round.status == RoundStatus.OPEN

    @cached_property
    def drafts(self) -> dict[str, Draft] | None:
        """Her kept drafts, offered while the round is open (``views.care.draft_offer``)."""
        return selectors.drafts_of(member=self.member, round=self.round) if self.is_open else None

    @cached_property
    def items(self) -> dict[str, ConsultationItem]:
        return {item.block_id: item for item in self.round_page.items}

    def bound_form(self, kind: str, key: str) -> forms.Form | None:
        if self.bound and self.bound.kind == kind and self.bound.key == key:
            return self.bound.form
        return None

    @property
    def unplaced_rating_form(self) -> RatingForm | None:
        """A rating she sent for no item on this page, which the page shows on its own."""
        return self.bound_form("rate", "")

    @cached_property
    def action_rate(self) -> str:
        return reverse(
            "consultations:rate",
            kwargs={"round_pk": self.round.pk, "page_pk": self.round_page.page_id},
        )

    def rating_form(self, block_id: str) -> RatingForm:
        form = self.bound_form("rate", block_id) or RatingForm(
            round=self.round,
            member=self.member,
            initial={"block_id": block_id, **RatingForm.initial_for(self.ratings.get(block_id))},
            auto_id=f"rate-{block_id}-%s",
        )
        key = services.draft_key_rate(page_id=self.round_page.page_id, block_id=block_id)
        return draft_offer(form, drafts=self.drafts, key=key, text_field="reason")

    def comment_form(self, block_id: str) -> CommentForm:
        form = self.bound_form("comment", block_id) or CommentForm(
            member=self.member,
            initial={"block_id": block_id},
            auto_id=f"comment-{block_id or 'page'}-%s",
        )
        key = services.draft_key_comment(page_id=self.round_page.page_id, block_id=block_id)
        return draft_offer(form, drafts=self.drafts, key=key)

    def reply_form(self, comment: Comment) -> CommentForm:
        form = self.bound_form("reply", str(comment.pk)) or CommentForm(
            member=self.member,
            initial={"block_id": comment.block_id, "parent": comment.pk},
            auto_id=f"reply-{comment.pk}-%s",
        )
        key = services.draft_key_reply(parent_id=comment.pk)
        return draft_offer(form, drafts=self.drafts, key=key)

    def rating_label(self, rating: Rating | None) -> str:
        if rating is None:
            return ""
        if rating.score is not None:
            return self.round.scale.labels.get(rating.score, str(rating.score))
        return rating.get_abstention_display()

    @property
    def may_reply(self) -> bool:
        return self.is_open and self.round.comments_visible_to_members

    @cached_property
    def comment_html(self) -> dict[int, SafeString]:
        """Every comment on the page as she sees it, by id (``fragments``)."""
        comments = [
            comment
            for thread in self.threads.values()
            for top, replies in thread
            for comment in (top, *replies)
        ]
        return fragments.comment_fragments(
            comments, member=self.member, round=self.round, is_open=self.is_open
        )

    @cached_property
    def reply_prototype(self) -> fragments.ReplyFormPrototype:
        return fragments.ReplyFormPrototype(
            self.request,
            member=self.member,
            context=self.shared_context(),
            keeps_drafts=self.drafts is not None,
        )

    def thread_reply(self, comment: Comment) -> SafeString | None:
        """The form to reply to a comment, if she may; a reply she sent that was refused is
        shown again even if replies are no longer offered (the round's opening moved
        later), so her words survive."""
        if self.bound_form("reply", str(comment.pk)) is None:
            standing = not (comment.late or comment.is_withdrawn or comment.is_hidden)
            if not (self.may_reply and standing):
                return None
            key = services.draft_key_reply(parent_id=comment.pk)
            if not (self.drafts and key in self.drafts):
                return self.reply_prototype.render(comment)
        return fragments.reply_render(
            self.request,
            self.reply_form(comment),
            own=comment.author_id == self.member.pk,
            pseudonym=comment.author.pseudonym,
            context=self.shared_context(),
        )

    @cached_property
    def item_comment_prototype(self) -> fragments.ItemCommentFormPrototype:
        return fragments.ItemCommentFormPrototype(
            self.request,
            member=self.member,
            context=self.shared_context(),
            page_id=self.round_page.page_id,
            keeps_drafts=self.drafts is not None,
        )

    def item_comment(self, block_id: str, form: CommentForm) -> SafeString:
        """Her form to comment on an item: made from the page's copy unless it holds her
        draft or what she sent."""
        if form.is_bound or form.draft:
            return fragments.item_comment_render(self.request, form, context=self.shared_context())
        return self.item_comment_prototype.render(block_id)

    def thread_entries(self, block_id: str) -> list[dict]:
        html = self.comment_html
        return [
            {
                "comment_html": html[comment.pk],
                "replies_html": [html[reply.pk] for reply in replies],
                "reply": self.thread_reply(comment),
            }
            for comment, replies in self.threads.get(block_id, [])
        ]

    @cached_property
    def action_comment(self) -> str:
        return reverse(
            "consultations:comment",
            kwargs={"round_pk": self.round.pk, "page_pk": self.round_page.page_id},
        )

    def shared_context(self) -> dict:
        return {
            "round": self.round,
            "member": self.member,
            "is_open": self.is_open,
            "action_comment": self.action_comment,
        }

    @cached_property
    def rating_prototype(self) -> fragments.RatingFormPrototype:
        return fragments.RatingFormPrototype(
            self.request,
            member=self.member,
            round=self.round,
            action=self.action_rate,
            page_id=self.round_page.page_id,
            keeps_drafts=self.drafts is not None,
        )

    def item_rating(self, item: ConsultationItem) -> SafeString:
        """Her form to rate an item: made from the page's copy unless it holds her draft or
        what she sent."""
        block_id = item.block_id
        key = services.draft_key_rate(page_id=self.round_page.page_id, block_id=block_id)
        if self.bound_form("rate", block_id) is None and not (self.drafts and key in self.drafts):
            return self.rating_prototype.render(item, self.ratings.get(block_id))
        return fragments.rating_render(
            self.request,
            self.rating_form(block_id),
            item=item,
            action=self.action_rate,
            round=self.round,
        )

    def item_context(self, block_id: str) -> dict:
        item = self.items.get(block_id)
        if item is None:
            return {}
        rating = self.ratings.get(block_id)
        # A rating she sent after the round closed is shown again, so her reason survives.
        show_rating_form = self.is_open or self.bound_form("rate", block_id) is not None
        comment_form = self.comment_form(block_id)
        # A form she sent after the round closed is shown again, so her words survive.
        show_comment_form = self.is_open or comment_form.is_bound
        return {
            **self.shared_context(),
            "item": item,
            "rating": rating,
            "rating_label": self.rating_label(rating),
            "rating_form_html": self.item_rating(item) if show_rating_form else "",
            "comment_form": comment_form,
            "comment_form_html": (
                self.item_comment(block_id, comment_form) if show_comment_form else ""
            ),
            "show_rating_form": show_rating_form,
            "show_comment_form": show_comment_form,
            "threads": self.thread_entries(block_id),
            "action_rate": self.action_rate,
            **self.change_context(block_id),
        }

    def change_context(self, block_id: str) -> dict:
        if self.comparison is None or not self.comparison.is_compared:
            return {}
        return {
            "change": self.comparison.by_block_id.get(block_id),
            "earlier_round": self.comparison.earlier_round,
            "earlier_groups": self.earlier.on_item(block_id) if self.earlier else [],
            "responses": (self.responses or {}).get(block_id),
        }

    def page_context(self) -> dict:
        comment_form = self.comment_form("")
        return {
            **self.shared_context(),
            "comment_form": comment_form,
            "show_comment_form": self.is_open or comment_form.is_bound,
            "threads": self.thread_entries(""),
            "has_items": bool(self.items),
        }


def round_page_render(
    request: HttpRequest, *, round: Round, round_page: RoundPage, bound: BoundForm | None = None
) -> HttpResponse:
    member: Member = request.member
    comments = selectors.comments_visible_to(
        round=round, member=member, page_id=round_page.page_id
    )
    ratings = {
        block_id: rating
        for (page_id, block_id), rating in selectors.ratings_of(round=round, member=member).items()
        if page_id == round_page.page_id
    }
    comparison = page_comparison(round=round, round_page=round_page, member=member)
    responses = (
        changed_in_response_for(round=round, page_id=round_page.page_id, member=member)
        if comparison.is_compared
        else {}
    )
    consultation = RoundPageContext(
        request=request,
        round=round,
        round_page=round_page,
        member=member,
        ratings=ratings,
        threads=selectors.comment_threads(comments),
        bound=bound,
        comparison=comparison,
        earlier=earlier_comments(comparison=comparison, member=member),
        responses=responses,
    )
    removed = removed_items(comparison=comparison, earlier=consultation.earlier)
    page = round_page.pinned_page
    template = (
        page.consultation_template
        if isinstance(page, ConsultablePageMixin) and page.consultation_template
        else FALLBACK_TEMPLATE
    )
    return render(
        request,
        "consultations/round_page.html",
        {
            CONTEXT_KEY: consultation,
            "round": round,
            "round_page": round_page,
            "page": page,
            "body_template": template,
            "error_form": bound.form if bound else None,
            "is_closed": round.status == RoundStatus.CLOSED,
            "comparison": comparison if comparison.is_compared else None,
            "removed_items": removed,
            "removed_rows": [(item, responses.get(item.block_id)) for item in removed],
            "earlier_page_groups": consultation.earlier.on_page,
        },
    )


# The views -------------------------------------------------------------------------------


# Her own pages: no shared cache may keep a copy.
@never_cache
@member_required
def round_detail(request: HttpRequest, round_pk: int) -> HttpResponse:
    round = round_get(request, round_pk)
    return render(
        request,
        "consultations/round.html",
        {
            "round": round,
            "is_closed": round.status == RoundStatus.CLOSED,
            "results_shown": round.status == RoundStatus.CLOSED and round.members_see_results,
            "pages": selectors.round_pages_progress(round=round, member=request.member),
        },
    )


@never_cache
@member_required
def round_page(request: HttpRequest, round_pk: int, page_pk: int) -> HttpResponse:
    round = round_get(request, round_pk)
    return round_page_render(request, round=round, round_page=round_page_or_404(round, page_pk))


def saved_message(request: HttpRequest, *, late: bool, text: str) -> None:
    if late:
        messages.warning(request, LATE_MESSAGE)
    else:
        messages.success(request, text)


@member_required
@require_POST
@limit_status
def rate(request: HttpRequest, round_pk: int, page_pk: int) -> HttpResponse:
    round = round_get(request, round_pk, sending=True)
    round_page = round_page_or_404(round, page_pk)
    block_id = request.POST.get("block_id", "").strip()
    if round_page.has_item(block_id):
        bound_key, auto_id = block_id, f"rate-{block_id}-%s"
    else:
        # No item on the page can hold this form: it is shown at the top of the page, so
        # her reason is not lost with it.
        bound_key, auto_id = "", "rate-page-%s"
    form = RatingForm(request.POST, round=round, member=request.member, auto_id=auto_id)
    draft_key = services.draft_key_rate(page_id=round_page.page_id, block_id=block_id)
    if button := draft_button(request):
        if draft_button_handle(
            request, round=round, form=form, form_key=draft_key, button=button, text_field="reason"
        ):
            return HttpResponseRedirect(round_page_url(round_page, item_anchor(block_id)))
    elif form.is_valid() and not limit_reached(request, kind="rating", form=form):
        try:
            version = services.rating_set(
                round=round,
                member=request.member,
                page_id=round_page.page_id,
                block_id=block_id,
                form_token=form.cleaned_data["form_token"],
                **form.rating_arguments(),
            )
        except ValidationError as error:
            form.add_service_error(error)
        except services.AlreadySaved as saved:
            # The same form sent again (a double click, a resent page): not her mistake.
            services.draft_discard(round=round, member=request.member, form_key=draft_key)
            messages.success(request, _("Your rating was already saved."))
            anchor = item_anchor(saved.version.rating.block_id)
            return HttpResponseRedirect(round_page_url(round_page, anchor))
        else:
            services.draft_discard(round=round, member=request.member, form_key=draft_key)
            item = next(item for item in round_page.items if item.block_id == block_id)
            if version.late and version.kind == VersionKind.EDITED:
                messages.warning(request, LATE_RATING_CHANGE_MESSAGE)
            else:
                saved_message(
                    request,
                    late=version.late,
                    text=_("Your rating of requirement %(number)s is saved.")
                    % {"number": item.number},
                )
            return HttpResponseRedirect(round_page_url(round_page, item_anchor(block_id)))
    return round_page_render(
        request, round=round, round_page=round_page, bound=BoundForm("rate", bound_key, form)
    )


@member_required
@require_POST
@limit_status
def comment(request: HttpRequest, round_pk: int, page_pk: int) -> HttpResponse:
    round = round_get(request, round_pk, sending=True)
    round_page = round_page_or_404(round, page_pk)
    form = CommentForm(request.POST, member=request.member)
    form_is_valid = form.is_valid()
    if form.errors.keys() & {"block_id", "parent"}:
        # Malformed hidden fields come only from editing the page.
        raise Http404
    parent = None
    if parent_pk := form.cleaned_data["parent"]:
        parent = (
            selectors.comments_visible_to(round=round, member=request.member, page_id=page_pk)
            .filter(pk=parent_pk)
            .first()
        )
        if parent is None:
            raise Http404
    block_id = parent.block_id if parent else form.cleaned_data["block_id"]
    if parent is not None:
        bound = BoundForm("reply", str(parent.pk), form)
        form.auto_id = f"reply-{parent.pk}-%s"
    elif block_id and not round_page.has_item(block_id):
        # The item is gone from the page she sees: her words go back in the page's box.
        bound = BoundForm("comment", "", form)
        form.auto_id = "comment-page-%s"
    else:
        bound = BoundForm("comment", block_id, form)
        form.auto_id = f"comment-{block_id or 'page'}-%s"
    draft_key = (
        services.draft_key_reply(parent_id=parent.pk)
        if parent
        else services.draft_key_comment(
            page_id=round_page.page_id, block_id=form.cleaned_data["block_id"]
        )
    )
    if button := draft_button(request):
        if draft_button_handle(request, round=round, form=form, form_key=draft_key, button=button):
            anchor = f"comment-{parent.pk}" if parent else item_anchor(block_id)
            return HttpResponseRedirect(round_page_url(round_page, anchor))
        return round_page_render(request, round=round, round_page=round_page, bound=bound)
    if not form_is_valid:  # the form is out of date: her words go back in the box
        return round_page_render(request, round=round, round_page=round_page, bound=bound)
    if limit_reached(request, kind="comment", form=form):
        return round_page_render(request, round=round, round_page=round_page, bound=bound)
    try:
        version = services.comment_post(
            round=round,
            member=request.member,
            page_id=round_page.page_id,
            block_id=block_id,
            body=form.cleaned_data["body"],
            quote=form.cleaned_data["quote"],
            parent=parent,
            form_token=form.cleaned_data["form_token"],
        )
    except ValidationError as error:
        form.add_service_error(error)
        return round_page_render(request, round=round, round_page=round_page, bound=bound)
    except services.AlreadySaved as saved:
        # The same form sent again (a double click, a resent page): she is shown the
        # comment the first one stored, and nothing is stored twice.
        services.draft_discard(round=round, member=request.member, form_key=draft_key)
        messages.success(
            request,
            _("Your reply was already saved.") if parent else _("Your comment was already saved."),
        )
        anchor = f"comment-{saved.version.comment_id}"
        return HttpResponseRedirect(round_page_url(round_page, anchor))
    services.draft_discard(round=round, member=request.member, form_key=draft_key)
    saved_message(
        request,
        late=version.late,
        text=_("Your reply is saved.") if parent else _("Your comment is saved."),
    )
    return HttpResponseRedirect(round_page_url(round_page, f"comment-{version.comment_id}"))


def own_comment_get(request: HttpRequest, round: Round, comment_pk: int) -> Comment:
    comment = selectors.own_comment(round=round, member=request.member, pk=comment_pk)
    if comment is None:
        raise Http404
    return comment


def comment_context(round: Round, comment: Comment) -> dict:
    round_page = round_page_or_404(round, comment.page_id)
    item = next((i for i in round_page.items if i.block_id == comment.block_id), None)
    return {
        "round": round,
        "round_page": round_page,
        "comment": comment,
        "item": item,
        "is_open": round.status == RoundStatus.OPEN,
        "is_closed": round.status == RoundStatus.CLOSED,
        "back_url": round_page_url(round_page, f"comment-{comment.pk}"),
    }


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
@limit_status
def comment_edit(request: HttpRequest, round_pk: int, comment_pk: int) -> HttpResponse:
    round = round_get(request, round_pk, sending=request.method == "POST")
    comment = own_comment_get(request, round, comment_pk)
    context = comment_context(round, comment)
    changed_elsewhere = False
    draft_key = services.draft_key_edit(comment_id=comment.pk)
    if request.method == "POST":
        form = CommentChangeForm(request.POST)
        if button := draft_button(request):
            if draft_button_handle(
                request, round=round, form=form, form_key=draft_key, button=button
            ):
                return HttpResponseRedirect(request.get_full_path())
        # Each change keeps a version, so changes count with new comments.
        elif form.is_valid() and not limit_reached(request, kind="comment", form=form):
            try:
                version = services.comment_edit(
                    comment=comment,
                    member=request.member,
                    body=form.cleaned_data["body"],
                    quote=form.cleaned_data["quote"],
                    started_from=form.started_from(),
                )
            except ValidationError as error:
                form.add_service_error(error)
                # Another tab may have changed or withdrawn it: she is shown it as it is.
                comment.refresh_from_db()
                if changed_elsewhere := isinstance(error, services.CommentChanged):
                    form.restart_from(selectors.comment_newest_version_pk(comment))
            except services.AlreadySaved:
                services.draft_discard(round=round, member=request.member, form_key=draft_key)
                messages.success(request, _("Your change was already saved."))
                return HttpResponseRedirect(context["back_url"])
            else:
                services.draft_discard(round=round, member=request.member, form_key=draft_key)
                if version.late:
                    messages.warning(request, LATE_EDIT_MESSAGE)
                else:
                    messages.success(request, _("Your comment is changed."))
                return HttpResponseRedirect(context["back_url"])
    else:
        form = CommentChangeForm(
            initial={"body": comment.body, "quote": comment.quote},
            started_from=selectors.comment_newest_version_pk(comment),
        )
    keeps_drafts = context["is_open"] and not comment.is_withdrawn
    drafts = selectors.drafts_of(member=request.member, round=round) if keeps_drafts else None
    draft_offer(form, drafts=drafts, key=draft_key)
    return render(
        request,
        "consultations/comment_edit.html",
        {**context, "form": form, "changed_elsewhere": changed_elsewhere},
    )


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def comment_withdraw(request: HttpRequest, round_pk: int, comment_pk: int) -> HttpResponse:
    round = round_get(request, round_pk, sending=request.method == "POST")
    comment = own_comment_get(request, round, comment_pk)
    context = comment_context(round, comment)
    if request.method == "POST":
        form = CommentWithdrawForm(request.POST)
    else:
        form = CommentWithdrawForm(started_from=selectors.comment_newest_version_pk(comment))
    if request.method == "POST":
        try:
            version = services.comment_withdraw(
                comment=comment, member=request.member, started_from=form.started_from()
            )
        except ValidationError as error:
            form.add_service_error(error)
            # She withdraws the words she has seen: the page shows them as they are now.
            comment.refresh_from_db()
            if isinstance(error, services.CommentChanged):
                form.restart_from(selectors.comment_newest_version_pk(comment))
        else:
            # A change she was typing to it has no comment to change any more.
            draft_key = services.draft_key_edit(comment_id=comment.pk)
            services.draft_discard(round=round, member=request.member, form_key=draft_key)
            if version.late:
                messages.warning(request, LATE_WITHDRAWAL_MESSAGE)
            else:
                messages.success(request, _("Your comment is withdrawn."))
            return HttpResponseRedirect(context["back_url"])
    return render(request, "consultations/comment_withdraw.html", {**context, "form": form})


@dataclass(frozen=True)
class ItemResultsForHer:
    """One item of a closed round as she sees its results: the groups she may see, with
    charts, and her own rating."""

    item: ConsultationItem
    groups: list[tuple[ShownGroup, Chart | None]]
    rating: Rating | None
    rating_label: str
    divergence: str

    @property
    def is_marked(self) -> bool:
        """Her score is outlined in a chart shown to her."""
        return any(chart and any(bar.is_own for bar in chart.bars) for _, chart in self.groups)


def results_for_her(round: Round, member: Member) -> list[tuple[RoundPage, list]]:
    by_item = round_results_by_item(round)
    ratings = selectors.ratings_of(round=round, member=member)
    scale = round.scale
    # Her score counts in everyone's figures and her constituency's, not the other's.
    her_groups = {EVERYONE, CONSTITUENCY_GROUPS[member.constituency]}
    pages = []
    round_pages = sorted(round.round_pages.all(), key=lambda rp: rp.sort_order or 0)
    round_page_items_load(round_pages)
    for round_page in round_pages:
        entries = []
        for item in round_page.items:
            key = (round_page.page_id, item.block_id)
            result = by_item[key]
            rating = ratings.get(key)
            # Her own score is marked only where it counted.
            own = rating.score if rating is not None and not rating.late else None
            shown = member_view(result, audience=round.audience)
            groups = [
                (
                    group,
                    None
                    if group.too_few or not group.result.n
                    else distribution_chart(
                        group.result,
                        scale=scale,
                        id=f"chart-{item.block_id}-{group.name}",
                        own_score=own if group.name in her_groups else None,
                    ),
                )
                for group in shown
            ]
            # Which group agreed only where both are shown.
            divergence = "" if any(group.too_few for group in shown) else result.divergence
            label = scale.labels.get(rating.score, "") if rating and rating.score else ""
            entries.append(ItemResultsForHer(item, groups, rating, str(label), divergence))
        pages.append((round_page, entries))
    return pages


@never_cache
@member_required
def round_results(request: HttpRequest, round_pk: int) -> HttpResponse:
    """The group's results, once the round has closed and if it shares them. Before that,
    or if it does not, there is nothing here yet: a 404, whose page tells her why."""
    round = round_get(request, round_pk)
    if round.status != RoundStatus.CLOSED or not round.members_see_results:
        return render(
            request, "consultations/results_not_shown.html", {"round": round}, status=404
        )
    return render(
        request,
        "consultations/results.html",
        {
            "round": round,
            "scale": round.scale,
            "pages": results_for_her(round, request.member),
            "min_group_size": settings.CONSULTATIONS_MIN_GROUP_SIZE,
        },
    )
