"""The full-page cache for public pages read by someone not signed in.

A page looks the same to everyone who is not signed in, so the whole response is kept in
the "pages" cache (local memory on one machine, Redis shared by the app servers in
production) and sent again without running a query. Only what the page-serving path marks
as public is kept (``page_cacheable``): a Wagtail page or the search page, for a GET from
someone with no session, answered 200 without setting a cookie or using the CSRF token,
and not marked private by the page (page privacy says so) or a preview.

Every kept page carries the generation number it was made under; changing what any
public page shows (publishing, unpublishing, moving or deleting a page, page privacy, the
snippets and settings pages render) moves to a new generation, so every page is read
afresh: menus, listings, search results and the home page show other pages' titles, so
one change can alter any of them. The generation and the page are read together, in one
round trip to Redis, and a page of an earlier generation is not sent but made again in
its place. Nothing is flushed, which keeps a Redis shared with rate limits safe.

A page is kept twice, as it is and gzip-compressed, each sent ``Vary: Accept-Encoding``;
a reader whose browser accepts gzip (every browser does) is sent the compressed copy, a
third of the bytes or less.

Each app server process also keeps copies of the pages it sent and sends them again
without asking Redis, dropping them all when PostgreSQL tells it of a committed change
(``cms/page_copies.py``).

A CDN in front (``WAGTAILFRONTENDCACHE``, see production settings) keeps public pages for
``PAGE_CACHE_SHARED_MAX_AGE`` seconds and is purged through Wagtail's front-end cache:
the changed page, its old and new addresses, and the pages above it.
"""

import copy
import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterable
from functools import wraps
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.db import models, transaction
from django.db.models.signals import post_delete, post_migrate, post_save, pre_delete
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import compress_string

from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.models import COMMENTS_RELATION_NAME, Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from cms.cache import Generation
from cms.page_copies import copies as _copies_here
from cms.page_copies import tell_processes

logger = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
GENERATION_KEY = "generation"
_GENERATION = Generation(GENERATION_KEY, alias=CACHE_ALIAS)
CACHEABLE_ATTRIBUTE = "page_cacheable"
# Headers that belong to one exchange, never replayed from the cache.
_NOT_KEPT_HEADERS = {"set-cookie", "date"}
_NEVER_SHARED = ("private", "no-store", "no-cache")
# As Django's GZipMiddleware reads Accept-Encoding.
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
IDENTITY = "identity"
GZIP = "gzip"
# A page as kept: its status, headers and content.
Kept = tuple[int, list[tuple[str, str]], bytes]


def page_cacheable(request: HttpRequest) -> None:
    """Mark the response to this request as one the page cache may keep, if the rest of
    the request allows it (see ``PageCacheMiddleware``)."""
    setattr(request, CACHEABLE_ATTRIBUTE, True)


def public_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A view whose page is the same for everyone not signed in (the search page)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        page_cacheable(request)
        return view(request, *args, **kwargs)

    return wrapper


def _cache():
    return caches[CACHE_ALIAS]


def page_cache_generation() -> int:
    """The page cache's generation: a new number whenever every public page is to be read
    afresh (see ``page_cache_invalidate``), so a cache of part of a page may be keyed by
    it."""
    return _GENERATION.current()


def page_cache_invalidate() -> None:
    """Every page in the cache is read afresh from now on, and again once the change
    commits: a request that read the old content before the commit may store it under the
    generation that follows the first move, never under the one after the commit."""
    try:
        _GENERATION.bump()
    except Exception:  # noqa: BLE001 - a cache outage must not stop a publish
        logger.exception("The page cache could not be invalidated")
    transaction.on_commit(_bump_and_tell, robust=True)


def _bump_and_tell() -> None:
    """After the change commits: a new generation, then word to every process to drop
    its own copies (cms/page_copies.py), which would otherwise not see the new one."""
    try:
        _bump_after_commit()
    finally:
        tell_processes()


