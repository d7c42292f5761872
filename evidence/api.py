"""The read-only public API (Wagtail API v2): published evidence summaries and lay findings."""

from django.urls import path

from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from evidence.models import EvidenceSummaryPage, LayFindingsPage


class EvidencePagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint, narrowed to the page types the public may reuse.

    It has no full-text search (/search/ is the site's search): SQLite's search fails on
    some queries, and the API's search parameter cannot be cleaned before it runs.
    """

    name = "pages"
    public_page_types = (EvidenceSummaryPage, LayFindingsPage)
    filter_backends = [
        backend for backend in PagesAPIViewSet.filter_backends if backend is not SearchFilter
    ]
    known_query_parameters = PagesAPIViewSet.known_query_parameters - {
        "search",
        "search_operator",
    }

    def get_base_queryset(self):
        return super().get_base_queryset().type(*self.public_page_types)

    def find_object(self, queryset, request):
        # Wagtail looks the id up as given, and a word for an id is a server error there.
        id_ = request.GET.get("id")
        if id_ is not None and not (id_.isascii() and id_.isdecimal()):
            raise BadRequestError("id must be a whole number")
        return super().find_object(queryset, request)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", EvidencePagesAPIViewSet)

urlpatterns = [path("", api_router.urls)]
