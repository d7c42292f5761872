"""Who was invited to a round and who responded, by constituency and by nation, and who
was lost or gained since the round it follows. Counts only: nothing here names a member
or her site.

The rules:

- **Invited**: members of the round's audience who consented before the round closed and
  had not withdrawn before it opened.
- **Took part**: made at least one on-time rating, or one on-time comment or reply she
  has not taken back, in the round.
- **Responded**: took part and has not withdrawn. The results leave out the ratings of
  every member who withdrew, whenever she withdrew, so she is not among the responders
  either; she stays among the invited of the rounds she was invited to (she was asked)
  and is counted in the **withdrawn** column, so a rate that fell because someone left
  says so.
- **Nation**: her study site's; for a member who withdrew (withdrawal erases her site),
  the nation her site was in, kept for this. A member with no site, or a site with no
  nation, counts as "Not recorded".
- **Attrition** from the round followed to this one, per constituency: of those who took
  part in the earlier round (withdrawn or not), how many responded in this one and how
  many did not, and of those how many have withdrawn; and how many responded here without
  having taken part before. A member who withdrew asking for her contributions to be
  deleted left nothing to count, so she is missing from both rounds.

Each figure comes from one grouped query in the database: two queries for a round, three
when it follows another, whatever the number of members.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from consultations.enums import (
    AUDIENCE_CONSTITUENCIES,
    NATION_NOT_RECORDED,
    Constituency,
    Nation,
)
from consultations.models import Comment, Member, Rating, Round

NOT_RECORDED = ""


@dataclass(frozen=True)
class Turnout:
    """One row of a response table: a constituency, a nation, or everyone."""

    label: str
    invited: int = 0
    responded: int = 0
    withdrawn: int = 0

    @property
    def rate(self) -> int | None:
        """Responders as a whole percentage of the invited, halves rounded up (1 of 8 is
        13%, as a reader working it out would say); None when nobody was invited."""
        if not self.invited:
            return None
        return (200 * self.responded + self.invited) // (2 * self.invited)

    def __add__(self, other: "Turnout") -> "Turnout":
        return Turnout(
            label=self.label,
            invited=self.invited + other.invited,
            responded=self.responded + other.responded,
            withdrawn=self.withdrawn + other.withdrawn,
        )


@dataclass(frozen=True)
class Attrition:
    """One constituency between the round followed and this round."""

    label: str
    took_part_before: int = 0
    stayed: int = 0
    lost: int = 0
    lost_withdrawn: int = 0
    new: int = 0

    def __add__(self, other: "Attrition") -> "Attrition":
        return Attrition(
            label=self.label,
            took_part_before=self.took_part_before + other.took_part_before,
            stayed=self.stayed + other.stayed,
            lost=self.lost + other.lost,
            lost_withdrawn=self.lost_withdrawn + other.lost_withdrawn,
            new=self.new + other.new,
        )


@dataclass(frozen=True)
class RoundParticipation:
    """What ``participation.html`` shows for a round."""

    round: Round
    by_constituency: list[Turnout]
    by_nation: list[Turnout]
    total: Turnout
    previous: Round | None = None
    attrition: list[Attrition] = field(default_factory=list)
    attrition_total: Attrition | None = None

    @property
    def tables(self) -> list[tuple[str, list[Turnout]]]:
        return [
            (_("By constituency"), self.by_constituency),
            (_("By nation of the study site"), self.by_nation),
        ]


def members_invited(round: Round) -> QuerySet[Member]:
    return Member.objects.filter(
        constituency__in=AUDIENCE_CONSTITUENCIES[round.audience],
        consent_given_at__lt=round.closes_at,
    ).filter(Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=round.opens_at))


def took_part(round: Round) -> Q:
    """True of a member (in a Member query) who took part in the round."""
    rated = Rating.objects.filter(round=round, member=OuterRef("pk"), late=False)
    commented = Comment.objects.filter(
        round=round, author=OuterRef("pk"), late=False, withdrawn_at__isnull=True
    )
    return Q(Exists(rated)) | Q(Exists(commented))


def responded(round: Round) -> Q:
    return took_part(round) & Q(withdrawn_at__isnull=True)


def _label(choices: type[Constituency] | type[Nation], value: str) -> str:
    return str(choices(value).label) if value else str(NATION_NOT_RECORDED)


def round_turnout(round: Round) -> tuple[list[Turnout], list[Turnout], Turnout]:
    """Invited, responded and withdrawn by constituency (every one of the audience, in
    the audience's order) and by nation (those with anyone invited, "Not recorded" last),
    and for everyone, from one query grouped by both."""
    rows = (
        members_invited(round)
        .annotate(
            nation=Coalesce(
                NullIf("study_site__nation", Value("")),
                NullIf("nation_kept", Value("")),
                Value(NOT_RECORDED),
            )
        )
        .values("constituency", "nation")
        .annotate(
            invited=Count("pk"),
            responded=Count("pk", filter=responded(round)),
            withdrawn=Count("pk", filter=Q(withdrawn_at__isnull=False)),
        )
        .order_by()
    )
    constituencies = AUDIENCE_CONSTITUENCIES[round.audience]
    by_constituency = {c: Turnout(_label(Constituency, c)) for c in constituencies}
    by_nation: dict[str, Turnout] = {}
    for row in rows:
        counts = Turnout(
            "", invited=row["invited"], responded=row["responded"], withdrawn=row["withdrawn"]
        )
        by_constituency[row["constituency"]] += counts
        nation = row["nation"] or NOT_RECORDED
        by_nation[nation] = by_nation.get(nation, Turnout(_label(Nation, nation))) + counts
    nations = [by_nation[n] for n in [*Nation.values, NOT_RECORDED] if n in by_nation]
    total = sum(by_constituency.values(), Turnout(str(_("All members"))))
    return list(by_constituency.values()), nations, total


def round_attrition(round: Round, previous: Round) -> tuple[list[Attrition], Attrition]:
    """Between ``previous`` and ``round``, per constituency of this round's audience, from
    one query grouped by constituency."""
    before, now = took_part(previous), responded(round)
    rows = (
        Member.objects.filter(constituency__in=AUDIENCE_CONSTITUENCIES[round.audience])
        .filter(before | now)
        .values("constituency")
        .annotate(
            took_part_before=Count("pk", filter=before),
            stayed=Count("pk", filter=before & now),
            lost=Count("pk", filter=before & ~now),
            lost_withdrawn=Count("pk", filter=before & ~now & Q(withdrawn_at__isnull=False)),
            new=Count("pk", filter=~before & now),
        )
        .order_by()
    )
    by_constituency = {
        c: Attrition(_label(Constituency, c)) for c in AUDIENCE_CONSTITUENCIES[round.audience]
    }
    for row in rows:
        constituency = row.pop("constituency")
        by_constituency[constituency] += Attrition("", **row)
    total = sum(by_constituency.values(), Attrition(str(_("All members"))))
    return list(by_constituency.values()), total


def round_participation(round: Round) -> RoundParticipation:
    by_constituency, by_nation, total = round_turnout(round)
    participation = RoundParticipation(
        round=round, by_constituency=by_constituency, by_nation=by_nation, total=total
    )
    previous = round.follows
    if previous is None:
        return participation
    attrition, attrition_total = round_attrition(round, previous)
    return RoundParticipation(
        round=round,
        by_constituency=by_constituency,
        by_nation=by_nation,
        total=total,
        previous=previous,
        attrition=attrition,
        attrition_total=attrition_total,
    )
