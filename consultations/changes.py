"""What changed in a page since the rounds its round follows, and what became of the
comments made on the earlier drafts.

The rules:

- A round's page is compared with the same page in the nearest round up the round's
  ``follows`` chain that covers that page. For a member, only rounds she could take part
  in count (in her audience and opened): she never sees a draft of a round she was not in.
  A page no earlier round covers has no comparison.
- Items are matched by their StreamField block id, so an item keeps its identity however
  it is reworded, renumbered or moved. An item of the later revision is unchanged (same
  text), changed (different text, with a word-level difference: ``text_changes``) or
  added (no item with its id earlier); an earlier item whose id is gone
  is removed.
- Each comment made in an earlier round of the chain on the page is labelled by what
  became of its item between the revision it was made on and the revision read now: text
  unchanged, text changed, item removed; a comment on the whole page has no item. A new
  revision never hides a comment: one whose item is gone is listed with the removed items.

Everything is built in a fixed number of queries, whatever the number of items and
comments: one per round up the chain, one for the earlier rounds' pages, one for the
comments (and the cached items of each pinned revision).
"""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import timezone

from consultations.enums import ItemChange
from consultations.models import Comment, ConsultationItem, Member, Round, RoundPage
from consultations.selectors import round_ids_followed

# The kinds of run in a difference.
EQUAL = "equal"
ADDITION = "addition"
DELETION = "deletion"


@dataclass(frozen=True)
class TextChange:
    """A run of words that stayed, were added or were removed, in reading order."""

    kind: str
    text: str

    @property
    def is_added(self) -> bool:
        return self.kind == ADDITION

    @property
    def is_removed(self) -> bool:
        return self.kind == DELETION


# A word (letters and digits) or any other character, each with the spaces after it.
TOKENS = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")


def text_changes(earlier: str, later: str) -> tuple[TextChange, ...]:
    """The word-level difference between two texts, in reading order.

    Wagtail's ``diff_text`` (its revision compare) treats words of four letters or fewer as
    noise, so "a care plan" → "one shared care plan" comes out as the whole phrase removed
    and added; members compare drafts word by word, so every word counts here.
    """
    before, after = TOKENS.findall(earlier), TOKENS.findall(later)
    runs: list[TextChange] = []
    # Compared without their spaces, so a word that only gained or lost a space after it
    # (the last word before an addition) stays as it was.
    matcher = difflib.SequenceMatcher(
        None,
        [token.strip() or token for token in before],
        [token.strip() or token for token in after],
        autojunk=False,
    )
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            runs.append(TextChange(EQUAL, "".join(after[j1:j2])))
            continue
        if i2 > i1:
            runs.append(TextChange(DELETION, "".join(before[i1:i2])))
        if j2 > j1:
            runs.append(TextChange(ADDITION, "".join(after[j1:j2])))
    return tuple(runs)


@dataclass(frozen=True)
class ItemComparison:
    """One item between two revisions: ``item`` as it is now (None if removed),
    ``earlier_item`` as it was (None if added), and for changed text the difference."""

    change: ItemChange
    item: ConsultationItem | None
    earlier_item: ConsultationItem | None
    differences: tuple[TextChange, ...] = ()

    @property
    def block_id(self) -> str:
        return (self.item or self.earlier_item).block_id

    @property
    def number(self) -> str:
        return (self.item or self.earlier_item).number

    @property
    def content_note(self) -> str:
        """The note to show before either text: the later one's, else the earlier one's."""
        return (
            (self.item and self.item.content_note)
            or (self.earlier_item and self.earlier_item.content_note)
            or ""
        )

    @property
    def is_unchanged(self) -> bool:
        return self.change == ItemChange.UNCHANGED

    @property
    def is_changed(self) -> bool:
        return self.change == ItemChange.CHANGED

    @property
    def is_added(self) -> bool:
        return self.change == ItemChange.ADDED

    @property
    def is_removed(self) -> bool:
        return self.change == ItemChange.REMOVED


def items_compare(
    earlier: list[ConsultationItem], later: list[ConsultationItem]
) -> tuple[list[ItemComparison], list[ItemComparison]]:
    """The later items in their order, each compared with the earlier item of its block
    id; and the earlier items whose id is gone, in their old order."""
    earlier_by_id = {item.block_id: item for item in earlier}
    compared = []
    for item in later:
        before = earlier_by_id.get(item.block_id)
        if before is None:
            compared.append(ItemComparison(ItemChange.ADDED, item, None))
        elif before.text == item.text:
            compared.append(ItemComparison(ItemChange.UNCHANGED, item, before))
        else:
            differences = text_changes(before.text, item.text)
            compared.append(ItemComparison(ItemChange.CHANGED, item, before, differences))
    later_ids = {item.block_id for item in later}
    removed = [
        ItemComparison(ItemChange.REMOVED, None, item)
        for item in earlier
        if item.block_id not in later_ids
    ]
    return compared, removed


