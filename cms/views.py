from django.apps import apps
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views import defaults

from wagtail.models import Locale, Page

from axes.helpers import get_cool_off

from cms.forms import SearchForm
from cms.languages import readable_in
from cms.page_cache import public_page

SEARCH_RESULTS_PER_PAGE = 10


@public_page
def search(request: HttpRequest) -> TemplateResponse:
    """Site search over the published, public pages of the types in SITE_SEARCH_PAGE_TYPES,
    in the reader's language where they are translated into it."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = Page.objects.none()
    if query:
        page_types = [apps.get_model(label) for label in settings.SITE_SEARCH_PAGE_TYPES]
        readable = readable_in(Page.objects.live().public().type(*page_types), Locale.get_active())
        # The search backend filters on indexed fields only: the choice is made first.
        pages = Page.objects.filter(pk__in=list(readable.values_list("pk", flat=True)))
        results = pages.specific().search(query)
    paginator = Paginator(results, SEARCH_RESULTS_PER_PAGE)
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "form": form,
            "search_query": query,
            "results": paginator.get_page(request.GET.get("page")),
            "result_count": paginator.count,
        },
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page with the site's menu and footer links while the database still answers.

    If rendering them fails too, Django's own handler renders the same template bare.
    """
    try:
        return TemplateResponse(request, "500.html", status=500).render()
    except Exception:  # noqa: BLE001 - whatever broke the request may break this page too
        return defaults.server_error(request)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """django-axes's lockout page: what happened and when to try again, in the admin's
    layout for the admin's sign-in and the site's for everyone else's."""
    wait = get_cool_off(request)
    admin = request.path_info.startswith("/admin/")
    return TemplateResponse(
        request,
        "wagtailadmin/locked_out.html" if admin else "locked_out.html",
        {
            "wait_minutes": round(wait.total_seconds() / 60) if wait else None,
            # A failure while locked out restarts the wait, so it ends that long from now.
            "try_again_at": timezone.localtime() + wait if wait else None,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    ).render()
