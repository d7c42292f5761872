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

A page reads its parts in one round trip to the cache: each process remembers which parts
each address read the last time (``_plans``) and asks for all of them at once on the next
request for that address, before the first is needed. A part the plan did not foresee (the
generation moved, another language, another filter) is read on its own as before.
"""

import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.cache import caches
from django.http import HttpRequest
from django.utils import translation

from wagtail.models import Site

from cms.page_cache import CACHE_ALIAS, request_generation

logger = logging.getLogger(__name__)

T = TypeVar("T")

_MISSING = object()


# Per process: the keys of the parts each address read the last time it was served, least
# recently served first. An address longer than any of the site's is not remembered.
_plans: dict[str, tuple[str, ...]] = {}
_PLANS_LIMIT = 2000
_PLAN_PATH_LIMIT = 300


@dataclass
class _RequestParts:
    """The parts read ahead for one request, and the keys it has asked for so far."""

    ahead: dict[str, Any]
    planned: frozenset[str]
    asked: list[str] = field(default_factory=list)


def _remember(path: str, keys: list[str]) -> None:
    if len(path) > _PLAN_PATH_LIMIT:
        return
    _plans.pop(path, None)
    _plans[path] = tuple(keys)
    while len(_plans) > _PLANS_LIMIT:
        try:
            del _plans[next(iter(_plans))]
        except (KeyError, RuntimeError, StopIteration):  # another thread got there first
            break


def _request_parts(request: HttpRequest) -> _RequestParts:
    parts = getattr(request, "_kept_parts", None)
    if parts is not None:
        return parts
    plan = _plans.get(request.path, ())
    try:
        ahead = caches[CACHE_ALIAS].get_many(plan) if plan else {}
    except Exception:  # noqa: BLE001 - each part is then read on its own
        logger.exception("The shared parts of a page could not be read ahead from the cache")
        _plans.pop(request.path, None)
        ahead, plan = {}, ()
    parts = request._kept_parts = _RequestParts(ahead=ahead, planned=frozenset(plan))
    return parts


def _read_kept(request: HttpRequest, key: str) -> Any:
    parts = _request_parts(request)
    parts.asked.append(key)
    _remember(request.path, parts.asked)
    if key in parts.ahead:
        return parts.ahead[key]
    if key in parts.planned:  # read ahead, and not there
        return _MISSING
    return caches[CACHE_ALIAS].get(key, _MISSING)


def _kept_now(request: HttpRequest, key: str, value: Any) -> None:
    """A part read afresh is there for the rest of this request."""
    parts = getattr(request, "_kept_parts", None)
    if parts is not None:
        parts.ahead[key] = value


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
        kept = _read_kept(request, key)
    except Exception:  # noqa: BLE001 - without the cache, pages are read as usual
        logger.exception("A shared part of pages could not be read from the cache")
        return read()
    if kept is not _MISSING:
        return kept
    value = read()
    _kept_now(request, key, value)
    try:
        caches[CACHE_ALIAS].set(key, value)
    except Exception:  # noqa: BLE001 - the page is served; keeping the part is a bonus
        logger.exception("A shared part of pages could not be kept in the cache")
    return value
