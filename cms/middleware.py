"""Middleware every app shares."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


class PrivateWhenSignedInMiddleware:
    """Nothing sent to a signed-in person is kept by a shared cache, or by her browser.

    A page looks the same to everyone only when nobody is signed in: a member's pages name
    her pseudonym, an editor's may show who members are. The admin and the member views
    say so themselves already; this covers every other page (a Wagtail page read while
    signed in, an error page) and any view added later. Pages for the public keep whatever
    caching they asked for.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if signed_in(request):
            add_never_cache_headers(response)
        return response


def signed_in(request: HttpRequest) -> bool:
    """Whether the response goes to a signed-in person, as she is after the view (signing
    in and out change it). Without a session cookie, and no session begun in this request,
    nobody is signed in: looking would mark every public page "Vary: Cookie"."""
    has_session = settings.SESSION_COOKIE_NAME in request.COOKIES or request.session.modified
    return has_session and request.user.is_authenticated
