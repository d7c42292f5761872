"""The small bar chart of a group's ratings, drawn on the server as inline SVG: one bar per
score, top band green, bottom band red, the middle grey, and her own score outlined. Its
text alternative lists every count, so a screen reader hears the whole chart.

A chart writes its own markup (``Chart.__html__``, so a template shows it with
``{{ chart }}``) rather than through an included template: the editors' results show
hundreds of charts of about ten bars each, and the template engine's cost per variable
made the charts most of that page's time. Its numbers are coordinates and counts of
members, written as plain digits, never localised.
"""

import functools
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

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
FILLS = {fill: fill for fill in (AGREEMENT_FILL, DISAGREEMENT_FILL, MIDDLE_FILL)}
OWN_OUTLINE = ' stroke="#212b32" stroke-width="2"'
OWN_MARK = " ◀"


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

    def __html__(self) -> SafeString:
        # Every value in a bar is a whole number or one of the fills above, so the bars need
        # no escaping (int() makes sure); the description is text and is escaped.
        bars = "".join(
            f'<text x="{int(self.label_x)}" y="{int(bar.text_y)}" text-anchor="end"'
            f' font-size="11" fill="currentColor" aria-hidden="true">{int(bar.score)}</text>'
            f'<rect x="{int(self.label_width)}" y="{int(bar.y)}" width="{int(bar.width)}"'
            f' height="{int(self.bar_height)}" fill="{FILLS[bar.fill]}"'
            f"{OWN_OUTLINE if bar.is_own else ''}></rect>"
            f'<text x="{int(bar.count_x)}" y="{int(bar.text_y)}" font-size="11"'
            f' fill="currentColor" aria-hidden="true">{int(bar.count)}'
            f"{OWN_MARK if bar.is_own else ''}</text>"
            for bar in self.bars
        )
        return format_html(
            '<svg class="app-distribution" role="img" aria-labelledby="{id}-title"'
            ' focusable="false" width="{width}" height="{height}"'
            ' viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
            '<title id="{id}-title">{description}</title>{bars}</svg>',
            id=self.id,
            width=self.width,
            height=self.height,
            description=self.description,
            bars=mark_safe(bars),  # noqa: S308 (whole numbers and fixed strings only)
        )

    def __str__(self) -> str:
        return self.__html__()


@dataclass(frozen=True)
class ChartWords:
    separator: str
    score_count: str
    description: str
    description_with_own: str


@functools.cache
def chart_words(language: str | None) -> ChartWords:
    """A chart's words in the active language (``language`` names it, as the key): looked
    up once, as a results page draws hundreds of charts."""
    return ChartWords(
        # Translators: the separator between the counts in a list such as "1: 0, 2: 3, 3: 1".
        separator=pgettext("list separator", ", "),
        # Translators: how many members gave one score, "7: 3" (score 7, 3 members).
        score_count=_("%(score)s: %(count)s"),
        description=_("How many gave each score, %(minimum)s to %(maximum)s: %(counts)s."),
        description_with_own=_(
            "How many gave each score, %(minimum)s to %(maximum)s: %(counts)s. "
            "Your rating: %(score)s."
        ),
    )


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
    words = chart_words(get_language())
    counts = words.separator.join(
        words.score_count % {"score": bar.score, "count": bar.count} for bar in bars
    )
    values = {"minimum": scale.minimum, "maximum": scale.maximum, "counts": counts}
    if own_score is None:
        description = words.description
    else:
        description = words.description_with_own
        values["score"] = own_score
    return Chart(id=id, bars=tuple(bars), description=description % values)
