"""The language switcher, ``hreflang`` alternates and the untranslated-page notice."""

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.html import format_html

from cms import languages
from cms.fragments import shared
from cms.languages import (
    LanguageLink,
    is_bidi,
    localized_pages,
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
def home_url(context: template.Context) -> str:
    """The home page in the reader's language."""
    request: HttpRequest | None = context.get("request")
    language = translation.get_language()
    return shared(request, "home-url", read=lambda: languages.home_url(request, language))


@register.simple_tag
def page_language(page) -> str:
    return languages.language_code_of(page.locale_id)


@register.simple_tag(takes_context=True)
def reader_page_url(context: template.Context, page) -> str | None:
    """A page's address for this reader: under her language's prefix when the page is in
    another language, so that she stays in hers and is told it is not translated yet.
    For pages already chosen for her language (lists, search results): no query."""
    request: HttpRequest | None = context.get("request")
    url = page.get_url(request=request)
    language = translation.get_language()
    page_language = languages.language_code_of(page.locale_id)
    if url is None or page_language == language:
        return url
    return url_in_language(url, url_language=page_language, language=language)


@register.simple_tag(takes_context=True)
def localized_page_url(context: template.Context, page) -> str | None:
    """A page's address in the reader's language: its translation's where there is one,
    else the page under her prefix. One query: for single links, not lists."""
    request: HttpRequest | None = context.get("request")
    if request is None or page is None:
        return page.get_url() if page is not None else None
    [(_shown, url)] = localized_pages([page], request)
    return url


@register.simple_tag
def lang_attrs(page) -> str:
    """` lang="…" dir="…"` for words of a page in another language than the reader's
    (an English draft on a Polish member page), so they are read and laid out as such."""
    if page is None or not getattr(page, "locale_id", None):
        return ""
    code = languages.language_code_of(page.locale_id)
    if code == translation.get_language():
        return ""
    return format_html(' lang="{}" dir="{}"', code, "rtl" if is_bidi(code) else "ltr")
