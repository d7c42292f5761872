"""The consultations app's share of the study's volume (see ``cms.scale``): 80 members,
5 rounds, 20,000 comments and 100,000 ratings at factor 1, each with its versions.

The rounds cover the pages made before this app in the same run that have items (the
framework sections), so this app still knows nothing of the app that made them. At a
factor of 2 or more the study repeats: each copy has its own members, sections and rounds.
Within a copy, four rounds have closed (their comments half answered) and the last is
open; the open round's first page carries the busiest thread (``plan.hot_comments``).

Rows are made in bulk. What the services would check one by one holds here by
construction: every member has consented and is in the round's audience, every comment
and rating is on a page the round pins, at that revision, on an item of it, dated inside
the round (and before now), with a current version; a reply answers a top-level comment
on the same item; ratings are unique per member, item and round.
"""

import itertools
import math
import random
from collections import Counter
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import (
    Count,
)
from django.urls import reverse
from django.utils import timezone

from cms.demo import DEMO_PASSWORD
from cms.scale import Log, ScalePlan, rows_insert
from consultations.consent import CONSENT_VERSION
from consultations.enums import (
    Abstention,
    AnswerStatus,
    Audience,
    Constituency,
    Nation,
    RatingScale,
    VersionKind,
)
from consultations.models import (
    Comment,
    CommentVersion,
    ConsultablePageMixin,
    Member,
    Rating,
    RatingVersion,
    Round,
    RoundPage,
    StudySite,
)

MEMBERS = 80
ROUNDS = 5
COMMENTS = 20_000
RATINGS = 100_000
ROUNDS_PER_COPY = 5
SECTIONS_PER_ROUND = 20
BATCH = 2_000
# How the rounds' titles start: the study's, and the one export round of ``--export-rows``.
STUDY_ROUND_TITLE = "Scale round"
EXPORT_ROUND_TITLE = "Scale export round"

ROLES = ("Midwife", "Drug-treatment worker", "Social worker", "Health visitor", "Commissioner")
COMMENT_TEXTS = (
    "This would have helped me. I had to tell my story again to every new person.",
    "In our service the hardest part is sharing notes between maternity and drug services.",
    "It should say who keeps the care plan up to date, and how often it is checked.",
    "I agree, as long as she is asked first and told what is shared.",
    "Clinics in the evening would make this possible for women who work.",
    "We tried this locally and it worked when the same midwife stayed with her.",
)
REPLY_TEXTS = (
    "Thank you for saying this. It was the same for me.",
    "We see this too. Training would help.",
    "I am not sure this would work where services are far apart.",
)
ANSWER_TEXT = "Thank you. We have reworded the requirement to say this."


def seed(*, plan: ScalePlan, log: Log) -> Counter:
    made: Counter = Counter()
    random_numbers = random.Random(plan.tag)  # noqa: S311 - made-up data, not secrets
    rounds: list[PlannedRound] = []
    if plan.factor:
        rounds = _study_seed(plan=plan, random_numbers=random_numbers, log=log, made=made)
    if plan.export_rows:
        _export_round_seed(
            plan=plan,
            round_pages=rounds[0][1] if rounds else _earlier_round_pages(),
            random_numbers=random_numbers,
            log=log,
            made=made,
        )
    return made


def _study_seed(
    *, plan: ScalePlan, random_numbers: random.Random, log: Log, made: Counter
) -> list["PlannedRound"]:
    pages = [
        page
        for page in plan.pages
        if isinstance(page, ConsultablePageMixin) and page.get_consultation_items()
    ]
    if not pages:
        log("Made no rounds: no page of this run has items to rate.")
        return []
    with transaction.atomic():
        members = _members_seed(plan=plan, count=plan.count(MEMBERS), made=made)
        log(f"Made {len(members)} members.")
        rounds = _rounds_seed(plan=plan, pages=pages, members=members, made=made)
        log(f"Made {len(rounds)} rounds.")
        _comments_seed(plan=plan, rounds=rounds, random_numbers=random_numbers, made=made)
        log(f"Made {made['comments']:,} comments.")
        _ratings_seed(plan=plan, rounds=rounds, random_numbers=random_numbers, made=made)
        log(f"Made {made['ratings']:,} ratings.")
    hot_round, hot_page = rounds[0][0], rounds[0][1][0]
    for planned in rounds:
        if planned[0].closes_at > timezone.now():
            hot_round, hot_page = planned[0], planned[1][0]
            break
    log(
        "The busiest round page: "
        + reverse(
            "consultations:round_page",
            kwargs={"round_pk": hot_round.pk, "page_pk": hot_page.page_id},
        )
        + f" (sign in as {members[0].user.username})."
    )
    return rounds


