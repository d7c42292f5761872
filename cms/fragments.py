"""What every public page shows around its content (the menu, breadcrumbs, the page's
address in each language, the footer's links), kept between requests.

A page the page cache cannot answer (a new query string, a signed-in member) still shows
the same menu, trail and links as every other reader of its language on the site sees, and
reading them took most of its queries. They are kept in the page cache's cache under its
generation (``cms.page_cache``), so whatever makes pages read afresh (publishing,
unpublishing, moving or deleting a page, page privacy, the snippets and settings pages
show) makes these read afresh too.

Only what is the same for everyone is kept, never anything about a reader: her account
links and CSRF token are not part of them, and what depends on her request (which menu
entry is the page she reads, her filters carried to the other languages) is added after.
"""

import logging
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import caches
from django.http import HttpRequest
from django.utils import translation

from wagtail.models import Site

from cms.page_cache import CACHE_ALIAS, request_generation

logger = logging.getLogger(__name__)

T = TypeVar("T")

_MISSING = object()


def shared(request: HttpRequest | None, name: str, *vary_on: Hashable, read: Callable[[], T]) -> T:
    """What ``read`` gives for this site and the reader's language (and ``vary_on``),
    kept until pages are read afresh. Read every time for a preview, which may show
    what is not published, or without a request to tell the site by."""
    if request is None or getattr(request, "is_preview", False):
        return read()
    try:
        site = Site.find_for_request(request)
        generation = request_generation(request)
        parts = [name, generation, site.pk if site else "", translation.get_language()]
        key = "fragment:" + ":".join(str(part) for part in [*parts, *vary_on])
        kept = caches[CACHE_ALIAS].get(key, _MISSING)
    except Exception:  # noqa: BLE001 - without the cache, pages are read as usual
        logger.exception("A shared part of pages could not be read from the cache")
        return read()
    if kept is not _MISSING:
        return kept
    value = read()
    try:
        caches[CACHE_ALIAS].set(key, value)
    except Exception:  # noqa: BLE001 - the page is served; keeping the part is a bonus
        logger.exception("A shared part of pages could not be kept in the cache")
    return value
