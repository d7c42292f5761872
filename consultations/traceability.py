"""Traceability: the changes a later round's draft made in response to earlier comments,
and each round's "you said, we did" page of answered comments.

The rules:

- An editor links a change to an item of a later round's page (changed, new, or removed
  since) to the comments of the earlier rounds up its ``follows`` chain on that page, on
  any item or the whole page (``ChangeResponse``). Comments withdrawn or hidden by the team
  are not offered, and never shown as answered by a change.
- A member reading the later round sees, beside the item, the comments it answers that she
  may read: her own, and others' only where their round shared comments with members she
  was in, and only on-time ones; the rest are counted, never quoted.
- "You said, we did" lists a round's answered comments that others may read
  (``CommentQuerySet.shown``: not hidden, withdrawn or late), by page and by item as it
  read in the revision each was made on, with the answer and any later change linked to
  it. Members appear by pseudonym only, or not at all if the team chooses.

Everything is read in a fixed number of queries, whatever the number of items and comments.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.text import Truncator

from consultations.changes import PageComparison
from consultations.models import (
    ChangeResponse,
    Comment,
    ConsultationItem,
    Member,
    Round,
    RoundPage,
)
from consultations.selectors import round_pages_pinned

EXCERPT_WORDS = 30


def excerpt(comment: Comment) -> str:
    return Truncator(comment.body).words(EXCERPT_WORDS)


# Linking, for the research team ---------------------------------------------------------


def link_choices(comparison: PageComparison) -> list[Comment]:
    """The earlier rounds' comments on the page a change may answer, answered ones first,
    then those made in time, oldest first; withdrawn and hidden ones are not offered."""
    round_ids = [round_page.round_id for round_page in comparison.earlier_round_pages]
    if not round_ids:
        return []
    return list(
        Comment.objects.filter(round_id__in=round_ids, page_id=comparison.round_page.page_id)
        .current()
        .filter(hidden_at__isnull=True)
        .select_related("author", "round")
        .annotate(
            unanswered=Case(
                When(answer_status="", then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("unanswered", "late", "created_at", "pk")
    )


def links_of(round: Round) -> dict[tuple[int, str], list[ChangeResponse]]:
    """The round's changes linked to earlier comments, by page id and item, oldest link
    first; links to comments since withdrawn are left out."""
    links: dict[tuple[int, str], list[ChangeResponse]] = defaultdict(list)
    responses = (
        ChangeResponse.objects.filter(round=round, comment__withdrawn_at__isnull=True)
        .select_related("comment__author", "comment__round")
        .order_by("linked_at", "pk")
    )
    for response in responses:
        links[response.page_id, response.block_id].append(response)
    return links


# What a member sees beside a changed item ------------------------------------------------


@dataclass(frozen=True)
class SeenComment:
    comment: Comment
    is_hers: bool


@dataclass
class ChangedInResponse:
    """The comments a change answers, as one member may see them: those she may read, and
    how many others."""

    comments: list[SeenComment] = field(default_factory=list)
    others: int = 0

    def __bool__(self) -> bool:
        return bool(self.comments or self.others)


def _readable_by(comment: Comment, member: Member) -> bool:
    if comment.author_id == member.pk:
        return True
    earlier = comment.round
    return (
        earlier.comments_visible_to_members
        and earlier.is_for(member)
        and not comment.late
        and not comment.is_hidden
        and not comment.is_withdrawn
    )


def changed_in_response_for(
    *, round: Round, page_id: int, member: Member
) -> dict[str, ChangedInResponse]:
    """For each item of the round's page, the earlier comments its change answers, as she
    may see them. Hidden and withdrawn comments are neither shown nor counted."""
    shown: dict[str, ChangedInResponse] = defaultdict(ChangedInResponse)
    for (link_page_id, block_id), responses in links_of(round).items():
        if link_page_id != page_id:
            continue
        for response in responses:
            comment = response.comment
            if comment.is_hidden or comment.is_withdrawn:
                continue
            if _readable_by(comment, member):
                is_hers = comment.author_id == member.pk
                shown[block_id].comments.append(SeenComment(comment=comment, is_hers=is_hers))
            else:
                shown[block_id].others += 1
    return dict(shown)


# You said, we did ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LaterChange:
    """A later round's change linked to a comment: the item as it reads there, or None
    where the later draft removed it."""

    round: Round
    item: ConsultationItem | None


@dataclass
class Answered:
    comment: Comment
    changes: list[LaterChange] = field(default_factory=list)


@dataclass
class ItemAnswers:
    """The answered comments on one item (None: the whole page), with the item as it read
    in the revision they were made on."""

    item: ConsultationItem | None
    answers: list[Answered] = field(default_factory=list)


@dataclass
class PageAnswers:
    round_page: RoundPage
    items: list[ItemAnswers] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(entry.answers) for entry in self.items)


def answered_shown(round: Round) -> QuerySet[Comment]:
    """The round's comments that others may read and the research team has answered."""
    return (
        Comment.objects.filter(round=round)
        .shown()
        .exclude(answer_status="")
        .select_related("author", "revision")
        .order_by("created_at", "pk")
    )