@dataclass
class PageComparison:
    """A round's page against the nearest earlier round that covers the same page.

    ``earlier_round_pages`` are all the earlier rounds' pinnings of the page, nearest
    first; the first is the one compared with. Empty when no earlier round covers it.
    """

    round_page: RoundPage
    earlier_round_pages: list[RoundPage]

    @property
    def earlier(self) -> RoundPage | None:
        return self.earlier_round_pages[0] if self.earlier_round_pages else None

    @property
    def earlier_round(self) -> Round | None:
        return self.earlier.round if self.earlier else None

    @property
    def is_compared(self) -> bool:
        return self.earlier is not None

    @cached_property
    def _compared(self) -> tuple[list[ItemComparison], list[ItemComparison]]:
        if self.earlier is None:
            return [], []
        return items_compare(self.earlier.items, self.round_page.items)

    @property
    def items(self) -> list[ItemComparison]:
        """The items read now, in their order."""
        return self._compared[0]

    @property
    def removed(self) -> list[ItemComparison]:
        return self._compared[1]

    @cached_property
    def by_block_id(self) -> dict[str, ItemComparison]:
        return {comparison.block_id: comparison for comparison in self.items + self.removed}

    def count(self, change: ItemChange) -> int:
        return sum(comparison.change == change for comparison in self.items + self.removed)

    @property
    def changed_count(self) -> int:
        return self.count(ItemChange.CHANGED)

    @property
    def added_count(self) -> int:
        return self.count(ItemChange.ADDED)

    @property
    def removed_count(self) -> int:
        return self.count(ItemChange.REMOVED)

    @property
    def unchanged_count(self) -> int:
        return self.count(ItemChange.UNCHANGED)


def rounds_followed(round: Round) -> list[Round]:
    """The rounds this round follows, nearest first, however far back; a loop saved before
    the rule against loops existed ends the walk (as ``selectors.round_ids_followed``)."""
    if round.follows_id is None:
        return []
    ids = round_ids_followed(round) - {round.pk}
    earlier = Round.objects.in_bulk(ids)
    chain = []
    previous = round.follows_id
    while previous in earlier and earlier[previous] not in chain:
        chain.append(earlier[previous])
        previous = earlier[previous].follows_id
    return chain


def _rounds_for(chain: list[Round], member: Member | None) -> list[Round]:
    if member is None:
        return chain
    now = timezone.now()
    return [round for round in chain if round.is_for(member) and round.opens_at <= now]


def round_comparisons(
    *, round: Round, round_pages: list[RoundPage], member: Member | None = None
) -> dict[int, PageComparison]:
    """Each of the round's pages (by page id) compared with the nearest earlier round that
    covers it; with ``member``, only earlier rounds she could take part in count."""
    chain = _rounds_for(rounds_followed(round), member)
    position = {earlier.pk: index for index, earlier in enumerate(chain)}
    earlier_by_page: dict[int, list[RoundPage]] = defaultdict(list)
    if chain:
        pinned = RoundPage.objects.filter(
            round_id__in=position, page_id__in=[rp.page_id for rp in round_pages]
        ).select_related("revision")
        for earlier in sorted(pinned, key=lambda rp: position[rp.round_id]):
            earlier.round = chain[position[earlier.round_id]]
            earlier_by_page[earlier.page_id].append(earlier)
    return {
        rp.page_id: PageComparison(round_page=rp, earlier_round_pages=earlier_by_page[rp.page_id])
        for rp in round_pages
    }


def page_comparison(
    *, round: Round, round_page: RoundPage, member: Member | None = None
) -> PageComparison:
    """One page of a round compared with the nearest earlier round that covers it."""
    return round_comparisons(round=round, round_pages=[round_page], member=member)[
        round_page.page_id
    ]