def _bump_after_commit(attempts: int = 3) -> None:
    # A request that read the database before the commit may have kept the old page under
    # the generation the first move gave; if this move cannot be made, that generation
    # must not stay current: without its number, the next read starts a new one from the
    # clock (Generation.start), past every number kept.
    for _attempt in range(attempts):
        try:
            _GENERATION.bump()
            return
        except Exception:  # noqa: BLE001 - tried again, then the number is dropped
            logger.warning("The page cache's generation could not be moved", exc_info=True)
    _cache().delete(GENERATION_KEY)


_GENERATION_ATTRIBUTE = "_page_cache_generation"


def request_generation(request: HttpRequest) -> int:
    """The page cache's generation as this request found it, read once however many
    parts of its page are kept under it. Read before anything is kept, so that a change
    made meanwhile leaves what was read under the generation it made old."""
    if not hasattr(request, _GENERATION_ATTRIBUTE):
        setattr(request, _GENERATION_ATTRIBUTE, page_cache_generation())
    return getattr(request, _GENERATION_ATTRIBUTE)


def _address_key(request: HttpRequest) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    address = f"{request.scheme}://{host}{request.get_full_path()}"
    return hashlib.sha256(address.encode()).hexdigest()


def _encoding(request: HttpRequest) -> str:
    return GZIP if _ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else IDENTITY


