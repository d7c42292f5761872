"""A round's results for each requirement item, computed in the database.

The API, for views, exports and reports:

- ``round_results(round) -> list[ItemResult]``: every item of the round's pinned pages, in
  page order, each with ``.page_id``, ``.block_id``, ``.item`` (its number and text) and a
  ``GroupResult`` for ``.everyone``, ``.service_users`` and ``.professionals``.
  ``round_results_by_item(round)`` gives the same keyed by ``(page_id, block_id)``.
- ``GroupResult(n, abstained, median, q1, q3, iqr, distribution, agreement_share,
  disagreement_share, consensus, unable, declined)``: ``n`` scored ratings; ``abstained``
  ratings that are not scores (``unable`` "I'm unable to rate this" + ``declined`` "I'd
  rather not rate this"), which count in neither ``n`` nor the shares; the quartiles as
  PostgreSQL's ``percentile_cont`` defines them (linear interpolation between the ranked
  scores; None without scores); ``distribution`` the count of each score of the scale, in
  order; the shares of ``n`` in the top band (``ScaleDefinition.agreement_from``..maximum)
  and bottom band (minimum..``disagreement_to``), None without scores; ``consensus`` a
  ``Consensus``.
- ``earlier_results(round)``: for a round that follows another, each item's everyone-group
  result in the nearest earlier round covering its page (same page, same block id), or
  None for an item new since then (``changes.round_comparisons`` decides which round).
- ``ratings_summary(round, in_database=None)``: the same figures for the items that have
  counted ratings only, without the pinned pages (what the queries return).
- ``member_view(result, audience=round.audience)``: the groups a member is shown for an
  item, each marked ``too_few`` where she may not see its figures.

The rules:

- Only ``Rating.objects.counted()`` count: on time, by members still taking part.
- Consensus, with the round's ``consensus_threshold`` T (70) and ``consensus_bottom_limit``
  B (15), both fixed once the round opens: IN when at least T% of scored ratings are in the
  top band and under B% in the bottom band; OUT when at least T% are in the bottom band and
  under B% in the top band; otherwise NONE (so too an item nobody scored). Applied to
  everyone and to each constituency; ``ItemResult.divergence`` words an item whose two
  constituencies' outcomes differ.
- Members never see a group of fewer than ``CONSULTATIONS_MIN_GROUP_SIZE`` raters: it is
  "too few to show". Nor, then, everyone's figures: everyone's counts less the other
  constituency's would give the small group's. Editors see everything.

Queries: one per round, whatever the number of items. On PostgreSQL it groups the ratings
by page and block id and computes per constituency, with ``FILTER``, the count of each
score and abstention and the quartiles (``percentile_cont(…) WITHIN GROUP (ORDER BY
score)``). Elsewhere (SQLite) the same query without the quartiles, which
``quartiles_from_counts`` derives exactly from the counts by the same definition; both
paths give the same numbers (``in_database`` chooses one, for tests).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.changes import round_comparisons
from consultations.enums import (
    AUDIENCE_CONSTITUENCIES,
    Abstention,
    Audience,
    Consensus,
    Constituency,
    ScaleDefinition,
)
from consultations.models import ConsultationItem, Rating, Round, round_page_items_load
from consultations.selectors import round_pages_pinned

ItemKey = tuple[int, str]

EVERYONE = "everyone"
SERVICE_USERS = "service_users"
PROFESSIONALS = "professionals"
GROUPS: dict[str, Q] = {
    EVERYONE: Q(),
    SERVICE_USERS: Q(member__constituency=Constituency.SERVICE_USER),
    PROFESSIONALS: Q(member__constituency=Constituency.PROFESSIONAL),
}
CONSTITUENCY_GROUPS = {
    Constituency.SERVICE_USER: SERVICE_USERS,
    Constituency.PROFESSIONAL: PROFESSIONALS,
}
QUARTILES = {"q1": 0.25, "median": 0.5, "q3": 0.75}


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, *, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("A percentile is a fraction between 0 and 1.")
        # A number the code chooses, never input: safe to write into the SQL.
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


@dataclass(frozen=True)
class GroupResult:
    n: int
    abstained: int
    median: float | None
    q1: float | None
    q3: float | None
    iqr: float | None
    distribution: dict[int, int]
    agreement_share: float | None
    disagreement_share: float | None
    consensus: Consensus
    unable: int = 0
    declined: int = 0

    @property
    def raters(self) -> int:
        """Everyone in the group who rated the item, abstentions included."""
        return self.n + self.abstained

    @property
    def largest_count(self) -> int:
        return max(self.distribution.values(), default=0)

    @property
    def is_in(self) -> bool:
        return self.consensus == Consensus.IN


@dataclass(frozen=True)
class ItemResult:
    page_id: int
    block_id: str
    everyone: GroupResult
    service_users: GroupResult
    professionals: GroupResult
    item: ConsultationItem | None = None

    @property
    def key(self) -> ItemKey:
        return (self.page_id, self.block_id)

    def group(self, name: str) -> GroupResult:
        return getattr(self, name)

    @property
    def is_divergent(self) -> bool:
        """Both constituencies scored the item and reached different outcomes."""
        return (
            self.service_users.n > 0
            and self.professionals.n > 0
            and self.service_users.consensus != self.professionals.consensus
        )

    @property
    def divergence(self) -> str:
        """The constituencies' outcomes in words ("Professionals agree; service users reach
        no consensus."), or nothing if they are the same."""
        if not self.is_divergent:
            return ""
        # Translators: the two groups' outcomes as one sentence, "Professionals agree;
        # service users reach no consensus.", from the phrases below.
        return _("%(professionals)s; %(service_users)s.") % {
            "professionals": capfirst(
                outcome_phrase(Constituency.PROFESSIONAL, self.professionals.consensus)
            ),
            "service_users": outcome_phrase(
                Constituency.SERVICE_USER, self.service_users.consensus
            ),
        }


