"""Wagtail's way from an address to a page, kept between requests.

Before a page is served, Wagtail finds the site for the request's host, the home page in
the reader's language, each page along the path one level at a time, and then every view
restriction on the page and above it: for an evidence summary, nine queries before the
page itself is read, the same for every reader. What they found (the site; which page the
path leads to; whether any restriction applies to it) is kept in the page cache's cache
under its generation (``cms.page_cache``), which moves whenever a page is published,
unpublished, moved or deleted, page privacy changes, or a site or locale is saved: the way
is found afresh after any of them.

A page open to everyone is kept too, as its row was read (its fields only, nothing a
request left on it), under the same generation: whatever would make the page cache read
the page afresh makes this read it afresh, and saving a draft changes only the page's
revision bookkeeping, which no reader sees. Any other page is read on every request. Either
way the page must still answer for its own address (``Page.route``, which also resolves
a routable page's own views), or Wagtail finds the way again. A page with a view
restriction is never kept, and is checked by Wagtail as always, on every request.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponseBase
from django.http.request import split_domain_port
from django.utils import translation

from wagtail.models import Page, PageViewRestriction, Site
from wagtail.url_routing import RouteResult
from wagtail.views import serve

from cms.page_cache import CACHE_ALIAS, request_generation

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeptRoute:
    page_id: int
    content_type_id: int
    # How many of the address's path components lead to the page through the tree; the
    # rest are for the page's own route (a routable page's views).
    depth: int
    # No view restriction applies to the page or any page above it.
    public: bool
    # The page above it, as routing found it on the way (Wagtail keeps it on the page,
    # ``_cached_parent_obj``, to spare the query of ``get_parent``).
    parent: Page | None
    # The page itself, its fields only, when it is public; else None: read each time.
    page: Page | None = None


def _keys(request: HttpRequest, path: str) -> tuple[str, str]:
    """The keys of the site for this request's host, and of the way along this path to a
    page in the reader's language, as Wagtail would find them."""
    generation = request_generation(request)
    # As Site.find_for_request reads the host: without the ALLOWED_HOSTS check, which
    # Django's CommonMiddleware has made already.
    hostname = split_domain_port(request._get_raw_host())[0]
    where = f"{generation}:{hostname}:{request.get_port()}"
    way = hashlib.sha256(f"{translation.get_language()}:{path}".encode()).hexdigest()
    return f"site:{where}", f"route:{where}:{way}"


def _components(path: str) -> list[str]:
    return [component for component in path.split("/") if component]


def _found(route: KeptRoute, components: list[str], request: HttpRequest) -> RouteResult | None:
    """The route to the page kept for this path, if the page is still live and still
    answers there; None to let Wagtail find the way."""
    if route.depth > len(components):
        return None
    page = route.page if route.page is not None else _read(route)
    if page is None:
        return None
    # The page's own address ends with the components that led to it, in whichever
    # language's tree it is (an untranslated page is routed through the English one).
    own = _components(page.url_path)
    if route.depth and own[-route.depth :] != components[: route.depth]:
        return None
    if route.parent is not None:
        page._cached_parent_obj = route.parent
    try:
        result = page.route(request, components[route.depth :])
    except Http404:
        return None
    if result is None or result.page.pk != page.pk:
        return None
    return result


def _read(route: KeptRoute) -> Page | None:
    """The page the route leads to, if it is still live."""
    try:
        model = ContentType.objects.get_for_id(route.content_type_id).model_class()
    except ContentType.DoesNotExist:
        return None
    if model is None or not issubclass(model, Page):
        return None
    # Unordered: there is one at most, and ordering costs more than reading it.
    return next(iter(model._default_manager.filter(pk=route.page_id, live=True).order_by()), None)


def _fields_only(page: Page | None, model: type[Page] = Page) -> Page | None:
    """The page as ``model`` reads it from the database: its fields only, not what a
    request or routing left on it."""
    if page is None:
        return None
    fields = [field.attname for field in model._meta.concrete_fields]
    return model.from_db(page._state.db, fields, [getattr(page, name) for name in fields])


def _public(page: Page) -> bool:
    """Whether no view restriction applies to the page; if so, Wagtail's own check on
    serving it reads them no more (``check_view_restrictions``)."""
    restrictions = list(page.get_view_restrictions())
    if restrictions:
        return False
    _mark_public(page)
    return True


def _mark_public(page: Page) -> None:
    page.get_view_restrictions = PageViewRestriction.objects.none
    page._kept_route_public = True


def known_public(page: object) -> bool:
    """Whether routing this request found that no view restriction applies to the page
    (false when it did not look: a preview, a page not served by Wagtail's view)."""
    return getattr(page, "_kept_route_public", False) is True


class KeptRouteMiddleware:
    """Finds the site and the page for Wagtail's serve view from what was kept, or keeps
    what Wagtail found. Wagtail's serve view reads both from the request
    (``Site.find_for_request``, ``Page.route_for_request``) and does the rest as always.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict
    ) -> None:
        if view is not serve or getattr(request, "is_preview", False):
            return
        path = kwargs.get("path", args[0] if args else "")
        try:
            site_key, route_key = _keys(request, path)
            kept = caches[CACHE_ALIAS].get_many([site_key, route_key])
        except Exception:  # noqa: BLE001 - without the cache, Wagtail finds the way itself
            logger.exception("The way to a page could not be read from the cache")
            return
        site = kept.get(site_key)
        route = kept.get(route_key)
        components = _components(path)
        if site is not None and not hasattr(request, "_wagtail_site"):
            request._wagtail_site = site
        if site is not None and isinstance(route, KeptRoute):
            try:
                result = _found(route, components, request)
                public = route.public
            except AttributeError:
                # Kept by a release whose KeptRoute had other fields, until migrate (the
                # deployment's last step) moves the generation.
                result = None
            if result is not None:
                if public:
                    _mark_public(result.page)
                request._wagtail_route_for_request = result
                return
        self._keep(request, path, components, site_key, route_key)

    @staticmethod
    def _keep(
        request: HttpRequest, path: str, components: list[str], site_key: str, route_key: str
    ) -> None:
        site = Site.find_for_request(request)
        result = Page.route_for_request(request, path)
        if site is None or not isinstance(result, RouteResult):
            return
        page = result.page
        depth = page.depth - site.root_page.depth
        if not 0 <= depth <= len(components):
            return
        public = _public(page)
        route = KeptRoute(
            page_id=page.pk,
            content_type_id=page.content_type_id,
            depth=depth,
            public=public,
            # As get_parent reads it: the plain page, not its specific type.
            parent=_fields_only(getattr(page, "_cached_parent_obj", None)),
            page=_fields_only(page, type(page)) if public else None,
        )
        try:
            caches[CACHE_ALIAS].set_many({site_key: site, route_key: route})
        except Exception:  # noqa: BLE001 - the page is served; keeping the way is a bonus
            logger.exception("The way to a page could not be kept in the cache")
