"""How many comments and ratings a member may send in a while (django-ratelimit).

The limits are far above what a person types or clicks, so only a script meets them. The
counts live in the default cache, which production shares between app servers.
"""

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from django_ratelimit.core import get_usage

from consultations.formatting import clock_time

TOO_MANY_REQUESTS = 429

MESSAGES = {
    "comment": lambda time: (
        _(
            "You have sent a lot of comments in a short time, so this one is not saved yet. "
            "Your words are still below: send them again after %(time)s."
        )
        % {"time": time}
    ),
    "rating": lambda time: (
        _(
            "You have sent a lot of ratings in a short time, so this one is not saved yet. "
            "Send it again after %(time)s."
        )
        % {"time": time}
    ),
    "draft": lambda time: (
        _(
            "You have kept a lot of drafts in a short time, so this one is not kept yet. "
            "Your words are still below: try again after %(time)s."
        )
        % {"time": time}
    ),
}


def member_key(group: str, request: HttpRequest) -> str:
    return str(request.member.pk)


def limit_reached(request: HttpRequest, *, kind: str, form: forms.Form | None) -> bool:
    """Counts what she sends of ``kind``; past the limit, tells her on ``form`` (if there
    is one) when she may send it again, and marks the response for :func:`limit_status`."""
    usage = get_usage(
        request,
        group=f"consultations.{kind}",
        key=member_key,
        rate=settings.CONSULTATIONS_RATE_LIMITS[kind],
        method="POST",
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return False
    # The count starts again when the window ends; name the minute after it, never earlier.
    again = timezone.now() + timedelta(seconds=max(usage["time_left"], 0) + 60)
    if form is not None:
        form.add_error(None, MESSAGES[kind](clock_time(again)))
    request.consultations_rate_limited = True
    return True


def limit_status(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answers 429 Too Many Requests when the view met a limit, so scripts can tell."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if getattr(request, "consultations_rate_limited", False):
            response.status_code = TOO_MANY_REQUESTS
        return response

    return wrapper