def outcome_phrase(constituency: str, consensus: Consensus) -> str:
    phrases = {
        (Constituency.SERVICE_USER, Consensus.IN): _("service users agree"),
        (Constituency.SERVICE_USER, Consensus.OUT): _("service users disagree"),
        (Constituency.SERVICE_USER, Consensus.NONE): _("service users reach no consensus"),
        (Constituency.PROFESSIONAL, Consensus.IN): _("professionals agree"),
        (Constituency.PROFESSIONAL, Consensus.OUT): _("professionals disagree"),
        (Constituency.PROFESSIONAL, Consensus.NONE): _("professionals reach no consensus"),
    }
    return phrases[(constituency, consensus)]


# The arithmetic ------------------------------------------------------------------------


def consensus_of(
    *, n: int, agreed: int, disagreed: int, threshold: int, bottom_limit: int
) -> Consensus:
    """The 70/15 rule (or the round's own figures), in whole numbers: no rounding."""
    if n == 0:
        return Consensus.NONE
    if agreed * 100 >= threshold * n and disagreed * 100 < bottom_limit * n:
        return Consensus.IN
    if disagreed * 100 >= threshold * n and agreed * 100 < bottom_limit * n:
        return Consensus.OUT
    return Consensus.NONE


def quartiles_from_counts(distribution: dict[int, int]) -> dict[str, float | None]:
    """Q1, median and Q3 of the scores the counts stand for, as ``percentile_cont`` gives
    them: for fraction p of n ranked scores, the score at rank p·(n−1) (counting from 0),
    interpolated linearly between the two ranks either side."""
    n = sum(distribution.values())
    if n == 0:
        return dict.fromkeys(QUARTILES)
    ranked = sorted(distribution.items())

    def at(rank: int) -> int:
        seen = 0
        for score, count in ranked:
            seen += count
            if rank < seen:
                return score
        raise IndexError(rank)

    quartiles: dict[str, float | None] = {}
    for name, fraction in QUARTILES.items():
        position = fraction * (n - 1)
        low = math.floor(position)
        high = math.ceil(position)
        lower, upper = float(at(low)), float(at(high))
        # PostgreSQL's own order of operations (float8 lerp), so the floats match.
        quartiles[name] = lower + (upper - lower) * (position - low)
    return quartiles


