"""The research team's view of what changed in a round's pages since the round it follows,
with the earlier rounds' comments on each item, so they can check each one is answered;
and where those with the moderation permission link each change to the comments it
answers ("changed in response to").

Members appear by pseudonym only: nothing here needs a real identity.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from wagtail.admin import messages

from consultations.admin_round_views import RoundAdminView
from consultations.changes import (
    EarlierComments,
    ItemComparison,
    PageComparison,
    RemovedItem,
    RoundComments,
    earlier_comments,
    removed_items,
    round_comparisons,
)
from consultations.models import ChangeResponse, Comment, Round, RoundPage
from consultations.moderation_views import comment_permission_policy
from consultations.permissions import MODERATE_PERMISSION
from consultations.selectors import round_pages_pinned
from consultations.services import change_responses_set
from consultations.traceability import link_choices, links_of, you_said_we_did


@dataclass
class PageChanges:
    """One page of the round for the research team: its items, then the items removed,
    then the comments on the whole page, each with the earlier comments on it."""

    round_page: RoundPage
    comparison: PageComparison
    earlier: EarlierComments
    removed: list[RemovedItem]
    # The earlier comments a change may answer, and the links made, by item.
    choices: list[Comment] = field(default_factory=list)
    links: dict[str, list[ChangeResponse]] = field(default_factory=dict)

    @property
    def rows(self) -> list[tuple[ItemComparison, list[RoundComments], "LinkRow | None"]]:
        """Each item read now, with the earlier comments on it and, if its text changed or
        it is new, the comments its change answers."""
        return [
            (
                item,
                self.earlier.on_item(item.block_id),
                None if item.is_unchanged else self.link_row(item.block_id),
            )
            for item in self.comparison.items
        ]

    @property
    def removed_rows(self) -> list[tuple[RemovedItem, "LinkRow"]]:
        return [(removed, self.link_row(removed.block_id)) for removed in self.removed]

    def link_row(self, block_id: str) -> "LinkRow":
        return LinkRow(
            page_id=self.round_page.page_id,
            block_id=block_id,
            links=self.links.get(block_id, []),
            choices=self.choices,
        )


@dataclass
class LinkRow:
    """The comments one item's change answers, and those it may be linked to."""

    page_id: int
    block_id: str
    links: list[ChangeResponse]
    choices: list[Comment]

    @property
    def linked_ids(self) -> set[int]:
        return {link.comment_id for link in self.links}

    @property
    def options(self) -> list[tuple[Comment, bool]]:
        linked = self.linked_ids
        return [(comment, comment.pk in linked) for comment in self.choices]


def round_changes(round: Round, *, with_comments: bool) -> list[PageChanges]:
    """Each page of the round against the nearest earlier round covering it; the earlier
    comments (everyone's, withdrawn ones left out), and the changes linked to them, only
    when asked for."""
    round_pages = round_pages_pinned(round)
    comparisons = round_comparisons(round=round, round_pages=round_pages)
    links = links_of(round) if with_comments else {}
    pages = []
    for round_page in round_pages:
        comparison = comparisons[round_page.page_id]
        earlier = (
            earlier_comments(comparison=comparison)
            if with_comments
            else EarlierComments(by_block_id={})
        )
        pages.append(
            PageChanges(
                round_page=round_page,
                comparison=comparison,
                earlier=earlier,
                removed=removed_items(comparison=comparison, earlier=earlier),
                choices=link_choices(comparison) if with_comments else [],
                links={
                    block_id: page_links
                    for (page_id, block_id), page_links in links.items()
                    if page_id == round_page.page_id
                },
            )
        )
    return pages


class RoundChangesView(RoundAdminView):
    template_name = "consultations/admin/round_changes.html"
    page_title = gettext_lazy("Changes and earlier comments")
    header_icon = "clipboard-list"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            pages=round_changes(self.object, with_comments=True),
            may_link=self.request.user.has_perm(MODERATE_PERMISSION),
            action_url=reverse("rounds:changes", args=[self.object.pk]),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Link one item's change to the earlier comments ticked, unlinking the others."""
        if not request.user.has_perm(MODERATE_PERMISSION):
            raise PermissionDenied
        url = reverse("rounds:changes", args=[self.object.pk])
        page_id, block_id = request.POST.get("page", ""), request.POST.get("block_id", "")
        if not page_id.isdecimal() or len(page_id) > 18:
            messages.error(request, _("Nothing was saved: the form was not for a page."))
            return redirect(url)
        comment_ids = [
            int(pk)
            for pk in request.POST.getlist("comments")[:1000]
            if pk.isdecimal() and len(pk) <= 18
        ]
        try:
            linked, unlinked = change_responses_set(
                round=self.object,
                page_id=int(page_id),
                block_id=block_id[:64],
                comment_ids=comment_ids,
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(url)
        if not linked and not unlinked:
            messages.success(request, _("The links were already as you left them."))
        else:
            parts = []
            if linked:
                parts.append(
                    ngettext(
                        "Linked to %(count)s earlier comment.",
                        "Linked to %(count)s earlier comments.",
                        len(linked),
                    )
                    % {"count": len(linked)}
                )
            if unlinked:
                parts.append(
                    ngettext(
                        "Unlinked from %(count)s earlier comment.",
                        "Unlinked from %(count)s earlier comments.",
                        len(unlinked),
                    )
                    % {"count": len(unlinked)}
                )
            messages.success(request, " ".join(parts))
        return redirect(f"{url}#links-{page_id}-{block_id[:64]}")


class RoundYouSaidWeDidView(RoundAdminView):
    """The round's "you said, we did" page as members or the public would read it, whether
    or not it is published, with a note of who may read it. It shows members' words, so it
    is for the editors who may read the moderation queue."""

    permission_policy = comment_permission_policy
    template_name = "consultations/admin/round_you_said_we_did.html"
    page_title = gettext_lazy("You said, we did")
    header_icon = "comment"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        round = self.object
        context.update(
            round=round,
            pages=you_said_we_did(round),
            show_pseudonyms=round.you_said_we_did_pseudonyms,
            published_url=(
                reverse("consultations:you_said_we_did", args=[round.pk])
                if round.you_said_we_did_published
                else ""
            ),
            edit_url=reverse("rounds:edit", args=[round.pk]),
            inspect_url=reverse("rounds:inspect", args=[round.pk]),
        )
        return context
