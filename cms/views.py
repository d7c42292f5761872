from django.apps import apps
from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.template.response import TemplateResponse

from wagtail.models import Page

from cms.forms import SearchForm

SEARCH_RESULTS_PER_PAGE = 10


def search(request: HttpRequest) -> TemplateResponse:
    """Site search over the published, public pages of the types in SITE_SEARCH_PAGE_TYPES."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    results = Page.objects.none()
    if query:
        page_types = [apps.get_model(label) for label in settings.SITE_SEARCH_PAGE_TYPES]
        results = Page.objects.live().public().type(*page_types).specific().search(query)
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