# Earlier comments ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EarlierComment:
    """A comment of an earlier round, with its item as it was when it was made
    (None for the whole page) and what became of that item since (None for the page)."""

    comment: Comment
    round: Round
    item: ConsultationItem | None
    fate: ItemChange | None
    # The item's note now, else its note then: a note added in a later draft covers the
    # item's earlier words too.
    content_note: str = ""

    @property
    def is_on_page(self) -> bool:
        return not self.comment.block_id

    @property
    def label(self) -> str:
        return self.fate.label if self.fate else ""


@dataclass
class RoundComments:
    """Earlier comments of one round, in the order they were made."""

    round: Round
    comments: list[EarlierComment] = field(default_factory=list)


@dataclass
class EarlierComments:
    """Comments made in earlier rounds on a page, grouped by the item they were on and,
    within each, by round (nearest round first)."""

    by_block_id: dict[str, list[RoundComments]]

    def on_item(self, block_id: str) -> list[RoundComments]:
        return self.by_block_id.get(block_id, []) if block_id else []

    @property
    def on_page(self) -> list[RoundComments]:
        return self.by_block_id.get("", [])

    @property
    def count(self) -> int:
        return sum(len(group.comments) for groups in self.by_block_id.values() for group in groups)

    @property
    def answered_count(self) -> int:
        return sum(
            entry.comment.is_answered
            for groups in self.by_block_id.values()
            for group in groups
            for entry in group.comments
        )


def earlier_comments(
    *, comparison: PageComparison, member: Member | None = None
) -> EarlierComments:
    """The comments made in the earlier rounds on the page, withdrawn ones left out.

    With ``member``, only hers (hidden ones included: they are hers, and she is told the
    team hid them); without, everyone's, for the research team. Each is labelled by what
    became of its item between the revision it was made on and the one read now.
    """
    round_pages = {rp.round_id: rp for rp in comparison.earlier_round_pages}
    if not round_pages:
        return EarlierComments(by_block_id={})
    comments = Comment.objects.filter(
        round_id__in=round_pages, page_id=comparison.round_page.page_id
    ).current()
    if member is not None:
        comments = comments.filter(author=member)
    comments = comments.select_related("author")
    items_then = {
        round_id: {item.block_id: item for item in round_page.items}
        for round_id, round_page in round_pages.items()
    }
    now_items = {c.block_id: c.item for c in comparison.items}
    grouped: dict[str, dict[int, RoundComments]] = defaultdict(dict)
    for comment in comments.order_by("created_at", "pk"):
        round_page = round_pages[comment.round_id]
        then = items_then[comment.round_id].get(comment.block_id) if comment.block_id else None
        if not comment.block_id:
            fate = None
        elif comment.block_id not in now_items:
            fate = ItemChange.REMOVED
        elif then is not None and then.text == now_items[comment.block_id].text:
            fate = ItemChange.UNCHANGED
        else:
            fate = ItemChange.CHANGED
        group = grouped[comment.block_id].setdefault(
            comment.round_id, RoundComments(round=round_page.round)
        )
        now = now_items.get(comment.block_id) if comment.block_id else None
        note = (now.content_note if now else "") or (then.content_note if then else "")
        group.comments.append(
            EarlierComment(
                comment=comment, round=round_page.round, item=then, fate=fate, content_note=note
            )
        )
    order = {round_id: index for index, round_id in enumerate(round_pages)}
    return EarlierComments(
        by_block_id={
            block_id: sorted(groups.values(), key=lambda group: order[group.round.pk])
            for block_id, groups in grouped.items()
        }
    )


@dataclass(frozen=True)
class RemovedItem:
    """An item no longer in the page, as it last read in the rounds up the chain, with the
    earlier comments on it: those comments are listed here so a new revision hides none."""

    block_id: str
    item: ConsultationItem | None
    round: Round
    comments: list[RoundComments]


def removed_items(*, comparison: PageComparison, earlier: EarlierComments) -> list[RemovedItem]:
    """The items removed since the nearest earlier round, then any item removed before it
    that an earlier comment was on."""
    removed = [
        RemovedItem(
            block_id=gone.block_id,
            item=gone.earlier_item,
            round=comparison.earlier_round,
            comments=earlier.on_item(gone.block_id),
        )
        for gone in comparison.removed
    ]
    listed = {gone.block_id for gone in comparison.removed} | {
        still.block_id for still in comparison.items
    }
    for block_id, groups in earlier.by_block_id.items():
        if block_id and block_id not in listed:
            last = groups[0]
            removed.append(
                RemovedItem(
                    block_id=block_id,
                    item=last.comments[0].item,
                    round=last.round,
                    comments=groups,
                )
            )
    return removed