def _items_of_revision(round_page: RoundPage, revision_id: int) -> list[ConsultationItem]:
    if revision_id == round_page.revision_id:
        return round_page.items
    # A comment made on another revision of the page (the round's pinning changed before
    # anyone took part): its item as she read it.
    pinned = RoundPage(
        round_id=round_page.round_id, page_id=round_page.page_id, revision_id=revision_id
    )
    return pinned.items


def you_said_we_did(round: Round) -> list[PageAnswers]:
    """The round's answered comments, by page in the round's order, then by item in the
    order of the draft they were made on, the whole page last; pages without any are left
    out."""
    round_pages = {round_page.page_id: round_page for round_page in round_pages_pinned(round)}
    comments = [c for c in answered_shown(round) if c.page_id in round_pages]
    later = _later_changes(round, comments)
    grouped: dict[int, dict[str, ItemAnswers]] = defaultdict(dict)
    positions: dict[tuple[int, str], int] = {}
    items_by_revision: dict[tuple[int, int], list[ConsultationItem]] = {}
    for comment in comments:
        round_page = round_pages[comment.page_id]
        key = (comment.page_id, comment.revision_id)
        if key not in items_by_revision:
            items_by_revision[key] = _items_of_revision(round_page, comment.revision_id)
        items = items_by_revision[key]
        entry = grouped[comment.page_id].get(comment.block_id)
        if entry is None:
            index, item = next(
                (
                    (index, item)
                    for index, item in enumerate(items)
                    if comment.block_id and item.block_id == comment.block_id
                ),
                (len(items), None),
            )
            entry = grouped[comment.page_id][comment.block_id] = ItemAnswers(item=item)
            positions[comment.page_id, comment.block_id] = index if comment.block_id else 10**6
        entry.answers.append(Answered(comment=comment, changes=later.get(comment.pk, [])))
    pages = []
    for page_id, round_page in round_pages.items():
        if page_id not in grouped:
            continue
        entries = sorted(grouped[page_id].items(), key=lambda pair: positions[page_id, pair[0]])
        pages.append(PageAnswers(round_page=round_page, items=[entry for _id, entry in entries]))
    return pages


def _later_changes(round: Round, comments: list[Comment]) -> dict[int, list[LaterChange]]:
    """The later rounds' changes linked to these comments, by comment id, each with the
    item as the later round's draft reads it. A round not yet open is left out: its draft
    is not for readers yet."""
    responses = list(
        ChangeResponse.objects.filter(
            comment__in=[c.pk for c in comments], round__opens_at__lte=timezone.now()
        )
        .exclude(round=round)
        .select_related("round")
        .order_by("round__opens_at", "pk")
    )
    if not responses:
        return {}
    pinned = {
        (rp.round_id, rp.page_id): rp
        for rp in RoundPage.objects.filter(
            round_id__in={r.round_id for r in responses},
            page_id__in={r.page_id for r in responses},
        ).select_related("revision")
    }
    changes: dict[int, list[LaterChange]] = defaultdict(list)
    for response in responses:
        round_page = pinned.get((response.round_id, response.page_id))
        items = round_page.items if round_page else []
        item = next((i for i in items if i.block_id == response.block_id), None)
        changes[response.comment_id].append(LaterChange(round=response.round, item=item))
    return dict(changes)
