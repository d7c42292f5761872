from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Constituency(models.TextChoices):
    SERVICE_USER = "service_user", _("Service user")
    PROFESSIONAL = "professional", _("Professional")


class Audience(models.TextChoices):
    SERVICE_USERS = "service_users", _("Service users")
    PROFESSIONALS = "professionals", _("Professionals")
    BOTH = "both", _("Service users and professionals")

    @property
    def constituencies(self) -> tuple[str, ...]:
        return AUDIENCE_CONSTITUENCIES[self]


AUDIENCE_CONSTITUENCIES: dict[str, tuple[str, ...]] = {
    Audience.SERVICE_USERS: (Constituency.SERVICE_USER,),
    Audience.PROFESSIONALS: (Constituency.PROFESSIONAL,),
    Audience.BOTH: (Constituency.SERVICE_USER, Constituency.PROFESSIONAL),
}


class RoundStatus(models.TextChoices):
    """Derived from the round's times, never stored."""

    SCHEDULED = "scheduled", _("Not open yet")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Abstention(models.TextChoices):
    """A rating that is not a score: she read the item and chose not to score it."""

    UNABLE = "unable", _("I'm unable to rate this")
    DECLINED = "declined", _("I'd rather not rate this")


@dataclass(frozen=True)
class ScaleDefinition:
    """A rating scale: its scores, its top (agreement) band ``agreement_from``..maximum
    and its bottom (disagreement) band minimum..``disagreement_to``."""

    minimum: int
    maximum: int
    agreement_from: int
    disagreement_to: int
    labels: dict[int, str]

    @property
    def scores(self) -> range:
        return range(self.minimum, self.maximum + 1)

    def in_agreement(self, score: int) -> bool:
        return self.agreement_from <= score <= self.maximum

    def in_disagreement(self, score: int) -> bool:
        return self.minimum <= score <= self.disagreement_to


class RatingScale(models.TextChoices):
    NINE_POINT = "nine_point", _("1 to 9, where 7 to 9 is agreement (GRADE-style Delphi)")
    FIVE_POINT = "five_point", _("5-point agreement, from strongly disagree to strongly agree")

    @property
    def definition(self) -> ScaleDefinition:
        return SCALE_DEFINITIONS[self]


SCALE_DEFINITIONS: dict[str, ScaleDefinition] = {
    RatingScale.NINE_POINT: ScaleDefinition(
        minimum=1,
        maximum=9,
        agreement_from=7,
        disagreement_to=3,
        labels={
            1: _("1 - strongly disagree"),
            2: "2",
            3: "3",
            4: "4",
            5: _("5 - unsure"),
            6: "6",
            7: "7",
            8: "8",
            9: _("9 - strongly agree"),
        },
    ),
    RatingScale.FIVE_POINT: ScaleDefinition(
        minimum=1,
        maximum=5,
        agreement_from=4,
        disagreement_to=2,
        labels={
            1: _("Strongly disagree"),
            2: _("Disagree"),
            3: _("Neither agree nor disagree"),
            4: _("Agree"),
            5: _("Strongly agree"),
        },
    ),
}


class Consensus(models.TextChoices):
    """An item's outcome in a round under the round's consensus rule (see
    ``consultations.results``). "Too few to show" is not an outcome: it is how a small
    group's outcome is hidden from members."""

    IN = "in", _("Consensus to include")
    OUT = "out", _("Consensus to exclude")
    NONE = "none", _("No consensus")


class VersionKind(models.TextChoices):
    """What a member did to make a version of her comment or rating."""

    CREATED = "created", _("Made")
    EDITED = "edited", _("Changed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Withdrawal(models.TextChoices):
    """What happens to what she contributed when she leaves the study: her choice."""

    ANONYMISED = "anonymised", _("Keep my comments and ratings without my name")
    DELETED = "deleted", _("Delete my comments and ratings")


class AnswerStatus(models.TextChoices):
    """What the research team did with a comment, as the member is told."""

    ACCEPTED = "accepted", _("Accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    NOT_ADOPTED = "not_adopted", _("Not adopted")
    NOTED = "noted", _("Noted")


class EnteredVia(models.TextChoices):
    """How a member gave the research team what they entered for her."""

    PHONE = "phone", _("Phone call")
    MEETING = "meeting", _("Meeting")
    WRITING = "writing", _("Letter or message")


class ModerationState(models.TextChoices):
    """A comment's place in the moderation queue, derived from its fields."""

    VISIBLE = "visible", _("Shown")
    HIDDEN = "hidden", _("Hidden by the research team")
    WITHDRAWN = "withdrawn", _("Withdrawn by the member")
    LATE = "late", _("Arrived after the round closed")


class ItemChange(models.TextChoices):
    """What became of a requirement item between two revisions of its page."""

    UNCHANGED = "unchanged", _("Text unchanged")
    CHANGED = "changed", _("Text changed")
    REMOVED = "removed", _("Item removed")
    ADDED = "added", _("New item")


class Nation(models.TextChoices):
    """Where a study site is. Blank on a site means not recorded."""

    ENGLAND = "england", _("England")
    SCOTLAND = "scotland", _("Scotland")
    WALES = "wales", _("Wales")
    NORTHERN_IRELAND = "northern_ireland", _("Northern Ireland")


NATION_NOT_RECORDED = _("Not recorded")


class YouSaidWeDid(models.TextChoices):
    """Who may read a round's "you said, we did" page."""

    NOT_PUBLISHED = "not_published", _("Not published")
    MEMBERS = "members", _("Published to the round's members")
    EVERYONE = "everyone", _("Published to everyone (a public page)")


class SupportArea(models.TextChoices):
    ENGLAND = "england", _("England")
    SCOTLAND = "scotland", _("Scotland")
    UK = "uk", _("Anywhere in the UK")


class ExportDataset(models.TextChoices):
    COMMENTS = "comments", _("Comments, one row per version")
    RATINGS = "ratings", _("Ratings, one row per version")


class ExportFormat(models.TextChoices):
    CSV = "csv", _("CSV (for R, Stata, SPSS or Python)")
    XLSX = "xlsx", _("Excel workbook (XLSX)")


class ExportIdentity(models.TextChoices):
    """How an export names each member: the first two for anyone who may export, the
    third only with the identity permission."""

    PSEUDONYM = "pseudonym", _("Pseudonym")
    STUDY_ID = "study_id", _("Study id")
    REAL_NAMES = "real_names", _("Study id, pseudonym, real name, email address and study site")


class NotificationKind(models.TextChoices):
    """The emails the consultation sends. Each but the invitation and the digest goes to a
    member who can turn it off; the digest goes to editors, who can too."""

    INVITATION = "invitation", _("Invitation")
    ROUND_OPENED = "round_opened", _("Round opened")
    REMINDER = "reminder", _("Reminder before a round closes")
    ANSWER = "answer", _("Research team's answer")
    REPLY = "reply", _("Reply to a comment")
    DIGEST = "digest", _("Daily digest of new comments")


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    RETRYING = "retrying", _("Failed, will be tried again")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")
    CANCELLED = "cancelled", _("No longer needed")


# A notification in one of these may still be sent by the task or the next sweep.
NOTIFICATION_STATUSES_PENDING = (NotificationStatus.QUEUED, NotificationStatus.RETRYING)
