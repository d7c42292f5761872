from collections.abc import Mapping

from django import template
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from wagtail.models import Page, Site

from cms.fragments import shared
from cms.languages import language_code_of, localized_pages
from cms.privacy import public

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context: template.Context) -> list[dict]:
    """The live, public pages below the site root that editors chose to show in menus.

    Each item says whether it is the page being viewed ("page") or a section that page is
    in ("true"), the two values of aria-current that the NHS.UK header uses. Without a
    request (the bare 500 page) there is no menu.
    """
    request: HttpRequest | None = context.get("request")
    if request is None:
        return []
    site = Site.find_for_request(request)
    if site is None:
        return []
    current: Page | None = context.get("page")
    return [
        {**entry, "current": _aria_current(entry, current)}
        for entry in shared(request, "menu", read=lambda: _menu(site, request))
    ]


def _menu(site: Site, request: HttpRequest) -> list[dict]:
    # The menu is the English home page's, each entry in the reader's language where
    # it has been translated.
    menu = public(site.root_page.get_children().live().in_menu())
    reader = translation.get_language()
    items = []
    for page, url in localized_pages(menu, request):
        language = language_code_of(page.locale_id)
        items.append(
            {
                "title": page.title,
                "url": url,
                "pk": page.pk,
                "path": page.path,
                # A section not translated yet is named in English, and marked so.
                "lang": "" if language == reader else language,
            }
        )
    return items


def _aria_current(entry: dict, current: Page | None) -> str:
    if current is None or not current.path.startswith(entry["path"]):
        return ""
    return "page" if current.pk == entry["pk"] else "true"


@register.simple_tag(takes_context=True)
def breadcrumbs(context: template.Context) -> list[dict]:
    """The page's live ancestors from the site's home page down, the home page named "Home".

    A view that is not a Wagtail page gives its own trail as ``breadcrumbs`` in its context.
    """
    given: list[dict] | None = context.get("breadcrumbs")
    if given is not None:
        return given
    request: HttpRequest | None = context.get("request")
    page: Page | None = context.get("page")
    if request is None or page is None or page.pk is None:
        return []
    site = Site.find_for_request(request)
    if site is None:
        return []
    return shared(request, "breadcrumbs", page.pk, read=lambda: _trail(site, page, request))


def _trail(site: Site, page: Page, request: HttpRequest) -> list[dict]:
    # Each language's home page is a root of its own tree, at the English one's depth.
    ancestors = page.get_ancestors().live().filter(depth__gte=site.root_page.depth)
    return [
        {
            "title": _("Home") if ancestor.depth == site.root_page.depth else shown.title,
            "url": url,
        }
        for ancestor, (shown, url) in zip(
            ancestors, localized_pages(ancestors, request), strict=True
        )
    ]


@register.simple_tag(takes_context=True)
def study_contacts(context: template.Context) -> dict:
    """The footer's links and the study team's contact details (the site's study
    settings), each page linked in the reader's language. Nothing without a request
    (the bare 500 page)."""
    request: HttpRequest | None = context.get("request")
    site_settings = context.get("settings")
    if request is None or site_settings is None:
        return {}
    return shared(request, "study-contacts", read=lambda: _contacts(site_settings, request))


def _contacts(site_settings: Mapping, request: HttpRequest) -> dict:
    study = site_settings["home"]["StudySettings"]
    pages = {
        "privacy_notice": study.privacy_notice,
        "accessibility": study.accessibility_statement,
    }
    live = {name: page for name, page in pages.items() if page is not None and page.live}
    urls = dict(
        zip(live, (url for _shown, url in localized_pages(live.values(), request)), strict=True)
    )
    return {
        "privacy_notice_url": urls.get("privacy_notice"),
        "accessibility_statement_url": urls.get("accessibility"),
        "email": study.contact_email,
        "phone": study.contact_phone,
        "postal_address": study.postal_address,
    }


@register.filter
def elided_page_range(paginator: Paginator, number: int) -> list:
    """Page numbers around the current one, with the paginator's ELLIPSIS between runs."""
    return list(paginator.get_elided_page_range(number, on_each_side=1, on_ends=1))
