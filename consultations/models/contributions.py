from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page, Revision

from consultations.enums import Abstention, VersionKind
from consultations.models.members import Member
from consultations.models.rounds import Round

COMMENT_MAX_LENGTH = 2000
QUOTE_MAX_LENGTH = 500
REASON_MAX_LENGTH = 1000


class Contribution(models.Model):
    """What a comment and a rating share: where it was made, by whom, and on what revision.

    ``block_id`` is the requirement item's StreamField block id, or blank for the whole page.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(Page, on_delete=models.PROTECT, related_name="+")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    block_id = models.CharField(_("item"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    late = models.BooleanField(
        _("arrived after the round closed"),
        default=False,
        help_text=_("Kept for the research team, left out of the results."),
    )

    class Meta:
        abstract = True


class CommentQuerySet(models.QuerySet):
    def current(self) -> "CommentQuerySet":
        return self.filter(withdrawn_at__isnull=True)

    def on_time(self) -> "CommentQuerySet":
        return self.filter(late=False)


class Comment(Contribution):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    quote = models.TextField(_("the words you mean"), max_length=QUOTE_MAX_LENGTH, blank=True)
    body = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)
    edited_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["round", "page", "block_id"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="comment_body_not_empty"),
        ]

    def __str__(self) -> str:
        return _("Comment %(number)s") % {"number": self.pk}

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class CommentVersion(models.Model):
    """One state of a comment, as she made, changed or withdrew it; never updated."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    kind = models.CharField(max_length=20, choices=VersionKind.choices)
    quote = models.TextField(blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    late = models.BooleanField(default=False)
    form_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # A form sent twice (a double click, a resent POST) carries the same token, so
            # the database refuses the second copy even when both arrive at once.
            models.UniqueConstraint(fields=["form_token"], name="comment_version_form_once"),
        ]

    def __str__(self) -> str:
        return f"{self.comment} ({self.get_kind_display()})"


class RatingQuerySet(models.QuerySet):
    def counted(self) -> "RatingQuerySet":
        """Ratings that count in the results: on time, by members still taking part."""
        return self.filter(late=False, member__withdrawn_at__isnull=True)


class Rating(Contribution):
    """Her current rating of an item in a round; earlier values are in its versions."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ratings")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="ratings")
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    abstention = models.CharField(max_length=20, choices=Abstention.choices, blank=True)
    reason = models.TextField(_("reason"), max_length=REASON_MAX_LENGTH, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "page", "block_id", "member"],
                name="rating_one_per_member_item_round",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=False, abstention="")
                | models.Q(score__isnull=True) & ~models.Q(abstention=""),
                name="rating_score_or_abstention",
            ),
            models.CheckConstraint(condition=~models.Q(block_id=""), name="rating_is_of_an_item"),
        ]

    def __str__(self) -> str:
        return _("Rating %(number)s") % {"number": self.pk}


class RatingVersion(models.Model):
    """One rating she gave, including late ones that did not replace the current rating."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="versions")
    kind = models.CharField(max_length=20, choices=VersionKind.choices)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    abstention = models.CharField(max_length=20, choices=Abstention.choices, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    late = models.BooleanField(default=False)
    form_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form_token"], name="rating_version_form_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rating} ({self.get_kind_display()})"
