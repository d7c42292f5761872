from datetime import datetime
from functools import cached_property

from django.conf import settings
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
        """The page as it was at the pinned revision, which may never have been published."""
        return self.revision.as_object()

    @cached_property
    def items(self) -> list[ConsultationItem]:
        """The pinned revision's items. A revision never changes, so they are cached for
        good: building them means rebuilding the page from the revision's content."""
        made = self.revision.created_at.timestamp()
        key = f"consultations:revision-items:{self.revision_id}:{made}"
        items = cache.get(key)
        if items is None:
            page = self.pinned_page
            items = page.get_consultation_items() if isinstance(page, ConsultablePageMixin) else []
            cache.set(key, items, timeout=None)
        return items

    def has_item(self, block_id: str) -> bool:
        return any(item.block_id == block_id for item in self.items)
