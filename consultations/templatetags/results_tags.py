"""How results' figures read: a score or quartile to at most two decimals ("7", "6.5",
"4.75"), a share as a percentage to at most one ("70%", "66.7%"), "–" for none."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

NONE = "–"


def _trimmed(value: float, places: int) -> str:
    rounded = round(value, places)
    if rounded == int(rounded):
        return number_format(int(rounded))
    text = f"{rounded:.{places}f}".rstrip("0")
    return number_format(float(text), decimal_pos=len(text.split(".")[1]))


@register.filter
def figure(value: float | None) -> str:
    return NONE if value is None else _trimmed(value, 2)


@register.filter
def percent(share: float | None) -> str:
    if share is None:
        return NONE
    # Translators: a percentage, "70%". Write it as your language does, such as "70 %".
    return _("%(number)s%%") % {"number": _trimmed(share * 100, 1)}
