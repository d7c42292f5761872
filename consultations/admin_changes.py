"""The research team's view of what changed in a round's pages since the round it follows,
with the earlier rounds' comments on each item, so they can check each one is answered.

Members appear by pseudonym only: nothing here needs a real identity.
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

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
from consultations.models import Round, RoundPage
from consultations.selectors import round_pages_pinned


@dataclass
class PageChanges:
    """One page of the round for the research team: its items, then the items removed,
    then the comments on the whole page, each with the earlier comments on it."""

    round_page: RoundPage
    comparison: PageComparison
    earlier: EarlierComments
    removed: list[RemovedItem]

    @property
    def rows(self) -> list[tuple[ItemComparison, list[RoundComments]]]:
        return [(item, self.earlier.on_item(item.block_id)) for item in self.comparison.items]


def round_changes(round: Round, *, with_comments: bool) -> list[PageChanges]:
    """Each page of the round against the nearest earlier round covering it; the earlier
    comments (everyone's, withdrawn ones left out) only when asked for."""
    round_pages = round_pages_pinned(round)
    comparisons = round_comparisons(round=round, round_pages=round_pages)
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
            )
        )
    return pages


class RoundChangesView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    model = Round
    permission_required = "view"
    template_name = "consultations/admin/round_changes.html"
    page_title = gettext_lazy("Changes and earlier comments")
    header_icon = "clipboard-list"
    index_url_name = "rounds:index"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Round, pk=kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(Round._meta.verbose_name_plural),
            },
            {"url": reverse("rounds:inspect", args=[self.object.pk]), "label": str(self.object)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            round=self.object,
            pages=round_changes(self.object, with_comments=True),
            inspect_url=reverse("rounds:inspect", args=[self.object.pk]),
        )
        return context
