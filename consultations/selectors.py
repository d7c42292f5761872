"""Reads for the member pages (what she may see of rounds, comments and ratings) and for
the research team's admin."""

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Concat, RowNumber
from django.utils import timezone

from wagtail.models import Page, PageQuerySet, Revision, get_page_models

from consultations.enums import (
    AUDIENCE_CONSTITUENCIES,
    RoundStatus,
    SupportArea,
    VersionKind,
    Withdrawal,
)
from consultations.models import (
    Comment,
    CommentVersion,
    ConsultablePageMixin,
    ConsultationItem,
    Draft,
    Invitation,
    Member,
    Rating,
    RatingVersion,
    Round,
    RoundPage,
    SupportService,
    round_page_items_load,
)
from consultations.models.members import token_digest
from consultations.permissions import MODERATE_PERMISSION


def invitation_find(*, token: str) -> Invitation | None:
    return Invitation.objects.filter(token_digest=token_digest(token)).first()


def member_for_user(user) -> Member | None:
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).first()


def _with_pages(rounds: QuerySet[Round]) -> QuerySet[Round]:
    return rounds.prefetch_related(
        Prefetch(
            "round_pages",
            queryset=RoundPage.objects.select_related("page", "revision").order_by("sort_order"),
        )
    )


def round_for_member(*, member: Member, pk: int) -> Round | None:
    """The round if it is in her audience and has opened; else None, as if it did not exist."""
    return _with_pages(Round.objects.for_member(member).filter(pk=pk)).first()


def round_in_audience(*, member: Member, pk: int) -> Round | None:
    """The round if it is in her audience, whether or not it has opened.

    What she sends is looked up this way: a round whose opening was moved later after she
    loaded its page is refused by the service with a message, so her words are not lost.
    """
    round = _with_pages(Round.objects.filter(pk=pk)).first()
    return round if round is not None and round.is_for(member) else None


@dataclass
class Progress:
    items: int
    rated: int
    comments: int
    answered: int = 0

    @property
    def is_complete(self) -> bool:
        return self.items > 0 and self.rated >= self.items


def rounds_progress(*, rounds: list[Round], member: Member) -> dict[int, Progress]:
    """Her progress in each round, in a fixed number of queries however many rounds."""
    round_ids = [round.pk for round in rounds]
    round_pages = list(RoundPage.objects.filter(round_id__in=round_ids).select_related("revision"))
    round_page_items_load(round_pages)
    items: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for round_page in round_pages:
        items[round_page.round_id].update(
            (round_page.page_id, item.block_id) for item in round_page.items
        )
    rated: dict[int, set[tuple[int, str]]] = defaultdict(set)
    ratings = Rating.objects.filter(round_id__in=round_ids, member=member)
    for round_id, page_id, block_id in ratings.values_list("round_id", "page_id", "block_id"):
        rated[round_id].add((page_id, block_id))
    comments = {
        round_id: (count, answered)
        for round_id, count, answered in Comment.objects.filter(
            round_id__in=round_ids, author=member
        )
        .current()
        .values("round_id")
        .annotate(count=Count("pk"), answered=Count("pk", filter=~Q(answer_status="")))
        .values_list("round_id", "count", "answered")
    }
    return {
        round_id: Progress(
            items=len(items[round_id]),
            rated=len(items[round_id] & rated[round_id]),
            comments=comments.get(round_id, (0, 0))[0],
            answered=comments.get(round_id, (0, 0))[1],
        )
        for round_id in round_ids
    }


@dataclass
class Dashboard:
    open: list[tuple[Round, Progress]] = field(default_factory=list)
    closed: list[tuple[Round, Progress]] = field(default_factory=list)


def member_dashboard(*, member: Member) -> Dashboard:
    dashboard = Dashboard()
    rounds = list(Round.objects.for_member(member).order_by("closes_at"))
    progress = rounds_progress(rounds=rounds, member=member)
    for round in rounds:
        entry = (round, progress[round.pk])
        (dashboard.open if round.is_open else dashboard.closed).append(entry)
    dashboard.closed.reverse()
    return dashboard