def _may_use_cache(request: HttpRequest) -> bool:
    """Whether this request may be answered from, or stored in, the cache: a GET or HEAD
    from someone without a session (so not signed in, no messages waiting for her)."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        request.method == "GET"
        and getattr(request, CACHEABLE_ATTRIBUTE, False)
        and not getattr(request, "is_preview", False)
        and not getattr(request, "is_dummy", False)
        and isinstance(response, HttpResponse)
        and response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not any(word in cache_control for word in _NEVER_SHARED)
        # A nonce must be new for every response.
        and "nonce-" not in response.get("Content-Security-Policy", "")
    )


def _replayed(kept: Kept) -> HttpResponse:
    status, headers, content = kept
    return HttpResponse(content, status=status, headers=headers)


def _read(address: str, encoding: str) -> tuple[int, Kept | None, float]:
    """The current generation, and the page kept at this address in this encoding if it
    was made under that generation, with the seconds it has left in the cache: both in
    one round trip."""
    key = f"{encoding}:{address}"
    found = _cache().get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        return _GENERATION.start(), None, 0
    entry = found.get(key)
    # (generation, expires, status, headers, content); anything else was kept by another
    # release.
    if not isinstance(entry, tuple) or len(entry) != 5 or entry[0] != generation:
        return generation, None, 0
    return generation, entry[2:], entry[1] - time.time()


def _timeout() -> float | None:
    return _cache().default_timeout


def _size(key: str, kept: Kept) -> int:
    """About what a copy takes in memory: its content, headers and key, and the objects
    around them."""
    _status, headers, content = kept
    return len(content) + len(key) + sum(len(k) + len(v) for k, v in headers) + 500


def _copies(response: HttpResponse) -> dict[str, Kept]:
    """The page as it is and gzip-compressed, as kept: status, headers, content."""
    patch_vary_headers(response, ("Accept-Encoding",))
    headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_KEPT_HEADERS]
    content = response.content
    as_is = (response.status_code, headers, content)
    if response.has_header("Content-Encoding"):
        return {IDENTITY: as_is, GZIP: as_is}
    # Without random bytes (Django's defence against BREACH): a kept page holds no secret,
    # no CSRF token nor anything of one reader's (see _storable).
    compressed = compress_string(content)
    if len(compressed) >= len(content):
        return {IDENTITY: as_is, GZIP: as_is}
    compressed_headers = [
        (k, f"W/{v}" if k.lower() == "etag" and not v.startswith("W/") else v)
        for k, v in headers
        if k.lower() != "content-length"
    ]
    compressed_headers += [
        ("Content-Encoding", "gzip"),
        ("Content-Length", str(len(compressed))),
    ]
    return {IDENTITY: as_is, GZIP: (response.status_code, compressed_headers, compressed)}


def _compress(response: HttpResponse, compressed: Kept) -> None:
    """Make the response the compressed copy kept of it, as a later reader will get it."""
    _status, headers, content = compressed
    response.content = content
    for name, value in headers:
        response[name] = value


class PageCacheMiddleware:
    """Answers a request for a kept page before sessions, authentication or Wagtail's site
    lookup run, so a hit costs no query; keeps the public pages the views marked.

    A page marked cacheable that cannot be kept for this request (it set a cookie, used
    the CSRF token, or the page is private) is sent ``private, no-store`` so that no
    shared cache keeps it either.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _may_use_cache(request):
            return self._not_kept(request, self.get_response(request))
        address = _address_key(request)
        encoding = _encoding(request)
        generation = None
        if address is not None:
            key = f"{encoding}:{address}"
            kept = _copies_here.get(key)
            if kept is not None:
                return _replayed(kept)
            epoch = _copies_here.epoch()
            try:
                generation, kept, seconds_left = _read(address, encoding)
                setattr(request, _GENERATION_ATTRIBUTE, generation)
            except Exception:  # noqa: BLE001 - without the cache, pages are served as usual
                logger.exception("The page cache could not be read")
                return self.get_response(request)
            if kept is not None:
                _copies_here.keep(key, kept, _size(key, kept), epoch, seconds_left=seconds_left)
                return _replayed(kept)
        response = self.get_response(request)
        if generation is None or not _storable(request, response):
            return self._not_kept(request, response)
        self._mark_shared(response)
        copies = _copies(response)
        timeout = _timeout()
        expires = float("inf") if timeout is None else time.time() + timeout
        try:
            # Kept with the generation read before the page was made: if a change came in
            # between, the copies are already out of date and will not be sent.
            _cache().set_many(
                {
                    f"{kept_encoding}:{address}": (generation, expires, *kept)
                    for kept_encoding, kept in copies.items()
                }
            )
        except Exception:  # noqa: BLE001 - the page was served; keeping it is a bonus
            logger.exception("The page cache could not be written")
        kept = copies[encoding]
        _copies_here.keep(key, kept, _size(key, kept), epoch)
        if encoding == GZIP:
            _compress(response, copies[GZIP])
        return response

    @staticmethod
    def _mark_shared(response: HttpResponseBase) -> None:
        # Browsers ask again each time (their copy would outlive a purge); a CDN may keep
        # it for a short while, purged on change like this cache.
        patch_cache_control(
            response, public=True, max_age=0, s_maxage=settings.PAGE_CACHE_SHARED_MAX_AGE
        )

    @staticmethod
    def _not_kept(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        # A public page made for this one reader: her session, or a cookie or CSRF token
        # it gave her, is in it.
        if getattr(request, CACHEABLE_ATTRIBUTE, False) and (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            or response.cookies
            or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response


# Invalidation ------------------------------------------------------------------------


def _cdn_configured() -> bool:
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def _with_ancestors(batch: PurgeBatch, page: Page) -> None:
    batch.add_pages(page.get_ancestors(inclusive=True).live().filter(depth__gt=1).specific())


def _cdn_purge(fill: Callable[[PurgeBatch], None]) -> None:
    """Purge pages from the CDN, if there is one, once the change commits (Wagtail
    queues the purge as a task)."""
    if not _cdn_configured():
        return

    def purge() -> None:
        batch = PurgeBatch()
        fill(batch)
        batch.add_urls(_in_other_languages(batch.urls))
        batch.purge()

    transaction.on_commit(purge, robust=True)


def _in_other_languages(urls: Iterable[str]) -> list[str]:
    """An English page is also served under each other language's prefix (/pl/about/,
    shown with a notice) until it is translated; Wagtail purges only the prefixes that
    already are in the address."""
    prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)
    others = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    added = []
    for url in urls:
        parts = urlsplit(url)
        if not parts.path.startswith(prefixes):
            added += [parts._replace(path=f"/{code}{parts.path}").geturl() for code in others]
    return added


def _page_published_or_unpublished(sender: type[Page], instance: Page, **kwargs: object) -> None:
    # Wagtail's own handlers purge the page's address; menus, listings and breadcrumbs in
    # the pages above it name it too.
    page_cache_invalidate()
    _cdn_purge(lambda batch: _with_ancestors(batch, instance))


def _page_moved(
    sender: type[Page],
    instance: Page,
    url_path_before: str,
    url_path_after: str,
    parent_page_before: Page,
    parent_page_after: Page,
    **kwargs: object,
) -> None:
    page_cache_invalidate()

    def fill(batch: PurgeBatch) -> None:
        for page in instance.get_descendants(inclusive=True).live().specific():
            batch.add_page(page)
            if url_path_before != url_path_after:
                # The same page at the address it had before the move.
                before = copy.copy(page)
                before.url_path = url_path_before + page.url_path[len(url_path_after) :]
                batch.add_page(before)
        _with_ancestors(batch, parent_page_before)
        _with_ancestors(batch, parent_page_after)

    _cdn_purge(fill)


def _page_deleted(sender: type[Page], instance: Page, **kwargs: object) -> None:
    # Before the row goes, while the pages above it can still be found.
    page_cache_invalidate()
    if _cdn_configured() and instance.depth > 1:
        parent = instance.get_parent()
        if parent is not None:
            _cdn_purge(lambda batch: _with_ancestors(batch, parent))


# What saving a draft writes to the live page's row (Wagtail's save_revision and its
# revision bookkeeping): nothing a reader of the live page sees.
_DRAFT_BOOKKEEPING = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        COMMENTS_RELATION_NAME,
    }
)