def group_result(
    *,
    distribution: dict[int, int],
    unable: int,
    declined: int,
    scale: ScaleDefinition,
    threshold: int,
    bottom_limit: int,
    quartiles: dict[str, float | None] | None = None,
) -> GroupResult:
    """A group's figures from its counts; the quartiles from the database when given."""
    n = sum(distribution.values())
    agreed = sum(count for score, count in distribution.items() if scale.in_agreement(score))
    disagreed = sum(count for score, count in distribution.items() if scale.in_disagreement(score))
    quartiles = quartiles if quartiles is not None else quartiles_from_counts(distribution)
    q1, q3 = quartiles["q1"], quartiles["q3"]
    return GroupResult(
        n=n,
        abstained=unable + declined,
        median=quartiles["median"],
        q1=q1,
        q3=q3,
        iqr=None if q1 is None or q3 is None else q3 - q1,
        distribution=distribution,
        agreement_share=agreed / n if n else None,
        disagreement_share=disagreed / n if n else None,
        consensus=consensus_of(
            n=n,
            agreed=agreed,
            disagreed=disagreed,
            threshold=threshold,
            bottom_limit=bottom_limit,
        ),
        unable=unable,
        declined=declined,
    )


def empty_group(scale: ScaleDefinition) -> GroupResult:
    return GroupResult(
        n=0,
        abstained=0,
        median=None,
        q1=None,
        q3=None,
        iqr=None,
        distribution=dict.fromkeys(scale.scores, 0),
        agreement_share=None,
        disagreement_share=None,
        consensus=Consensus.NONE,
    )


# The queries -------------------------------------------------------------------------------


def quartiles_in_database() -> bool:
    return connection.vendor == "postgresql"


def _annotations(scale: ScaleDefinition, *, with_quartiles: bool) -> dict[str, Aggregate]:
    annotations: dict[str, Aggregate] = {}
    for group, members in GROUPS.items():
        for score in scale.scores:
            annotations[f"{group}__s{score}"] = Count("pk", filter=members & Q(score=score))
        for abstention in Abstention:
            annotations[f"{group}__{abstention.value}"] = Count(
                "pk", filter=members & Q(abstention=abstention)
            )
        if with_quartiles:
            for name, fraction in QUARTILES.items():
                annotations[f"{group}__{name}"] = PercentileCont(
                    "score", fraction=fraction, filter=members or None
                )
    return annotations


def ratings_summary(round: Round, *, in_database: bool | None = None) -> dict[ItemKey, ItemResult]:
    """The results of each item that has a counted rating, in one query.

    ``in_database`` (default: on PostgreSQL) takes the quartiles from ``percentile_cont``;
    otherwise they are derived from the score counts.
    """
    with_quartiles = quartiles_in_database() if in_database is None else in_database
    scale = round.scale
    rows = (
        Rating.objects.filter(round=round)
        .counted()
        .order_by()
        .values("page_id", "block_id")
        .annotate(**_annotations(scale, with_quartiles=with_quartiles))
    )
    summary: dict[ItemKey, ItemResult] = {}
    for row in rows:
        groups = {}
        for group in GROUPS:
            groups[group] = group_result(
                distribution={score: row[f"{group}__s{score}"] for score in scale.scores},
                unable=row[f"{group}__{Abstention.UNABLE.value}"],
                declined=row[f"{group}__{Abstention.DECLINED.value}"],
                scale=scale,
                threshold=round.consensus_threshold,
                bottom_limit=round.consensus_bottom_limit,
                quartiles=(
                    {name: row[f"{group}__{name}"] for name in QUARTILES}
                    if with_quartiles
                    else None
                ),
            )
        key = (row["page_id"], row["block_id"])
        summary[key] = ItemResult(page_id=key[0], block_id=key[1], **groups)
    return summary