def comments_visible_to(*, round: Round, member: Member, page_id: int) -> QuerySet[Comment]:
    """Comments on a page of the round she may read: her own, and if the round shares
    them, other members' on-time comments that are neither withdrawn nor hidden by the
    research team. Late comments by
    others, and private rounds' comments, stay with the research team. Each comment says
    whether she sent a change (``late_edit``) or asked to withdraw it (``late_withdrawal``)
    after the round closed."""
    return (
        Comment.objects.filter(round=round, page_id=page_id)
        .filter(_visible_to(round=round, member=member))
        .annotate(
            late_edit=_late_version(member=member, kind=VersionKind.EDITED),
            late_withdrawal=_late_version(member=member, kind=VersionKind.WITHDRAWN),
        )
        .select_related("author")
        .order_by("created_at", "pk")
    )


def _late_version(*, member: Member, kind: VersionKind) -> Exists:
    # A change she sent after closing leaves the comment as it was; only she is told of it.
    return Exists(
        CommentVersion.objects.filter(
            comment=OuterRef("pk"), comment__author=member, kind=kind, late=True
        )
    )


def _visible_to(*, round: Round, member: Member) -> Q:
    mine = Q(author=member)
    if not round.comments_visible_to_members:
        return mine
    standing = Q(late=False, withdrawn_at__isnull=True, hidden_at__isnull=True)
    # A withdrawn comment, or one the research team hid, that others replied to stays as a
    # placeholder (the page shows no words of it), so the replies keep their place in the
    # thread.
    answered = Exists(
        Comment.objects.filter(parent=OuterRef("pk")).filter(standing | Q(author=member))
    )
    return mine | standing | Q(late=False, parent__isnull=True) & answered


@dataclass
class PageProgress:
    """Her progress on one page of a round, and how many comments on the whole page she
    can read."""

    round_page: RoundPage
    items: int
    rated: int
    comments: int
    page_comments: int


def round_pages_progress(*, round: Round, member: Member) -> list[PageProgress]:
    """The round's pages in their order, each with what she has done on it."""
    round_pages = sorted(round.round_pages.all(), key=lambda rp: rp.sort_order or 0)
    round_page_items_load(round_pages)
    rated = set(
        Rating.objects.filter(round=round, member=member).values_list("page_id", "block_id")
    )
    mine = dict(
        Comment.objects.filter(round=round, author=member)
        .current()
        .values("page_id")
        .annotate(count=Count("pk"))
        .values_list("page_id", "count")
    )
    on_page: Counter[int] = Counter(
        Comment.objects.filter(round=round, block_id="", withdrawn_at__isnull=True)
        .filter(Q(hidden_at__isnull=True) | Q(author=member))
        .filter(_visible_to(round=round, member=member))
        .values_list("page_id", flat=True)
    )
    return [
        PageProgress(
            round_page=rp,
            items=len(rp.items),
            rated=sum((rp.page_id, item.block_id) in rated for item in rp.items),
            comments=mine.get(rp.page_id, 0),
            page_comments=on_page[rp.page_id],
        )
        for rp in round_pages
    ]


def comment_threads(comments: QuerySet[Comment]) -> dict[str, list[tuple[Comment, list[Comment]]]]:
    """Comments grouped by item block id ("" for the page), each top-level with its replies."""
    replies: dict[int, list[Comment]] = defaultdict(list)
    top: dict[str, list[Comment]] = defaultdict(list)
    for comment in comments:
        if comment.parent_id:
            replies[comment.parent_id].append(comment)
        else:
            top[comment.block_id].append(comment)
    return {
        block_id: [(comment, replies[comment.pk]) for comment in thread]
        for block_id, thread in top.items()
    }


def ratings_of(*, round: Round, member: Member) -> dict[tuple[int, str], Rating]:
    """Her current ratings; ``late_change`` marks one she tried to change after closing."""
    late_change = Exists(RatingVersion.objects.filter(rating=OuterRef("pk"), late=True))
    ratings = Rating.objects.filter(round=round, member=member).annotate(
        late_change=late_change & Q(late=False)
    )
    return {(rating.page_id, rating.block_id): rating for rating in ratings}


def username_for_sign_in(identifier: str) -> str:
    """Members sign in with their email address in any case; editors with a username.

    An address shared by several accounts is left as typed, so it matches none of them.
    """
    if "@" not in identifier:
        return identifier
    user_model = get_user_model()
    usernames = list(
        user_model.objects.filter(email__iexact=identifier).values_list(
            user_model.USERNAME_FIELD, flat=True
        )[:2]
    )
    return usernames[0] if len(usernames) == 1 else identifier