def _page_saved(
    sender: type[Page], instance: Page, update_fields: Iterable[str] | None = None, **kwargs
) -> None:
    # A live page saved outside publishing: by a script, a move, or Wagtail itself; not an
    # editor saving a draft, which would otherwise make every page be read afresh.
    if instance.live and not (update_fields and set(update_fields) <= _DRAFT_BOOKKEEPING):
        page_cache_invalidate()


def _shown_content_changed(sender: type[models.Model], instance: models.Model, **kwargs) -> None:
    """A snippet, setting or page restriction that public pages show or obey changed."""
    if kwargs.get("created") and isinstance(instance, BaseSiteSetting | BaseGenericSetting):
        # Made with its defaults the first time a page reads it: nothing shown changes.
        return
    page_cache_invalidate()
    restricted_page = getattr(instance, "page", None)
    if isinstance(restricted_page, Page):
        _cdn_purge(
            lambda batch: batch.add_pages(
                restricted_page.get_descendants(inclusive=True).live().specific()
            )
        )
    else:
        _cdn_purge(lambda batch: batch.add_pages(Page.objects.live().public().specific()))


def _deployed(**kwargs: object) -> None:
    # migrate is a deployment's last step (README, "Deploying"), and runs even with nothing
    # to apply: pages kept from the code, templates, translations and static files before
    # it are read afresh. Sent once per app with models; Wagtail's pages app is always one.
    page_cache_invalidate()


def register_signal_handlers() -> None:
    """Connect what changes public pages to the cache, for every page type and the
    models named in ``PAGE_CACHE_INVALIDATED_BY``."""
    page_models = [model for model in apps.get_models() if issubclass(model, Page)]
    for model in page_models:
        post_save.connect(_page_saved, sender=model, dispatch_uid=f"page_cache_save_{model}")
        pre_delete.connect(_page_deleted, sender=model, dispatch_uid=f"page_cache_delete_{model}")
    page_published.connect(_page_published_or_unpublished, dispatch_uid="page_cache_published")
    page_unpublished.connect(_page_published_or_unpublished, dispatch_uid="page_cache_unpublished")
    post_page_move.connect(_page_moved, dispatch_uid="page_cache_moved")
    post_migrate.connect(
        _deployed, sender=apps.get_app_config("wagtailcore"), dispatch_uid="page_cache_deployed"
    )
    for label in _invalidating_models(settings.PAGE_CACHE_INVALIDATED_BY):
        for signal in (post_save, post_delete):
            signal.connect(
                _shown_content_changed, sender=label, dispatch_uid=f"page_cache_{label}"
            )


def _invalidating_models(labels: Iterable[str]) -> list[type[models.Model]]:
    return [apps.get_model(label) for label in labels]