def _members_seed(
    *, plan: ScalePlan, count: int, made: Counter, kind: str = "member"
) -> list[Member]:
    sites = []
    for number, nation in enumerate((Nation.ENGLAND, Nation.SCOTLAND), start=1):
        site, _created = StudySite.objects.get_or_create(
            name__iexact=f"Scale site {number}",
            defaults={"name": f"Scale site {number}", "nation": nation},
        )
        sites.append(site)
    # One hash for all: hashing is slow by design, and they share the demo password.
    password = make_password(DEMO_PASSWORD)
    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(
                username=plan.name(kind, number),
                email=f"{plan.name(kind, number)}@example.org",
                first_name="Scale",
                last_name=f"Member {number}",
                password=password,
            )
            for number in range(1, count + 1)
        ],
        batch_size=BATCH,
    )
    consented = timezone.now() - timedelta(days=365)
    members = []
    for number, user in enumerate(users, start=1):
        # Service users and professionals in turn: each round hears both.
        professional = number % 2 == 0
        bird = "Heron" if professional else "Bluebell"
        members.append(
            Member(
                user=user,
                constituency=Constituency.PROFESSIONAL
                if professional
                else Constituency.SERVICE_USER,
                pseudonym=f"{bird} {plan.tag} {number}"
                if kind == "member"
                else f"{bird} {plan.tag} {kind} {number}",
                professional_role=ROLES[number % len(ROLES)] if professional else "",
                study_site=sites[number % len(sites)],
                consent_given_at=consented,
                consent_version=CONSENT_VERSION,
            )
        )
    Member.objects.bulk_create(members, batch_size=BATCH)
    made["users"] += len(users)
    made["members"] += len(members)
    return members


PlannedRound = tuple[Round, list[RoundPage], list[Member]]