# The research team's admin -------------------------------------------------------------


def round_has_contributions(round: Round) -> bool:
    return Comment.objects.filter(round=round).exists() or (
        Rating.objects.filter(round=round).exists()
    )


def consultable_page_models() -> list[type[Page]]:
    """Page types that opted in to consultation rounds, whichever app defines them."""
    return [model for model in get_page_models() if issubclass(model, ConsultablePageMixin)]


def consultable_pages() -> PageQuerySet:
    """Pages a round can cover: live or draft, so a round can open on a never-published
    draft."""
    models = consultable_page_models()
    if not models:
        return Page.objects.none()
    return Page.objects.type(*models).order_by("path")


def revisions_by_page(
    pages: Iterable[Page], *, most_recent: int | None = None, also: Iterable[int] = ()
) -> dict[Page, list[Revision]]:
    """Each page's revisions, newest first, with their authors: all of them, or only the
    most recent few and the ones in `also` (such as those a round already pins)."""
    pages = list(pages)
    by_id = {str(page.pk): page for page in pages}
    grouped: dict[Page, list[Revision]] = {page: [] for page in pages}
    revisions = Revision.page_revisions.filter(object_id__in=by_id)
    if most_recent is not None:
        # Counted in the database, so a page with years of drafts costs no more to list.
        revisions = revisions.annotate(
            recency=Window(
                RowNumber(),
                partition_by=[F("object_id")],
                order_by=[F("created_at").desc(), F("pk").desc()],
            )
        ).filter(Q(recency__lte=most_recent) | Q(pk__in=list(also)))
    revisions = revisions.select_related("user").order_by("-created_at", "-pk")
    for revision in revisions:
        grouped[by_id[revision.object_id]].append(revision)
    return grouped


def pages_with_parent_ids(page_ids: Iterable[str]) -> dict[str, tuple[Page, int | None]]:
    """The specific pages, by id as text (as a form holds it), each with its parent's id:
    what a page chooser shows, in a fixed number of queries however many pages."""
    # A hand-edited id may be no number, or one beyond what a database integer holds.
    ids = {
        int(page_id)
        for page_id in page_ids
        if page_id.isascii() and page_id.isdecimal() and int(page_id) < 2**63
    }
    if not ids:
        return {}
    pages = list(Page.objects.filter(pk__in=ids).specific())
    parent_paths = {page.path[: -Page.steplen] for page in pages if page.depth > 1}
    parent_ids = dict(Page.objects.filter(path__in=parent_paths).values_list("path", "pk"))
    return {str(page.pk): (page, parent_ids.get(page.path[: -Page.steplen])) for page in pages}


def rounds_with_status(queryset: QuerySet[Round], status: str) -> QuerySet[Round]:
    now = timezone.now()
    if status == RoundStatus.SCHEDULED:
        return queryset.filter(opens_at__gt=now)
    if status == RoundStatus.OPEN:
        return queryset.open(now)
    if status == RoundStatus.CLOSED:
        return queryset.closed(now)
    return queryset


def round_pages_pinned(round: Round) -> list[RoundPage]:
    return list(
        RoundPage.objects.filter(round=round)
        .select_related("page", "revision__user")
        .order_by("sort_order")
    )


def own_comment(*, round: Round, member: Member, pk: int) -> Comment | None:
    """Her comment in the round, or None: another member's comment is not hers to change."""
    return (
        Comment.objects.filter(round=round, author=member, pk=pk).select_related("round").first()
    )


def round_ids_followed(round: Round) -> set[int]:
    """The round and every round it follows, however far back; a loop saved before the
    rule existed ends the walk rather than running forever."""
    seen = {round.pk}
    if round.follows_id is None:
        return seen
    # Every round's link in one query, however long the chain: a study has a few rounds.
    follows = dict(Round.objects.values_list("pk", "follows_id"))
    previous = round.follows_id
    while previous is not None and previous not in seen and previous in follows:
        seen.add(previous)
        previous = follows[previous]
    return seen


