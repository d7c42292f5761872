"""The reader's language: which pages exist in it, where to link, and what to do when a
page has not been translated yet.

Pages in other languages than English (United Kingdom) live under their language code
(/pl/...), in their own tree, as wagtail-localize makes them. A page missing from that tree
is served from the English tree instead (``HomePage.route``): its words in English, marked
so, with a notice, while the menus and everything around them stay in the reader's
language (the ``before_serve_page`` hook), so she never meets a "page not found" and
stays in her language as she goes on.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from cms.fragments import shared
from cms.privacy import public


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    bidi: bool
    url: str
    current: bool
    # False: no translation, so the link leads to the English page with a notice.
    translated: bool


def language_name(code: str) -> str:
    """The language's name in itself, as a reader looks for it: "Polski", "العربيّة"."""
    if code.startswith("en"):
        return "English"
    name = translation.get_language_info(code)["name_local"]
    return name[:1].upper() + name[1:]


def is_bidi(code: str) -> bool:
    return translation.get_language_info(code)["bidi"]


_LOCALES: dict[int, Locale] = {}


def _locale(locale_id: int) -> Locale:
    # The few locales are read once, and again when one is added.
    if locale_id not in _LOCALES:
        _LOCALES.clear()
        _LOCALES.update(Locale.objects.in_bulk())
    return _LOCALES[locale_id]


def language_code_of(locale_id: int) -> str:
    """A locale's language code without a query per page."""
    return _locale(locale_id).language_code


def locale_of(page: Page) -> Locale:
    """A page's locale, as ``page.locale`` reads it, without its query."""
    return _locale(page.locale_id)


def content_language(page: Page) -> str:
    """The language of the words on a page: its locale's, or, for an alias that
    wagtail-localize keeps of a page not yet translated, the original's."""
    if page.alias_of_id and page.alias_of.locale_id != page.locale_id:
        return language_code_of(page.alias_of.locale_id)
    return language_code_of(page.locale_id)


def default_language() -> str:
    """The language code of the default locale, as ``Locale.get_default()`` finds it,
    without its query."""
    return get_supported_content_language_variant(settings.LANGUAGE_CODE)


def url_in_language(url: str, *, url_language: str, language: str) -> str:
    """The same site path with another language's prefix: /about/ → /pl/about/."""
    with translation.override(url_language):
        return translate_url(url, language)


def _translations_by_language(page: Page) -> dict[str, Page]:
    """The live, public translations of a page (itself included), by language code.
    Aliases of pages in another language are not translations."""
    return {
        language_code_of(translated.locale_id): translated
        for translated in public(
            page.get_translations(inclusive=True).live().filter(alias_of__isnull=True)
        )
    }


def home_url(request: HttpRequest | None, language: str) -> str:
    """The home page in a language: its translation, or the English one under that
    language's prefix (where the fallback shows it)."""
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return url_in_language("/", url_language=settings.LANGUAGE_CODE, language=language)
    home = site.root_page
    if language == language_code_of(home.locale_id):
        # Most pages are in the home page's language: it is its own translation.
        translated = home
    else:
        translated = home.get_translations().filter(locale__language_code=language).first()
    if translated is not None and translated.live:
        return translated.get_url(request=request)
    home_url = home.get_url(request=request) or "/"
    return url_in_language(home_url, url_language=settings.LANGUAGE_CODE, language=language)


def _with_query(url: str, request: HttpRequest) -> str:
    """The reader's filters and page number go with her to the other language."""
    return f"{url}?{request.GET.urlencode()}" if request.GET else url


def page_language_links(page: Page, request: HttpRequest) -> list[LanguageLink]:
    """For each of the site's languages, where the page is in it: its translation where
    there is one; otherwise, for an English page, the same address under that language's
    prefix (shown with a notice), and for a page that exists only in other languages, the
    home page in that language. The addresses are the same for every reader of the page
    (``cms.fragments``); her filters and page number are added to them."""
    current = translation.get_language()
    addresses = shared(
        request, "language-links", page.pk, read=lambda: page_addresses(page, request)
    )
    return [
        LanguageLink(
            code=code,
            name=language_name(code),
            bidi=is_bidi(code),
            url=_with_query(url, request) if keeps_query else url,
            current=code == current,
            translated=translated,
        )
        for code, url, translated, keeps_query in addresses
    ]


