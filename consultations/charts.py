"""The small bar chart of a group's ratings, drawn on the server as inline SVG
(``consultations/includes/distribution_chart.html``): one bar per score, top band green,
bottom band red, the middle grey, and her own score outlined. Its text alternative lists
every count, so a screen reader hears the whole chart."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from consultations.enums import ScaleDefinition
from consultations.results import GroupResult

ROW = 16
BAR_HEIGHT = 12
LABEL_WIDTH = 20
BAR_WIDTH = 120
COUNT_WIDTH = 56

AGREEMENT_FILL = "#007f3b"
DISAGREEMENT_FILL = "#d5281b"
MIDDLE_FILL = "#768692"


@dataclass(frozen=True)
class Bar:
    score: int
    count: int
    y: int
    width: int
    fill: str
    is_own: bool

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 2

    @property
    def count_x(self) -> int:
        return LABEL_WIDTH + self.width + 4


@dataclass(frozen=True)
class Chart:
    id: str
    bars: tuple[Bar, ...]
    description: str
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def width(self) -> int:
        return LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH

    @property
    def height(self) -> int:
        return ROW * len(self.bars)

    @property
    def label_x(self) -> int:
        return LABEL_WIDTH - 6


def distribution_chart(
    group: GroupResult, *, scale: ScaleDefinition, id: str, own_score: int | None = None
) -> Chart:
    largest = group.largest_count
    bars = []
    for row, (score, count) in enumerate(sorted(group.distribution.items())):
        if scale.in_agreement(score):
            fill = AGREEMENT_FILL
        elif scale.in_disagreement(score):
            fill = DISAGREEMENT_FILL
        else:
            fill = MIDDLE_FILL
        width = round(BAR_WIDTH * count / largest) if largest else 0
        bars.append(
            Bar(
                score=score,
                count=count,
                y=row * ROW + (ROW - BAR_HEIGHT) // 2,
                # A score nobody gave still shows as a sliver, so the row reads as zero.
                width=max(width, 1),
                fill=fill,
                is_own=score == own_score,
            )
        )
    # Translators: the separator between the counts in a list such as "1: 0, 2: 3, 3: 1".
    separator = pgettext("list separator", ", ")
    counts = separator.join(
        # Translators: how many members gave one score, "7: 3" (score 7, 3 members).
        _("%(score)s: %(count)s") % {"score": bar.score, "count": bar.count}
        for bar in bars
    )
    values = {"minimum": scale.minimum, "maximum": scale.maximum, "counts": counts}
    if own_score is None:
        description = _("How many gave each score, %(minimum)s to %(maximum)s: %(counts)s.")
    else:
        description = _(
            "How many gave each score, %(minimum)s to %(maximum)s: %(counts)s. "
            "Your rating: %(score)s."
        )
        values["score"] = own_score
    return Chart(id=id, bars=tuple(bars), description=description % values)
