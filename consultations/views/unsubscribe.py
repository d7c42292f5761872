"""Turning an email off from the link in it, without signing in."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from consultations.enums import NotificationKind
from consultations.services import unsubscribe as unsubscribe_apply
from consultations.services import unsubscription_find

WHAT_STOPS = {
    NotificationKind.INVITATION: _("emails about your invitation to the advisory group"),
    NotificationKind.ROUND_OPENED: _("emails when a consultation round opens for you"),
    NotificationKind.REMINDER: _("reminders before a round closes"),
    NotificationKind.ANSWER: _("emails when the research team answers your comments"),
    NotificationKind.REPLY: _("emails when someone replies to your comments"),
    NotificationKind.DIGEST: _("the daily digest of new comments"),
}


# The signed token in the address is what allows this, so no sign-in and no CSRF token: a
# mail program's one-click unsubscribe (RFC 8058) posts here without either. A GET only
# asks, because mail systems open links to scan them.
@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    # Language links would repeat the token in the page.
    request.language_links_hidden = True
    unsubscription = unsubscription_find(token)
    if unsubscription is None:
        response = render(
            request,
            "consultations/unsubscribe_unusable.html",
            {"contact_email": settings.CONSULTATIONS_CONTACT_EMAIL},
            status=404,
        )
    else:
        if request.method == "POST":
            unsubscribe_apply(unsubscription)
        response = render(
            request,
            "consultations/unsubscribe.html",
            {
                "what": WHAT_STOPS[unsubscription.kind],
                "done": unsubscription.is_done,
                "for_member": unsubscription.member is not None,
                "for_editor": unsubscription.user is not None,
                "contact_email": settings.CONSULTATIONS_CONTACT_EMAIL,
            },
        )
    response["Referrer-Policy"] = "no-referrer"
    return response
