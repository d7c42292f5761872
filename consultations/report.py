"""The whole consultation, for a Delphi write-up (ACCORD): the consensus rule, the rounds
with their dates and audiences, who was invited and who responded, and what became of
each requirement item from round to round. Counts only: no member is named.

The consultation is a round's chain: every round it follows, the round, and every round
that follows it (however the later rounds branch), in the order they opened. Items are
matched by page and block id, as ``changes`` matches them: in each round an item is new
(the first round that has it, or back after it was removed), reworded, unchanged, or
removed (in the round that no longer has it).
"""

from dataclasses import dataclass, replace

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from consultations.changes import round_comparisons, rounds_followed
from consultations.enums import AUDIENCE_CONSTITUENCIES, Consensus, Constituency, ItemChange
from consultations.models import Round, RoundPage, round_page_items_load
from consultations.participation import Turnout, round_turnout
from consultations.results import ratings_summary
from consultations.selectors import round_pages_pinned


def consensus_rule(round: Round) -> str:
    """The rule in words, from the round's scale, threshold and bottom limit."""
    scale = round.scale
    values = {
        "threshold": round.consensus_threshold,
        "bottom": round.consensus_bottom_limit,
        "agree_from": scale.agreement_from,
        "maximum": scale.maximum,
        "minimum": scale.minimum,
        "disagree_to": scale.disagreement_to,
    }
    return (
        _(
            "An item reaches consensus when at least %(threshold)s%% of the ratings are "
            "%(agree_from)s to %(maximum)s and fewer than %(bottom)s%% are %(minimum)s to "
            "%(disagree_to)s; it is agreed to be left out when at least %(threshold)s%% are "
            "%(minimum)s to %(disagree_to)s and fewer than %(bottom)s%% are %(agree_from)s to "
            "%(maximum)s. Otherwise there is no consensus."
        )
        % values
    )


def rounds_chain(round: Round) -> list[Round]:
    """Every round the round follows, the round, and every round that follows it, by
    opening time: one query per round up the chain and one per generation after it."""
    chain = {round.pk: round, **{earlier.pk: earlier for earlier in rounds_followed(round)}}
    generation = [round.pk]
    while generation:
        later = [r for r in Round.objects.filter(follows_id__in=generation) if r.pk not in chain]
        chain.update({r.pk: r for r in later})
        generation = [r.pk for r in later]
    return sorted(chain.values(), key=lambda r: (r.opens_at, r.pk))


@dataclass(frozen=True)
class ItemStep:
    """An item in one round: its number there (blank once removed), what happened, and
    the consensus everyone's ratings reached there (None where nobody scored it)."""

    change: ItemChange
    number: str = ""
    consensus: Consensus | None = None

    @property
    def consensus_label(self) -> str:
        return "" if self.consensus in (None, Consensus.NONE) else str(self.consensus.label)

    @property
    def label(self) -> str:
        if self.change == ItemChange.ADDED:
            return pgettext("item in a round", "added")
        if self.change == ItemChange.CHANGED:
            return pgettext("item in a round", "reworded")
        if self.change == ItemChange.REMOVED:
            return pgettext("item in a round", "removed")
        return pgettext("item in a round", "unchanged")


@dataclass
class ItemFlow:
    """One requirement item across the rounds; ``steps`` holds one entry per round of the
    report, None where the round does not have it."""

    page_title: str
    block_id: str
    text: str
    steps: list[ItemStep | None]


@dataclass(frozen=True)
class RoundSummary:
    """A round's line in the report; ``turnout`` has one entry per constituency, in
    ``Constituency`` order, None for one outside the round's audience."""

    round: Round
    turnout: list[Turnout | None]
    threshold: int
    bottom_limit: int
    items: int
    added: int
    reworded: int
    removed: int
    unchanged: int
    consensus_in: int
    consensus_out: int


@dataclass
class ConsultationReport:
    round: Round
    rounds: list[RoundSummary]
    items: list[ItemFlow]
    consensus_rule: str
    threshold: int
    bottom_limit: int

    @property
    def constituencies(self) -> list[str]:
        return [str(label) for label in Constituency.labels]


def _round_items(
    round: Round, round_pages: list[RoundPage]
) -> tuple[list[tuple[RoundPage, str, ItemStep, str]], list[tuple[RoundPage, str]]]:
    """The round's items, each with its step, and the items gone since the round each
    page was last in."""
    comparisons = round_comparisons(round=round, round_pages=round_pages)
    round_page_items_load(round_pages)
    present, removed = [], []
    for round_page in round_pages:
        comparison = comparisons[round_page.page_id]
        if not comparison.is_compared:
            for item in round_page.items:
                present.append(
                    (round_page, item.block_id, ItemStep(ItemChange.ADDED, item.number), item.text)
                )
            continue
        for compared in comparison.items:
            step = ItemStep(compared.change, compared.number)
            present.append((round_page, compared.block_id, step, compared.item.text))
        removed += [(round_page, compared.block_id) for compared in comparison.removed]
    return present, removed


def _turnout_per_constituency(round: Round) -> list[Turnout | None]:
    audience = AUDIENCE_CONSTITUENCIES[round.audience]
    turnout = dict(zip(audience, round_turnout(round)[0], strict=True))
    return [turnout.get(constituency) for constituency in Constituency.values]


def consultation_report(round: Round) -> ConsultationReport:
    """The report of the consultation the round belongs to."""
    chain = rounds_chain(round)
    flows: dict[tuple[int, str], ItemFlow] = {}
    summaries = []
    for index, each in enumerate(chain):
        round_pages = round_pages_pinned(each)
        present, removed = _round_items(each, round_pages)
        for round_page, block_id, step, text in present:
            flow = flows.get((round_page.page_id, block_id))
            if flow is None:
                flow = flows[round_page.page_id, block_id] = ItemFlow(
                    page_title=round_page.page.get_admin_display_title(),
                    block_id=block_id,
                    text=text,
                    steps=[None] * len(chain),
                )
            flow.text = text
            flow.steps[index] = step
        for round_page, block_id in removed:
            flow = flows.get((round_page.page_id, block_id))
            if flow is not None:
                flow.steps[index] = ItemStep(ItemChange.REMOVED)
        outcomes = {
            key: result.everyone.consensus for key, result in ratings_summary(each).items()
        }
        for round_page, block_id, step, _text in present:
            key = (round_page.page_id, block_id)
            flows[key].steps[index] = replace(step, consensus=outcomes.get(key))
        changes = [step.change for _page, _id, step, _text in present]
        reached = [outcomes.get((page.page_id, block_id)) for page, block_id, _s, _t in present]
        summaries.append(
            RoundSummary(
                round=each,
                turnout=_turnout_per_constituency(each),
                threshold=each.consensus_threshold,
                bottom_limit=each.consensus_bottom_limit,
                items=len(present),
                added=changes.count(ItemChange.ADDED),
                reworded=changes.count(ItemChange.CHANGED),
                removed=len(removed),
                unchanged=changes.count(ItemChange.UNCHANGED),
                consensus_in=reached.count(Consensus.IN),
                consensus_out=reached.count(Consensus.OUT),
            )
        )
    return ConsultationReport(
        round=round,
        rounds=summaries,
        items=list(flows.values()),
        consensus_rule=consensus_rule(round),
        threshold=round.consensus_threshold,
        bottom_limit=round.consensus_bottom_limit,
    )