def page_addresses(page: Page, request: HttpRequest) -> list[tuple[str, str, bool, bool]]:
    """For each of the site's languages: the page's address in it, whether that is a
    translation, and whether it is this page (so the reader's query goes with her)."""
    translations = _translations_by_language(page)
    page_language = language_code_of(page.locale_id)
    own_url = page.get_url(request=request) or "/"
    addresses = []
    for code, _name in settings.LANGUAGES:
        if code in translations:
            addresses.append((code, translations[code].get_url(request=request), True, True))
        elif page_language == settings.LANGUAGE_CODE:
            url = url_in_language(own_url, url_language=page_language, language=code)
            addresses.append((code, url, False, True))
        else:
            addresses.append((code, home_url(request, code), False, False))
    return addresses


def view_language_links(request: HttpRequest) -> list[LanguageLink]:
    """For pages that are not Wagtail pages (search, members' pages): the same address in
    each language, as every language has them. None for an address that matched nothing
    (an error page) or that holds a secret (an invitation's, whose view hides them), and
    never a link off the site (a path such as ``//elsewhere/``)."""
    if request.resolver_match is None or getattr(request, "language_links_hidden", False):
        return []
    current = translation.get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = _with_query(translate_url(request.path, code), request)
        if not url.startswith("/") or not url_has_allowed_host_and_scheme(url, None):
            return []
        links.append(
            LanguageLink(
                code=code,
                name=language_name(code),
                bidi=is_bidi(code),
                url=url,
                current=code == current,
                translated=True,
            )
        )
    return links


def localized_pages(pages: Iterable[Page], request: HttpRequest) -> list[tuple[Page, str]]:
    """Each page of the English tree as the reader should meet it in her language, with
    its address: its translation where there is one (found in one query), else the page
    itself under her language's prefix, where the fallback shows it in English."""
    pages = list(pages)
    language = translation.get_language()
    if not pages or language == settings.LANGUAGE_CODE:
        return [(page, page.get_url(request=request)) for page in pages]
    # Not specific: a page's title and address are all a link needs.
    translated = {
        page.translation_key: page
        for page in public(
            Page.objects.live().filter(
                translation_key__in=[page.translation_key for page in pages],
                locale__language_code=language,
                alias_of__isnull=True,
            )
        )
    }
    shown = []
    for page in pages:
        if page.translation_key in translated:
            in_language = translated[page.translation_key]
            shown.append((in_language, in_language.get_url(request=request)))
        else:
            url = url_in_language(
                page.get_url(request=request),
                url_language=settings.LANGUAGE_CODE,
                language=language,
            )
            shown.append((page, url))
    return shown


def readable_in(pages: QuerySet, locale: Locale) -> QuerySet:
    """The pages a reader of a language is offered: those translated into it, and those
    in the default language not translated into it yet (shown in English, marked so).
    Aliases wagtail-localize keeps of untranslated pages are not translations."""
    default = default_language()
    own = pages.filter(alias_of__isnull=True)
    in_language = own.filter(locale=locale)
    if locale.language_code == default:
        return in_language
    untranslated = own.filter(locale__language_code=default).exclude(
        translation_key__in=in_language.values("translation_key")
    )
    return in_language | untranslated


def note_page_language(page: Page, request: HttpRequest) -> None:
    """Mark a page whose words are in another language than the reader's (a page not
    translated yet): base.html shows the notice and marks its content with that
    language, while the rest stays in hers."""
    shown = content_language(page)
    if shown != translation.get_language():
        request.page_language = shown


def route_to_default_language(home: Page, request: HttpRequest, path_components: list[str]):
    """Route a path the reader's tree lacks through the English tree instead."""
    default_home = home.get_translation_or_none(Locale.get_default())
    if default_home is None or default_home.pk == home.pk:
        return None
    return default_home.specific.route(request, path_components)