def round_results(round: Round, *, in_database: bool | None = None) -> list[ItemResult]:
    """Every item of the round's pinned pages, in page order, with its results (empty
    groups for an item nobody rated)."""
    summary = ratings_summary(round, in_database=in_database)
    scale = round.scale
    results = []
    round_pages = round_pages_pinned(round)
    round_page_items_load(round_pages)
    for round_page in round_pages:
        for item in round_page.items:
            key = (round_page.page_id, item.block_id)
            found = summary.get(key)
            groups = (
                {group: found.group(group) for group in GROUPS}
                if found
                else dict.fromkeys(GROUPS, empty_group(scale))
            )
            results.append(ItemResult(page_id=key[0], block_id=key[1], item=item, **groups))
    return results


def round_results_by_item(
    round: Round, *, in_database: bool | None = None
) -> dict[ItemKey, ItemResult]:
    return {result.key: result for result in round_results(round, in_database=in_database)}


# The round before ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EarlierResult:
    """An item's everyone-group result in the nearest earlier round covering its page;
    ``result`` None when the item was not there (new since)."""

    round: Round
    result: GroupResult | None

    @property
    def is_new(self) -> bool:
        return self.result is None


def earlier_results(round: Round, keys: Iterable[ItemKey]) -> dict[ItemKey, EarlierResult]:
    """For a round that follows another, each item's result then; empty otherwise. One
    results query per earlier round compared with, whatever the number of items."""
    if round.follows_id is None:
        return {}
    round_pages = round_pages_pinned(round)
    comparisons = round_comparisons(round=round, round_pages=round_pages)
    summaries: dict[int, dict[ItemKey, ItemResult]] = {}
    earlier: dict[ItemKey, EarlierResult] = {}
    for key in keys:
        page_id, block_id = key
        comparison = comparisons.get(page_id)
        if comparison is None:
            continue
        if comparison.earlier is None:
            # The page was in no earlier round: everything on it is new.
            earlier[key] = EarlierResult(round=round.follows, result=None)
            continue
        then = comparison.earlier_round
        if not any(item.block_id == block_id for item in comparison.earlier.items):
            earlier[key] = EarlierResult(round=then, result=None)
            continue
        if then.pk not in summaries:
            summaries[then.pk] = ratings_summary(then)
        found = summaries[then.pk].get(key)
        earlier[key] = EarlierResult(
            round=then, result=found.everyone if found else empty_group(then.scale)
        )
    return earlier


# What members see ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownGroup:
    name: str
    label: str
    result: GroupResult
    too_few: bool


def min_group_size() -> int:
    return settings.CONSULTATIONS_MIN_GROUP_SIZE


GROUP_LABELS = {
    EVERYONE: gettext_lazy("Everyone"),
    SERVICE_USERS: Audience.SERVICE_USERS.label,
    PROFESSIONALS: Audience.PROFESSIONALS.label,
}


def member_view(
    result: ItemResult, *, audience: str, min_size: int | None = None
) -> list[ShownGroup]:
    """The groups a member is shown for an item: everyone, then each constituency, for a
    round open to both; the one group otherwise. A group that rated the item with fewer
    than ``min_size`` scores is too few to show, and so is everyone's when a constituency
    is."""
    min_size = min_group_size() if min_size is None else min_size

    def too_few(group: GroupResult) -> bool:
        return group.raters > 0 and group.n < min_size

    if len(AUDIENCE_CONSTITUENCIES[audience]) == 1:
        return [
            ShownGroup(
                EVERYONE, _("Everyone who rated"), result.everyone, too_few(result.everyone)
            )
        ]
    small = {group: too_few(result.group(group)) for group in (SERVICE_USERS, PROFESSIONALS)}
    return [
        ShownGroup(
            EVERYONE,
            _("Everyone"),
            result.everyone,
            too_few(result.everyone) or any(small.values()),
        ),
        *(
            ShownGroup(group, GROUP_LABELS[group], result.group(group), small[group])
            for group in (SERVICE_USERS, PROFESSIONALS)
        ),
    ]