def rounds_covering(pages: Iterable[Page]) -> QuerySet[Round]:
    """Rounds that cover any of the pages or a page below them."""
    paths = Q(pk__in=[])
    for page in pages:
        paths |= Q(round_pages__page__path__startswith=page.path)
    return Round.objects.filter(paths).distinct().order_by("opens_at")


def members_who_took_part(users: Iterable) -> QuerySet[Member]:
    """Members among these accounts with any comment or rating."""
    return Member.objects.filter(user__in=list(users)).filter(
        Exists(Comment.objects.filter(author=OuterRef("pk")))
        | Exists(Rating.objects.filter(member=OuterRef("pk")))
    )


def comment_newest_version_pk(comment: Comment) -> int | None:
    """The version a form to change or withdraw her comment starts from
    (``services.comment_started_from_check``)."""
    return (
        CommentVersion.objects.filter(comment=comment)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


def members_of_users(users: Iterable) -> QuerySet[Member]:
    """The member profiles among these accounts, by pseudonym."""
    return Member.objects.filter(user__in=list(users)).order_by("pseudonym")


# Moderation (see consultations/moderation_views.py) -----------------------------------


def moderation_queue(*, round: Round, since: datetime | None) -> QuerySet[Comment]:
    """Every comment of the round, for the research team: hidden, withdrawn and late ones
    too. ``is_new`` marks those made or changed (edited, withdrawn, or a change sent late)
    after ``since``, when the editor last looked; all are new if she never did."""
    if since is None:
        new: Value | Case = Value(True)
    else:
        versions = CommentVersion.objects.filter(comment=OuterRef("pk"), created_at__gt=since)
        changed = Exists(versions)
        new = Case(
            When(Q(created_at__gt=since) | Q(edited_at__gt=since) | changed, then=Value(True)),
            default=Value(False),
        )
    return (
        Comment.objects.filter(round=round)
        .select_related("author", "page", "parent")
        .annotate(is_new=ExpressionWrapper(new, output_field=BooleanField()))
    )


def round_items(round: Round) -> dict[tuple[int, str], ConsultationItem]:
    """The items of the round's pinned pages, by page id and block id, in page order."""
    round_pages = round_pages_pinned(round)
    round_page_items_load(round_pages)
    return {
        (round_page.page_id, item.block_id): item
        for round_page in round_pages
        for item in round_page.items
    }


def members_for_entry(round: Round) -> QuerySet[Member]:
    """Members an editor may enter a comment or ratings for in the round: taking part, and
    in its audience."""
    return Member.objects.taking_part().filter(
        constituency__in=AUDIENCE_CONSTITUENCIES[round.audience]
    )


def rating_labels_of(*, round: Round, member: Member) -> dict[tuple[int, str], str]:
    """Her current ratings in the round as words, by page id and block id."""
    labels = round.scale.labels
    return {
        (rating.page_id, rating.block_id): (
            rating.get_abstention_display()
            if rating.score is None
            else labels.get(rating.score, str(rating.score))
        )
        for rating in Rating.objects.filter(round=round, member=member)
    }


def comment_for_moderation(pk: int) -> Comment | None:
    return (
        Comment.objects.filter(pk=pk)
        .select_related(
            "round", "author", "page", "revision", "parent", "answered_by", "hidden_by"
        )
        .first()
    )


def item_as_she_read(comment: Comment) -> ConsultationItem | None:
    """The item a comment is on, in the revision she read when she wrote it."""
    if not comment.block_id:
        return None
    pinned = RoundPage(
        round_id=comment.round_id, page_id=comment.page_id, revision=comment.revision
    )
    return next((item for item in pinned.items if item.block_id == comment.block_id), None)


def comment_versions_newest_first(comment: Comment) -> QuerySet[CommentVersion]:
    return CommentVersion.objects.filter(comment=comment).order_by("-created_at", "-pk")


def comment_replies(comment: Comment) -> QuerySet[Comment]:
    return Comment.objects.filter(parent=comment).select_related("author").order_by("created_at")


# Retention (see consultations/services/retention.py) ----------------------------------


def invitations_expired(*, now: datetime) -> QuerySet[Invitation]:
    cutoff = now - timedelta(days=settings.CONSULTATIONS_UNUSED_INVITATION_DAYS)
    return Invitation.objects.filter(accepted_at__isnull=True, expires_at__lte=cutoff)


def members_withdrawn_with_identity() -> QuerySet[Member]:
    return Member.objects.filter(withdrawn_at__isnull=False, withdrawal="")


def rounds_past_retention(*, now: datetime) -> QuerySet[Round]:
    """Rounds closed longer ago than the retention period that still hold contributions."""
    cutoff = now - timedelta(days=settings.CONSULTATIONS_RETENTION_DAYS)
    return (
        Round.objects.filter(closes_at__lte=cutoff)
        .annotate(
            comment_count=Count("comments", distinct=True),
            rating_count=Count("ratings", distinct=True),
        )
        .filter(Q(comment_count__gt=0) | Q(rating_count__gt=0))
        .order_by("closes_at")
    )


def members_deleted_with_contributions_left() -> QuerySet[Member]:
    """Members who withdrew with deletion yet have a rating or a comment version: a form
    she sent from another device as she withdrew, stored just after. Placeholders left
    for others' replies have no versions, so they do not count."""
    return Member.objects.filter(withdrawal=Withdrawal.DELETED).filter(
        Exists(Rating.objects.filter(member=OuterRef("pk")))
        | Exists(CommentVersion.objects.filter(comment__author=OuterRef("pk")))
    )


def comment_version_by_token(*, form_token: uuid.UUID, member: Member) -> CommentVersion | None:
    """What her comment form with this one-time token stored, if it was sent before; a
    token of another member's form is refused."""
    version = CommentVersion.objects.filter(form_token=form_token).select_related("comment")
    version = version.first()
    if version is not None and version.comment.author_id != member.pk:
        raise PermissionDenied
    return version


def rating_version_by_token(*, form_token: uuid.UUID, member: Member) -> RatingVersion | None:
    """What her rating form with this one-time token stored, if it was sent before."""
    version = RatingVersion.objects.filter(form_token=form_token).select_related("rating")
    version = version.first()
    if version is not None and version.rating.member_id != member.pk:
        raise PermissionDenied
    return version


# Care for the people taking part ----------------------------------------------------------


@dataclass
class SupportGroup:
    area: SupportArea
    services: list[SupportService]


def support_services_by_area() -> list[SupportGroup]:
    """The support services, England's first, then Scotland's, then those for anywhere in
    the UK; an area without a service is left out."""
    services = list(SupportService.objects.order_by("sort_order", "name"))
    groups = [
        SupportGroup(area, [service for service in services if service.area == area])
        for area in (SupportArea.ENGLAND, SupportArea.SCOTLAND, SupportArea.UK)
    ]
    return [group for group in groups if group.services]


def drafts_of(*, member: Member, round: Round) -> dict[str, Draft]:
    """Her kept drafts in the round, by form key."""
    return {draft.form_key: draft for draft in Draft.objects.filter(member=member, round=round)}


def drafts_expired(*, now: datetime) -> QuerySet[Draft]:
    """Drafts in rounds that closed longer ago than drafts are kept."""
    cutoff = now - timedelta(days=settings.CONSULTATIONS_DRAFT_DAYS)
    return Draft.objects.filter(round__closes_at__lte=cutoff)


def round_items_count(round: Round) -> int:
    return len(
        {(rp.page_id, item.block_id) for rp in round.round_pages.all() for item in rp.items}
    )


def members_not_finished(round: Round, members: QuerySet[Member]) -> QuerySet[Member]:
    """Those of ``members`` who have not rated every item of the round: one query, with
    the round's items counted once (ratings exist only for its items)."""
    rated = (
        Rating.objects.filter(round=round, member=OuterRef("pk"))
        .values("member")
        .annotate(items=Count(Concat("page_id", Value(":"), "block_id"), distinct=True))
        .values("items")
    )
    total = round_items_count(round)
    return members.annotate(rated=Coalesce(Subquery(rated), 0)).filter(rated__lt=total)


def digest_recipients() -> QuerySet[AbstractBaseUser]:
    """Editors who moderate comments and have not turned the digest off."""
    users = get_user_model().objects.with_perm(
        MODERATE_PERMISSION, is_active=True, backend="django.contrib.auth.backends.ModelBackend"
    )
    return users.exclude(email="").exclude(email_settings__daily_digest=False)
