"""What the access matrix is made of: the project's URL patterns, found by walking the URL
configuration and Wagtail's page tree, and the outcomes a request can be expected to have.

The table itself is in ``test_access_matrix.py``.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, get_page_models

# Outcomes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    label: str

    def matches(self, response: HttpResponse) -> bool:
        raise NotImplementedError


@dataclass(frozen=True)
class Status(Outcome):
    status: int

    def matches(self, response: HttpResponse) -> bool:
        return response.status_code == self.status


@dataclass(frozen=True)
class RedirectTo(Outcome):
    """A redirect (302) to this path, whatever its query string (``next=`` for a sign-in)."""

    path: str

    def matches(self, response: HttpResponse) -> bool:
        return response.status_code == 302 and urlsplit(response["Location"]).path == self.path


@dataclass(frozen=True)
class NoServerError(Outcome):
    """For families of Wagtail's own admin views, reached with made-up ids: whatever the
    answer, it is not a server error."""

    def matches(self, response: HttpResponse) -> bool:
        return response.status_code < 500


def describe(response: HttpResponse) -> str:
    if response.status_code in (301, 302):
        return f"{response.status_code} to {urlsplit(response['Location']).path}"
    return str(response.status_code)


# The patterns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UrlPattern:
    """One pattern of the URL configuration, as the matrix names it."""

    name: str | None  # with its namespaces, as reverse() takes it
    route: str  # the full route, as a ResolverMatch gives it
    lookup: str  # the view's dotted path
    parts: tuple  # the pattern objects from the root down, to fill in its arguments
    app_label: str = ""  # the app of the model a viewset's view is for, if any

    @property
    def key(self) -> str:
        """Its name; the route for the few that have none."""
        return self.name or self.route

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0] if self.name else ""


def url_patterns() -> list[UrlPattern]:
    def walk(patterns: list, parts: tuple, namespaces: tuple) -> Iterator[UrlPattern]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                spaces = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
                yield from walk(pattern.url_patterns, (*parts, pattern.pattern), spaces)
            elif isinstance(pattern, URLPattern):
                all_parts = (*parts, pattern.pattern)
                name = ":".join((*namespaces, pattern.name)) if pattern.name else None
                # As a ResolverMatch gives it: Django drops a regex's "^" when joining.
                route = "".join(str(part).removeprefix("^") for part in all_parts)
                yield UrlPattern(name, route, pattern.lookup_str, all_parts, model_app(pattern))

    return list(walk(get_resolver().url_patterns, (), ()))


def model_app(pattern: URLPattern) -> str:
    """The app of the model a view is for: a viewset's generic views are Wagtail's code, but
    what they show is the model's."""
    callback = pattern.callback
    model = getattr(callback, "view_initkwargs", {}).get("model") or getattr(
        getattr(callback, "view_class", None), "model", None
    )
    meta = getattr(model, "_meta", None)  # a class may make `model` a property
    return meta.app_label if meta is not None else ""


# Made-up values for Wagtail's own patterns: ids that exist nowhere, names that mean nothing.
PLACEHOLDERS = {"int": "999999", "str": "999999", "slug": "x", "path": "x", "uuid": "0" * 32}


def placeholder_path(pattern: UrlPattern) -> str | None:
    """A path that reaches the pattern with made-up arguments, or None if it takes a regex
    group (such patterns need a row of their own, with a real path)."""
    pieces = []
    for part in pattern.parts:
        if isinstance(part, RoutePattern):
            pieces.append(
                re.sub(
                    r"<(?:(\w+):)?\w+>",
                    lambda match: PLACEHOLDERS[match.group(1) or "str"],
                    str(part),
                )
            )
        elif isinstance(part, RegexPattern):
            regex = str(part).removeprefix("^").removesuffix("$")
            if re.search(r"[()\[\]\\.*+?|{}]", regex):
                return None
            pieces.append(regex)
    return "/" + "".join(pieces)


def pattern_key_of_path(path: str) -> str:
    """The key of the pattern a path reaches: the URL pattern's, or for a page Wagtail
    serves, ``page:<app>.<Model>`` with ``:<route>`` for a routable page's sub-route."""
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return "no pattern at all"
    if match.url_name != "wagtail_serve":
        return match.view_name if match.url_name else match.route
    request = RequestFactory().get(path)
    route = Page.route_for_request(request, urlsplit(path).path)
    if route is None:
        return "wagtail_serve"
    page = route[0]
    key = f"page:{page._meta.label}"
    sub = getattr(request, "routable_resolver_match", None)
    if sub is not None and sub.url_name not in (None, "index_route"):
        key += f":{sub.url_name}"
    return key


def page_keys() -> list[str]:
    """Every page type Wagtail may serve, and every sub-route of a routable page."""
    keys = []
    for model in get_page_models():
        if model is Page:
            continue
        keys.append(f"page:{model._meta.label}")
        if issubclass(model, RoutablePageMixin):
            for route in model.get_subpage_urls():
                if route.name and route.name != "index_route":
                    keys.append(f"page:{model._meta.label}:{route.name}")
    return keys
