"""The research team's results of a round: for each item, grouped by page, the figures for
everyone, service users and professionals side by side, a bar chart of each group's
ratings, the consensus outcome, and for a round that follows another the change since.
Sorted on the server (``?sort=``), so it works without JavaScript.

Nothing here names a member: results are counts. Editors see every group, however small.
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from consultations.admin_round_views import RoundAdminView
from consultations.charts import Chart, distribution_chart
from consultations.enums import Consensus
from consultations.models import Round, RoundPage
from consultations.results import (
    GROUP_LABELS,
    GROUPS,
    EarlierResult,
    GroupResult,
    ItemResult,
    earlier_results,
    round_results,
)
from consultations.selectors import round_pages_pinned

SORT_CONSENSUS = "consensus"
SORTS = ("", SORT_CONSENSUS, f"-{SORT_CONSENSUS}")
# Consensus to include first, then none, then to exclude; within each, more agreement
# first.
CONSENSUS_ORDER = {Consensus.IN: 0, Consensus.NONE: 1, Consensus.OUT: 2}


@dataclass(frozen=True)
class GroupRow:
    name: str
    label: str
    result: GroupResult
    chart: Chart


@dataclass(frozen=True)
class ItemRow:
    result: ItemResult
    groups: tuple[GroupRow, ...]
    earlier: EarlierResult | None


@dataclass(frozen=True)
class PageRows:
    round_page: RoundPage
    rows: list[ItemRow]


def consensus_sort_key(row: ItemRow) -> tuple[int, float]:
    everyone = row.result.everyone
    return (CONSENSUS_ORDER[everyone.consensus], -(everyone.agreement_share or 0))


def results_by_page(round: Round, *, sort: str = "") -> list[PageRows]:
    results = round_results(round)
    earlier = earlier_results(round, [result.key for result in results])
    scale = round.scale
    pages = []
    for round_page in round_pages_pinned(round):
        rows = [
            ItemRow(
                result=result,
                groups=tuple(
                    GroupRow(
                        name=group,
                        label=GROUP_LABELS[group],
                        result=result.group(group),
                        chart=distribution_chart(
                            result.group(group),
                            scale=scale,
                            id=f"chart-{result.page_id}-{result.block_id}-{group}",
                        ),
                    )
                    for group in GROUPS
                ),
                earlier=earlier.get(result.key),
            )
            for result in results
            if result.page_id == round_page.page_id
        ]
        if sort.lstrip("-") == SORT_CONSENSUS:
            # Stable: items alike keep their order on the page.
            rows.sort(key=consensus_sort_key, reverse=sort.startswith("-"))
        pages.append(PageRows(round_page=round_page, rows=rows))
    return pages


class RoundResultsView(RoundAdminView):
    template_name = "consultations/admin/round_results.html"
    page_title = gettext_lazy("Results")
    header_icon = "table"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        sort = request.GET.get("sort", "")
        self.sort = sort if sort in SORTS else ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        url = reverse("rounds:results", args=[self.object.pk])
        next_sort = {"": SORT_CONSENSUS, SORT_CONSENSUS: f"-{SORT_CONSENSUS}"}.get(self.sort, "")
        context.update(
            scale=self.object.scale,
            pages=results_by_page(self.object, sort=self.sort),
            sort=self.sort,
            sort_consensus_url=f"{url}?sort={next_sort}" if next_sort else url,
            sort_items_url=url,
        )
        return context
