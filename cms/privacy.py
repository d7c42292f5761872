"""Page privacy in the query that asks for the pages."""

from django.db.models import Exists, F, OuterRef
from django.db.models.lookups import StartsWith

from wagtail.models import PageViewRestriction
from wagtail.query import PageQuerySet


def public(pages: PageQuerySet) -> PageQuerySet:
    """The pages no view restriction covers, as ``PageQuerySet.public()`` finds them, but
    without reading every restriction in a query of its own first: a page is private when
    a restriction's page is the page itself or above it."""
    restricted = PageViewRestriction.objects.filter(StartsWith(OuterRef("path"), F("page__path")))
    return pages.exclude(Exists(restricted))
