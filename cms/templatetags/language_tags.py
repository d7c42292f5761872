"""The language switcher, ``hreflang`` alternates and the untranslated-page notice."""

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from wagtail.models import Locale, Site

from cms.languages import (
    LanguageLink,
    is_bidi,
    page_language_links,
    url_in_language,
    view_language_links,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[LanguageLink]:
    """Where this page is in each of the site's languages (none without a request)."""
    request: HttpRequest | None = context.get("request")
    if request is None or len(settings.LANGUAGES) < 2:
        return []
    page = getattr(request, "served_page", None)
    if page is not None:
        return page_language_links(page, request)
    return view_language_links(request)


@register.filter
def absolute_url(url: str, request: HttpRequest) -> str:
    return request.build_absolute_uri(url)


@register.filter
def language_dir(code: str) -> str:
    return "rtl" if is_bidi(code) else "ltr"


@register.simple_tag(takes_context=True)
def home_url_in(context: template.Context, language: str) -> str:
    """The home page in a language: its translation, or the English one under that
    language's prefix."""
    request: HttpRequest | None = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return url_in_language("/", url_language=settings.LANGUAGE_CODE, language=language)
    home = site.root_page
    with translation.override(language):
        translated = home.get_translation_or_none(Locale.get_active())
    if translated is not None and translated.live:
        return translated.get_url(request=request)
    home_url = home.get_url(request=request) or "/"
    return url_in_language(home_url, url_language=settings.LANGUAGE_CODE, language=language)


@register.simple_tag(takes_context=True)
def home_url(context: template.Context) -> str:
    """The home page in the language the page is shown in."""
    return home_url_in(context, translation.get_language())


@register.simple_tag(takes_context=True)
def reader_page_url(context: template.Context, page) -> str | None:
    """A page's address for this reader: under her language's prefix when the page is in
    another language, so that she is told it is not translated yet."""
    request: HttpRequest | None = context.get("request")
    url = page.get_url(request=request)
    language = translation.get_language()
    page_language = page.locale.language_code
    if url is None or page_language == language:
        return url
    return url_in_language(url, url_language=page_language, language=language)
