"""Dates and progress in the plain words members read, the way NHS.UK writes them."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from consultations.selectors import Progress

NHS_CLOCK = "NHS"


def clock_time(moment: datetime) -> str:
    """ "5pm", "9:30am", "midday", "midnight": the NHS.UK style, not "17:00" or "5 p.m.".
    A language that writes times otherwise gives its own date format instead."""
    local = timezone.localtime(moment)
    # Translators: how a time of day is written, as a Django date format such as "H:i"
    # (17:05) or "G:i". Keep "NHS" for the NHS.UK style of English: 5pm, 9:30am, midday,
    # midnight.
    style = pgettext("clock time format", "NHS")
    if style != NHS_CLOCK:
        return date_format(local, style)
    if local.minute == 0 and local.hour == 0:
        return _("midnight")
    if local.minute == 0 and local.hour == 12:
        return _("midday")
    morning = local.hour < 12
    values = {
        "hour": local.hour % 12 or 12,
        "minute": f"{local.minute:02d}",
        "suffix": pgettext("before noon", "am") if morning else pgettext("after noon", "pm"),
    }
    if local.minute == 0:
        # Translators: a time on the hour in the NHS.UK style, "5pm".
        return pgettext("clock time", "%(hour)s%(suffix)s") % values
    # Translators: a time in the NHS.UK style, "9:30am".
    return pgettext("clock time", "%(hour)s:%(minute)s%(suffix)s") % values


def grouped(number: int) -> str:
    """A count with its thousands marked as her language marks them: "20,000"."""
    return number_format(number, force_grouping=True)


def day_and_date(moment: datetime, now: datetime) -> str:
    """ "Thursday 3 December", with the year only when it is not this year."""
    local = timezone.localtime(moment)
    same_year = local.year == timezone.localtime(now).year
    return date_format(local, "l j E" if same_year else "l j E Y")


def deadline_phrase(closes_at: datetime, now: datetime | None = None) -> str:
    """When an open round closes: "closes in 3 days, on Thursday 3 December at 5pm"."""
    now = now or timezone.now()
    days = (timezone.localdate(closes_at) - timezone.localdate(now)).days
    at = clock_time(closes_at)
    if days >= 2:
        return ngettext(
            "closes in %(days)d day, on %(date)s at %(time)s",
            "closes in %(days)d days, on %(date)s at %(time)s",
            days,
        ) % {"days": days, "date": day_and_date(closes_at, now), "time": at}
    if days == 1:
        return _("closes tomorrow at %(time)s") % {"time": at}
    minutes = max(1, int((closes_at - now).total_seconds() // 60))
    if minutes < 60:
        left = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    else:
        hours = minutes // 60
        left = ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return _("closes today at %(time)s, in %(left)s") % {"time": at, "left": left}


def closed_phrase(closes_at: datetime) -> str:
    """ "Closed on Thursday 3 December 2026 at 5pm": a closed round always shows its year."""
    local = timezone.localtime(closes_at)
    return _("Closed on %(date)s at %(time)s") % {
        "date": date_format(local, "l j E Y"),
        "time": clock_time(closes_at),
    }


def opens_phrase(opens_at: datetime, now: datetime | None = None) -> str:
    """ "Opens on Thursday 3 December at 5pm"."""
    now = now or timezone.now()
    return _("Opens on %(date)s at %(time)s") % {
        "date": day_and_date(opens_at, now),
        "time": clock_time(opens_at),
    }


def round_timing_sentence(
    opens_at: datetime, closes_at: datetime, now: datetime | None = None
) -> str:
    """The round's deadline as one sentence, in the dashboard's words wherever it is shown:
    "Closes in 3 days, on Thursday 3 December at 5pm.", "Closed on … at 5pm."."""
    now = now or timezone.now()
    if now < opens_at:
        phrase = opens_phrase(opens_at, now)
    elif now < closes_at:
        phrase = deadline_phrase(closes_at, now)
    else:
        phrase = closed_phrase(closes_at)
    return sentence(phrase)


def deadline_sentence(closes_at: datetime, now: datetime | None = None) -> str:
    """ "Closes in 3 days, on Thursday 3 December at 5pm.": an open round's deadline."""
    return sentence(deadline_phrase(closes_at, now))


def sentence(phrase: str) -> str:
    """A phrase made a sentence of its own: a capital first letter and a full stop."""
    # Translators: a phrase such as "Closes in 3 days, on Thursday 3 December at 5pm"
    # made a sentence on its own: end it as your language ends a sentence.
    return pgettext("sentence", "%(phrase)s.") % {"phrase": capfirst(phrase)}


def progress_sentence(progress: Progress) -> str:
    """ "You have rated 3 of 13 requirements and made 2 comments."; a round with nothing to
    rate speaks only of comments."""
    comments = ngettext(
        "%(count)d comment",
        "%(count)d comments",
        progress.comments,
    ) % {"count": progress.comments}
    if not progress.items:
        return _("You have made %(comments)s.") % {"comments": comments}
    rated = ngettext(
        "%(rated)d of %(items)d requirement",
        "%(rated)d of %(items)d requirements",
        progress.items,
    ) % {"rated": progress.rated, "items": progress.items}
    return _("You have rated %(rated)s and made %(comments)s.") % {
        "rated": rated,
        "comments": comments,
    }


def answers_sentence(progress: Progress) -> str:
    """What became of her comments in a closed round: "The research team has answered 2 of
    your 3 comments."; nothing if she made none."""
    if not progress.comments:
        return ""
    return ngettext(
        "The research team has answered %(answered)d of your %(count)d comment.",
        "The research team has answered %(answered)d of your %(count)d comments.",
        progress.comments,
    ) % {"answered": progress.answered, "count": progress.comments}


def draft_kept_sentence(updated_at: datetime, now: datetime | None = None) -> str:
    """ "Not sent yet. We kept what you typed on Thursday 3 December at 2:02pm."."""
    now = now or timezone.now()
    return _("Not sent yet. We kept what you typed on %(date)s at %(time)s.") % {
        "date": day_and_date(updated_at, now),
        "time": clock_time(updated_at),
    }
