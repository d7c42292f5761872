from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from wagtail.models import Page, Revision

from consultations.enums import Abstention, AnswerStatus, EnteredVia, ModerationState, VersionKind
from consultations.models.members import Member
from consultations.models.rounds import Round

COMMENT_MAX_LENGTH = 2000
QUOTE_MAX_LENGTH = 500
REASON_MAX_LENGTH = 1000
ANSWER_MAX_LENGTH = 4000
HIDDEN_REASON_MAX_LENGTH = 1000


def entered_by_field() -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )


def entered_via_field() -> models.CharField:
    # Blank when she sent it herself; else how she gave it to the research team, who
    # entered it for her with her agreement.
    return models.CharField(
        _("entered for her after"), max_length=20, choices=EnteredVia.choices, blank=True
    )


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

    def shown(self) -> "CommentQuerySet":
        """Comments others may read: on time, not withdrawn, not hidden by the team."""
        return self.filter(late=False, withdrawn_at__isnull=True, hidden_at__isnull=True)

    def in_state(self, state: str) -> "CommentQuerySet":
        if state == ModerationState.HIDDEN:
            return self.filter(hidden_at__isnull=False)
        if state == ModerationState.WITHDRAWN:
            return self.filter(withdrawn_at__isnull=False)
        if state == ModerationState.LATE:
            return self.filter(late=True)
        if state == ModerationState.VISIBLE:
            return self.shown()
        return self


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
    entered_by = entered_by_field()
    entered_via = entered_via_field()
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    hidden_reason = models.TextField(
        _("why it is hidden"), max_length=HIDDEN_REASON_MAX_LENGTH, blank=True
    )
    answer_status = models.CharField(
        _("answer"), max_length=20, choices=AnswerStatus.choices, blank=True
    )
    answer = models.TextField(_("response"), max_length=ANSWER_MAX_LENGTH, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["round", "page", "block_id"])]
        constraints = [
            models.CheckConstraint(condition=~models.Q(body=""), name="comment_body_not_empty"),
            # She is always told why: a hidden comment has a reason, a shown one none.
            models.CheckConstraint(
                condition=models.Q(hidden_at__isnull=True, hidden_reason="")
                | models.Q(hidden_at__isnull=False) & ~models.Q(hidden_reason=""),
                name="comment_hidden_with_reason",
            ),
            # An answer is a status and the words she will read, together.
            models.CheckConstraint(
                condition=models.Q(answer_status="", answer="", answered_at__isnull=True)
                | ~models.Q(answer_status="")
                & ~models.Q(answer="")
                & models.Q(answered_at__isnull=False),
                name="comment_answer_complete",
            ),
        ]

    def __str__(self) -> str:
        return _("Comment %(number)s") % {"number": self.pk}

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_answered(self) -> bool:
        return bool(self.answer_status)

    @property
    def moderation_state(self) -> ModerationState:
        if self.is_withdrawn:
            return ModerationState.WITHDRAWN
        if self.is_hidden:
            return ModerationState.HIDDEN
        if self.late:
            return ModerationState.LATE
        return ModerationState.VISIBLE


class CommentVersion(models.Model):
    """One state of a comment, as she made, changed or withdrew it; never updated."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="versions")
    kind = models.CharField(max_length=20, choices=VersionKind.choices)
    quote = models.TextField(blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    late = models.BooleanField(default=False)
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    entered_by = entered_by_field()
    entered_via = entered_via_field()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            # A form sent twice (a double click, a resent POST) carries the same token, so
            # the database refuses the second copy even when both arrive at once.
            models.UniqueConstraint(fields=["form_token"], name="comment_version_form_once"),
        ]

    def __str__(self) -> str:
        # Translators: one version of a comment, "Comment 12 (Changed)".
        return _("%(comment)s (%(kind)s)") % {
            "comment": self.comment,
            "kind": self.get_kind_display(),
        }


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
    # Of the current value: cleared when she changes the rating herself.
    entered_by = entered_by_field()
    entered_via = entered_via_field()

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
    entered_by = entered_by_field()
    entered_via = entered_via_field()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form_token"], name="rating_version_form_once"),
        ]

    def __str__(self) -> str:
        # Translators: one version of a rating, "Rating 12 (Changed)".
        return _("%(rating)s (%(kind)s)") % {
            "rating": self.rating,
            "kind": self.get_kind_display(),
        }