def _rounds_seed(
    *, plan: ScalePlan, pages: list, members: list[Member], made: Counter
) -> list[PlannedRound]:
    now = timezone.now()
    count = plan.count(ROUNDS)
    members_per_copy = max(1, len(members) // plan.copies)
    planned = []
    earlier: Round | None = None
    for number in range(count):
        copy, position = divmod(number, ROUNDS_PER_COPY)
        last_in_copy = position == ROUNDS_PER_COPY - 1 or number == count - 1
        if position == 0:
            earlier = None
        if last_in_copy:
            opens, closes = now - timedelta(days=3), now + timedelta(days=21)
        else:
            opens = now - timedelta(days=30 * (ROUNDS_PER_COPY - position) + 30)
            closes = opens + timedelta(days=21)
        round = Round.objects.create(
            title=f"{STUDY_ROUND_TITLE} {plan.tag} {copy + 1}.{position + 1}",
            opens_at=opens,
            closes_at=closes,
            rating_scale=RatingScale.NINE_POINT,
            audience=Audience.BOTH,
            comments_visible_to_members=True,
            follows=earlier,
        )
        earlier = round
        covered = pages[copy * SECTIONS_PER_ROUND : (copy + 1) * SECTIONS_PER_ROUND]
        round_pages = RoundPage.objects.bulk_create(
            [
                RoundPage(
                    round=round,
                    page_id=page.pk,
                    revision_id=page.latest_revision_id,
                    sort_order=sort_order,
                )
                for sort_order, page in enumerate(covered or pages[:SECTIONS_PER_ROUND])
            ]
        )
        audience = members[copy * members_per_copy : (copy + 1) * members_per_copy] or members
        planned.append((round, round_pages, audience))
        made["rounds"] += 1
        made["round pages"] += len(round_pages)
    return planned


# How long after it was first written a comment or rating was changed.
CHANGED_AFTER = timedelta(hours=1)


def _spread(round: Round, count: int) -> list[datetime]:
    """``count`` dates inside the round, in order, evenly apart (a reply, made after what
    it answers, comes after it), none later than two hours ago."""
    until = min(round.closes_at, timezone.now() - timedelta(hours=2))
    step = (until - round.opens_at) / max(count, 1)
    return [round.opens_at + number * step for number in range(count)]


def _version_dated(version: CommentVersion | RatingVersion, written: datetime) -> None:
    """A version is dated as its comment or rating was written; an edit comes later."""
    edit = version.kind == VersionKind.EDITED
    version.created_at = written + CHANGED_AFTER if edit else written


def _comments_seed(
    *, plan: ScalePlan, rounds: list[PlannedRound], random_numbers: random.Random, made: Counter
) -> None:
    total = plan.count(COMMENTS)
    slots = [(planned, round_page) for planned in rounds for round_page in planned[1]]
    # The busiest page is the first of the first open round; the rest share what is left.
    hot = next((slot for slot in slots if slot[0][0].closes_at > timezone.now()), slots[0])
    others = [slot for slot in slots if slot is not hot]
    share, extra = divmod(max(total - plan.hot_comments, 0), max(len(others), 1))
    wanted = [(hot, plan.hot_comments if others else max(plan.hot_comments, total))]
    wanted += [(slot, share + (1 if index < extra else 0)) for index, slot in enumerate(others)]
    editor = get_user_model().objects.filter(username="editor").first()
    for ((round, _round_pages, audience), round_page), count in wanted:
        if count:
            _page_comments_seed(
                round=round,
                round_page=round_page,
                audience=audience,
                wanted=count,
                editor=editor,
                random_numbers=random_numbers,
                made=made,
            )


def _page_comments_seed(
    *,
    round: Round,
    round_page: RoundPage,
    audience: list[Member],
    wanted: int,
    editor,
    random_numbers: random.Random,
    made: Counter,
) -> None:
    items = round_page.items
    closed = round.closes_at <= timezone.now()
    # A quarter are replies; one top-level comment in ten is on the whole page.
    top_count = max(1, wanted - wanted // 4)
    dates = _spread(round, max(wanted, top_count))
    tops = []
    for number in range(top_count):
        item = items[number % len(items)]
        on_item = number % 10 != 0
        answered = closed and number % 2 == 0
        tops.append(
            Comment(
                round=round,
                page_id=round_page.page_id,
                revision_id=round_page.revision_id,
                block_id=item.block_id if on_item else "",
                author=random_numbers.choice(audience),
                quote=" ".join(item.text.split()[:5]) if on_item and number % 5 == 1 else "",
                body=COMMENT_TEXTS[number % len(COMMENT_TEXTS)],
                hidden_at=round.closes_at if number % 50 == 7 else None,
                hidden_reason="It named a member of staff." if number % 50 == 7 else "",
                answer_status=AnswerStatus.PARTLY_ACCEPTED if answered else "",
                answer=ANSWER_TEXT if answered else "",
                answered_at=round.closes_at + timedelta(days=3) if answered else None,
                answered_by=editor if answered else None,
                created_at=dates[number],
            )
        )
    # One in seven was changed by its author: the first words are kept in a version.
    for comment in tops[::7]:
        comment.edited_at = comment.created_at + CHANGED_AFTER
    rows_insert(tops, as_given=("created_at",))
    parents = [comment for comment in tops if comment.hidden_at is None]
    replies = [
        Comment(
            round=round,
            page_id=round_page.page_id,
            revision_id=round_page.revision_id,
            block_id=parent.block_id,
            author=random_numbers.choice(audience),
            parent=parent,
            body=REPLY_TEXTS[number % len(REPLY_TEXTS)],
            created_at=dates[top_count + number],
        )
        for number, parent in zip(range(wanted - top_count), itertools.cycle(parents))
    ]
    for comment in replies[(7 - top_count % 7) % 7 :: 7]:
        comment.edited_at = comment.created_at + CHANGED_AFTER
    rows_insert(replies, as_given=("created_at",))
    comments = tops + replies
    versions = []
    for comment in comments:
        if comment.edited_at is not None:
            versions.append(
                CommentVersion(
                    comment=comment,
                    kind=VersionKind.CREATED,
                    quote=comment.quote,
                    body="A first thought, changed later.",
                )
            )
        versions.append(
            CommentVersion(
                comment=comment,
                kind=VersionKind.EDITED if comment.edited_at else VersionKind.CREATED,
                quote=comment.quote,
                body=comment.body,
            )
        )
    for version in versions:
        _version_dated(version, version.comment.created_at)
    rows_insert(versions, as_given=("created_at",))
    made["comments"] += len(comments)
    made["comment versions"] += len(versions)


def _ratings_seed(
    *, plan: ScalePlan, rounds: list[PlannedRound], random_numbers: random.Random, made: Counter
) -> None:
    per_round, extra = divmod(plan.count(RATINGS), len(rounds))
    for index, (round, round_pages, audience) in enumerate(rounds):
        slots = [
            (round_page, item.block_id, member)
            for round_page in round_pages
            for item in round_page.items
            for member in audience
        ]
        wanted = min(per_round + (1 if index < extra else 0), len(slots))
        chosen = sorted(random_numbers.sample(range(len(slots)), wanted))
        _ratings_store(
            round=round,
            slots=[slots[slot] for slot in chosen],
            random_numbers=random_numbers,
            made=made,
        )


def _ratings_store(
    *,
    round: Round,
    slots: list[tuple[RoundPage, str, Member]],
    random_numbers: random.Random,
    made: Counter,
) -> int:
    """One rating for each (round page, item, member) slot, in bulk, with its versions: one
    in 40 abstains and one in five of the others was changed, so it has two versions.
    Returns the number of versions (the rows of the round's ratings export)."""
    scores = RatingScale.NINE_POINT.definition.scores
    dates = _spread(round, len(slots))
    ratings = []
    for number, (round_page, block_id, member) in enumerate(slots):
        abstains = number % 40 == 3
        ratings.append(
            Rating(
                round=round,
                page_id=round_page.page_id,
                revision_id=round_page.revision_id,
                block_id=block_id,
                member=member,
                score=None if abstains else random_numbers.choice(scores),
                abstention=Abstention.UNABLE if abstains else "",
                reason="It depends on the service." if number % 9 == 0 else "",
                created_at=dates[number],
                updated_at=dates[number],
            )
        )
    changed = set()
    for number, rating in enumerate(ratings):
        if number % 5 == 0 and rating.score is not None:
            changed.add(number)
            rating.updated_at = rating.created_at + CHANGED_AFTER
    rows_insert(ratings, as_given=("created_at", "updated_at"))
    versions = []
    for number, rating in enumerate(ratings):
        if number in changed:
            versions.append(
                RatingVersion(
                    rating=rating,
                    kind=VersionKind.CREATED,
                    score=max(1, rating.score - 2),
                )
            )
        versions.append(
            RatingVersion(
                rating=rating,
                kind=VersionKind.EDITED if number in changed else VersionKind.CREATED,
                score=rating.score,
                abstention=rating.abstention,
                reason=rating.reason,
            )
        )
    for version in versions:
        _version_dated(version, version.rating.created_at)
    rows_insert(versions, as_given=("created_at",))
    made["ratings"] += len(ratings)
    made["rating versions"] += len(versions)
    return len(versions)


# The export round -------------------------------------------------------------------------


def _earlier_round_pages() -> list[RoundPage]:
    """The pages, at their pinned revisions, of the newest round an earlier run made: one
    copy's framework sections, for an export round made without the study (factor 0)."""
    newest = (
        Round.objects.filter(title__startswith=f"{STUDY_ROUND_TITLE} ", round_pages__isnull=False)
        .order_by("-pk")
        .first()
    )
    if newest is None:
        raise ValueError(
            "No round of an earlier seed_scale run to take its sections from: "
            "run seed_scale with a factor above 0 first."
        )
    return list(RoundPage.objects.filter(round=newest).order_by("sort_order"))


def _export_round_members(*, items: int, rows: int) -> int:
    """Members who, rating all ``items``, give at least ``rows`` rows: a rating is one row,
    or two when changed (one in five, see ``_ratings_store``)."""
    members = max(1, math.ceil(math.ceil(rows * 5 / 6) / items))
    while members * items + math.ceil(members * items / 5) < rows:
        members += 1
    return members


def _export_round_seed(
    *,
    plan: ScalePlan,
    round_pages: list[RoundPage],
    random_numbers: random.Random,
    log: Log,
    made: Counter,
) -> Round:
    """A closed round on ``round_pages``, rated on every item by new members (service
    users and professionals in turn) until its ratings export has ``plan.export_rows``
    rows. It has no comments: it is there to be exported."""
    items = sum(len(round_page.items) for round_page in round_pages)
    if not items:
        raise ValueError("The sections for the export round have no items to rate.")
    opens = timezone.now() - timedelta(days=60)
    with transaction.atomic():
        members = _members_seed(
            plan=plan,
            count=_export_round_members(items=items, rows=plan.export_rows),
            made=made,
            kind="export-member",
        )
        round = Round.objects.create(
            title=f"{EXPORT_ROUND_TITLE} {plan.tag}",
            opens_at=opens,
            closes_at=opens + timedelta(days=21),
            rating_scale=RatingScale.NINE_POINT,
            audience=Audience.BOTH,
            comments_visible_to_members=True,
        )
        pinned = RoundPage.objects.bulk_create(
            [
                RoundPage(
                    round=round,
                    page_id=round_page.page_id,
                    revision_id=round_page.revision_id,
                    sort_order=sort_order,
                )
                for sort_order, round_page in enumerate(round_pages)
            ]
        )
        rows = _ratings_store(
            round=round,
            slots=[
                (round_page, item.block_id, member)
                for round_page in pinned
                for item in round_page.items
                for member in members
            ],
            random_numbers=random_numbers,
            made=made,
        )
    made["rounds"] += 1
    made["round pages"] += len(pinned)
    log(
        f"The export round: {round.title} (round {round.pk}), closed, {len(members):,} new "
        f"members rated all {items} items of {len(pinned)} sections: {rows:,} rows in its "
        f"ratings export, {reverse('rounds:export', args=[round.pk])}"
    )
    return round


def export_round_find(*, min_rows: int = 0) -> Round | None:
    """The newest export round ``seed_scale --export-rows`` made whose ratings export has at
    least ``min_rows`` rows (one per rating version), or None."""
    return (
        Round.objects.filter(title__startswith=f"{EXPORT_ROUND_TITLE} ")
        .annotate(rows=Count("ratings__versions"))
        .filter(rows__gte=min_rows)
        .order_by("-pk")
        .first()
    )
