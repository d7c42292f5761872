"""Care for the people taking part: the support services page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from consultations import selectors


@require_GET
def support(request: HttpRequest) -> HttpResponse:
    """The support services, by area: for anyone, signed in or not."""
    return render(
        request,
        "consultations/support.html",
        {
            "groups": selectors.support_services_by_area(),
            "breadcrumbs": [{"title": _("Home"), "url": "/"}],
        },
    )
