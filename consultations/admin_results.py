"""The research team's results of a round: for each item, grouped by page, the figures for
everyone, service users and professionals side by side, a bar chart of each group's
ratings, the consensus outcome, and for a round that follows another the change since.
Sorted on the server (``?sort=``), so it works without JavaScript.

Nothing here names a member: results are counts. Editors see every group, however small.
"""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
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
from consultations.results_cache import results_generation, results_table_kept
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
    consensus_label: str


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
    # Translated once, not once for each of hundreds of rows.
    labels = {group: str(label) for group, label in GROUP_LABELS.items()}
    consensus_labels = {consensus: str(consensus.label) for consensus in Consensus}
    pages = []
    for round_page in round_pages_pinned(round):
        rows = [
            ItemRow(
                result=result,
                groups=tuple(
                    GroupRow(
                        name=group,
                        label=labels[group],
                        result=result.group(group),
                        chart=distribution_chart(
                            result.group(group),
                            scale=scale,
                            id=f"chart-{result.page_id}-{result.block_id}-{group}",
                        ),
                        consensus_label=consensus_labels[result.group(group).consensus],
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
    table_template_name = "consultations/admin/includes/round_results_table.html"
    page_title = gettext_lazy("Results")
    header_icon = "table"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        # Before the round is read: its rule and status are part of what is kept.
        self.results_generation = results_generation()
        super().setup(request, *args, **kwargs)
        sort = request.GET.get("sort", "")
        self.sort = sort if sort in SORTS else ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        url = reverse("rounds:results", args=[self.object.pk])
        next_sort = {"": SORT_CONSENSUS, SORT_CONSENSUS: f"-{SORT_CONSENSUS}"}.get(self.sort, "")
        context.update(
            scale=self.object.scale,
            sort=self.sort,
            sort_consensus_url=f"{url}?sort={next_sort}" if next_sort else url,
            sort_items_url=url,
        )
        table_context = {
            name: context[name] for name in ("round", "scale", "sort", "sort_consensus_url")
        }

        def render_table() -> str:
            # Without the request: nothing of the editor who asked goes into a table that
            # other editors may be shown.
            return render_to_string(
                self.table_template_name,
                {**table_context, "pages": results_by_page(self.object, sort=self.sort)},
            )

        context["results_table"] = results_table_kept(
            round=self.object,
            sort=self.sort,
            generation=self.results_generation,
            render=render_table,
        )
        return context
