"""The read-only public API (Wagtail API v2): published evidence summaries and lay findings."""

from django.urls import path

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet

from evidence.models import EvidenceSummaryPage, LayFindingsPage


class EvidencePagesAPIViewSet(PagesAPIViewSet):
    """Wagtail's pages endpoint, narrowed to the page types the public may reuse."""

    name = "pages"
    public_page_types = (EvidenceSummaryPage, LayFindingsPage)

    def get_base_queryset(self):
        return super().get_base_queryset().type(*self.public_page_types)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", EvidencePagesAPIViewSet)

urlpatterns = [path("", api_router.urls)]
