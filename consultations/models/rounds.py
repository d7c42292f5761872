from collections.abc import Iterable
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, Revision

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from cms.blocks import RICH_TEXT_FEATURES
from consultations.enums import (
    AUDIENCE_CONSTITUENCIES,
    Audience,
    RatingScale,
    RoundStatus,
    ScaleDefinition,
    YouSaidWeDid,
)
from consultations.models.members import Member
from consultations.models.mixins import ConsultablePageMixin, ConsultationItem


class RoundQuerySet(models.QuerySet):
    def for_member(self, member: Member) -> "RoundQuerySet":
        """Rounds whose audience includes her constituency and that have opened."""
        audiences = [
            audience
            for audience, constituencies in AUDIENCE_CONSTITUENCIES.items()
            if member.constituency in constituencies
        ]
        return self.filter(audience__in=audiences, opens_at__lte=timezone.now())

    def open(self, now: datetime | None = None) -> "RoundQuerySet":
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def closed(self, now: datetime | None = None) -> "RoundQuerySet":
        return self.filter(closes_at__lte=now or timezone.now())


class Round(ClusterableModel):
    """A consultation round: members rate and comment on pinned revisions of some pages."""

    title = models.CharField(_("title"), max_length=255)
    instructions = RichTextField(
        _("instructions"),
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("What members are asked to do, shown at the top of the round."),
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    rating_scale = models.CharField(
        _("rating scale"),
        max_length=20,
        choices=RatingScale.choices,
        default=RatingScale.NINE_POINT,
    )
    consensus_threshold = models.PositiveSmallIntegerField(
        _("consensus threshold (%)"),
        default=70,
        validators=[MinValueValidator(50), MaxValueValidator(100)],
        help_text=_(
            "The share of scored ratings in the top band (7 to 9, or agree and strongly "
            "agree) an item needs to reach consensus to include; the same share in the "
            "bottom band means consensus to exclude. Fixed once the round opens."
        ),
    )
    consensus_bottom_limit = models.PositiveSmallIntegerField(
        _("opposite band limit (%)"),
        default=15,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
        help_text=_(
            "Consensus also needs fewer than this share of scored ratings in the opposite "
            "band (for example: 70% agree and under 15% disagree). Fixed once the round opens."
        ),
    )
    members_see_results = models.BooleanField(
        _("members see the results"),
        default=True,
        help_text=_(
            "Once the round has closed, members see the group's results for each item, "
            "with their own rating marked. Groups too small to stay anonymous are not shown."
        ),
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.BOTH
    )
    comments_visible_to_members = models.BooleanField(
        _("members see each other's comments"),
        default=False,
        help_text=_(
            "Members see comments under pseudonyms and can reply. If unticked, only the "
            "research team reads them."
        ),
    )
    follows = models.ForeignKey(
        "self",
        verbose_name=_("follows the round"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_by",
    )
    you_said_we_did = models.CharField(
        _("you said, we did"),
        max_length=20,
        choices=YouSaidWeDid.choices,
        default=YouSaidWeDid.NOT_PUBLISHED,
        help_text=_(
            "A page of the round's answered comments, each with the research team's answer "
            "and any later change made in response. Published to everyone, it is a public "
            "page: anyone can read members' words there, under their pseudonyms (or without "
            "them, if you untick the box below)."
        ),
    )
    you_said_we_did_pseudonyms = models.BooleanField(
        _("show pseudonyms on “you said, we did”"),
        default=True,
        help_text=_("If unticked, the page shows members' comments without their pseudonyms."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("round")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="round_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def status_at(self, now: datetime) -> RoundStatus:
        if now < self.opens_at:
            return RoundStatus.SCHEDULED
        if now < self.closes_at:
            return RoundStatus.OPEN
        return RoundStatus.CLOSED

    @property
    def status(self) -> RoundStatus:
        return self.status_at(timezone.now())

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def has_opened(self) -> bool:
        return self.opens_at is not None and self.opens_at <= timezone.now()

    @property
    def scale(self) -> ScaleDefinition:
        return RatingScale(self.rating_scale).definition

    @property
    def you_said_we_did_published(self) -> bool:
        """Published, and in a round whose members were told others would read their
        comments: in a round where only the research team reads them, the page never shows,
        whatever its setting."""
        return (
            self.comments_visible_to_members and self.you_said_we_did != YouSaidWeDid.NOT_PUBLISHED
        )

    def is_for(self, member: Member) -> bool:
        return member.constituency in AUDIENCE_CONSTITUENCIES[self.audience]


# What Page.with_content_json keeps from the page rather than take from the revision.
PRESERVED_PAGE_FIELDS = (
    "id",
    "content_type_id",
    "path",
    "depth",
    "numchild",
    "draft_title",
    "live",
    "has_unpublished_changes",
    "owner_id",
    "locked",
    "locked_by_id",
    "locked_at",
    "latest_revision_id",
    "latest_revision_created_at",
    "translation_key",
    "locale_id",
    "alias_of_id",
)


class RoundPage(Orderable):
    """A page in a round, pinned to the revision members read."""

    round = ParentalKey(Round, on_delete=models.CASCADE, related_name="round_pages")
    # PROTECT: a page or revision that members commented on must not vanish beneath them.
    page = models.ForeignKey(
        Page, verbose_name=_("page"), on_delete=models.PROTECT, related_name="+"
    )
    revision = models.ForeignKey(
        Revision,
        verbose_name=_("pinned revision"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta(Orderable.Meta):
        verbose_name = _("page in the round")
        constraints = [
            models.UniqueConstraint(fields=["round", "page"], name="round_page_once"),
        ]

    def __str__(self) -> str:
        return str(self.page)

    @cached_property
    def pinned_page(self) -> Page:
        """The page as it was at the pinned revision, which may never have been published.

        Built as Wagtail's ``Revision.as_object`` builds it, over the page row the round's
        queries already hold, less what a page only ever read here does not need: checks
        that its foreign keys still exist, its parent fetched for its URL path, and the
        positions of editors' review comments. Five queries fewer on every round page.
        """
        page = self.page
        pinned = page.specific_class.from_serializable_data(
            self.revision.content, check_fks=False, strict_fks=False
        )
        for field in PRESERVED_PAGE_FIELDS:
            setattr(pinned, field, getattr(page, field))
        pinned.pk = page.pk
        # The URL path as Page.set_url_path makes it, from the parent's (the live path
        # without its last part), with the slug as pinned.
        parent_path = page.url_path.rstrip("/").rpartition("/")[0]
        pinned.url_path = f"{parent_path}/{pinned.slug}/" if parent_path else page.url_path
        if pinned.first_published_at is None:
            pinned.first_published_at = page.first_published_at
        return pinned

    @property
    def pinned_title(self) -> str:
        """The page's title in the pinned revision, read without rebuilding the page."""
        return self.revision.content.get("title") or self.revision.object_str

    @cached_property
    def items(self) -> list[ConsultationItem]:
        """The pinned revision's items. A revision never changes, so they are cached for
        good: building them means rebuilding the page from the revision's content."""
        round_page_items_load([self])
        return self.__dict__["items"]

    def has_item(self, block_id: str) -> bool:
        return any(item.block_id == block_id for item in self.items)


def revision_items_key(revision: Revision) -> str:
    return f"consultations:revision-items:{revision.pk}:{revision.created_at.timestamp()}"


def revision_items(revision: Revision) -> list[ConsultationItem]:
    """The items of the page as the revision saved it, read from the revision's content
    alone: the page's live row and its relations are not needed to list its items."""
    model = ContentType.objects.get_for_id(revision.content_type_id).model_class()
    if (
        model is None
        or not issubclass(model, ConsultablePageMixin)
        or model.get_consultation_items is ConsultablePageMixin.get_consultation_items
    ):
        return []
    page = model.from_serializable_data(revision.content, check_fks=False, strict_fks=False)
    return page.get_consultation_items()


def round_page_items_load(round_pages: Iterable[RoundPage]) -> None:
    """Give each round page its ``items`` in a fixed number of queries, however many pages:
    from the cache, else from their revisions, which are then cached for good."""
    pending = [rp for rp in round_pages if "items" not in rp.__dict__]
    if not pending:
        return
    unloaded = {rp.revision_id for rp in pending if not RoundPage.revision.is_cached(rp)}
    revisions = Revision.objects.in_bulk(unloaded) if unloaded else {}
    for rp in pending:
        if rp.revision_id in revisions:
            rp.revision = revisions[rp.revision_id]
    keys = [revision_items_key(rp.revision) for rp in pending]
    cached = cache.get_many(set(keys))
    built = {}
    for rp, key in zip(pending, keys, strict=True):
        if key not in cached and key not in built:
            built[key] = revision_items(rp.revision)
        rp.__dict__["items"] = cached[key] if key in cached else built[key]
    if built:
        cache.set_many(built, timeout=None)
