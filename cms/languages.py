"""The reader's language: which pages exist in it, where to link, and what to do when a
page has not been translated yet.

Pages in other languages than English (United Kingdom) live under their language code
(/pl/...), in their own tree, as wagtail-localize makes them. A page missing from that tree
is served from the English tree instead, in English, with a notice in the reader's
language (``HomePage.route`` and the ``before_serve_page`` hook), so the reader never
meets a "page not found".
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation

from wagtail.models import Locale, Page


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


def content_language(page: Page) -> str:
    """The language of the words on a page: its locale's, or, for an alias that
    wagtail-localize keeps of a page not yet translated, the original's."""
    if page.alias_of_id and page.alias_of.locale_id != page.locale_id:
        return page.alias_of.locale.language_code
    return page.locale.language_code


def url_in_language(url: str, *, url_language: str, language: str) -> str:
    """The same site path with another language's prefix: /about/ → /pl/about/."""
    with translation.override(url_language):
        return translate_url(url, language)


def _translations_by_language(page: Page) -> dict[str, Page]:
    """The live, public translations of a page (itself included), by language code.
    Aliases of pages in another language are not translations."""
    return {
        translated.locale.language_code: translated
        for translated in page.get_translations(inclusive=True)
        .live()
        .public()
        .filter(alias_of__isnull=True)
        .select_related("locale")
    }


def page_language_links(page: Page, request: HttpRequest) -> list[LanguageLink]:
    """For each of the site's languages, where the page is in it: its translation where
    there is one, otherwise the page under that language's prefix (shown with a notice)."""
    translations = _translations_by_language(page)
    shown = content_language(page)
    own_url = page.get_url(request=request) or "/"
    links = []
    for code, _name in settings.LANGUAGES:
        if code in translations:
            url = translations[code].get_url(request=request)
        else:
            url = url_in_language(own_url, url_language=page.locale.language_code, language=code)
        links.append(
            LanguageLink(
                code=code,
                name=language_name(code),
                bidi=is_bidi(code),
                url=url,
                current=code == shown,
                translated=code in translations,
            )
        )
    return links


def view_language_links(request: HttpRequest) -> list[LanguageLink]:
    """For pages that are not Wagtail pages (search, members' pages): the same address in
    each language, as every language has them."""
    current = translation.get_language()
    path = request.get_full_path()
    return [
        LanguageLink(
            code=code,
            name=language_name(code),
            bidi=is_bidi(code),
            url=translate_url(path, code),
            current=code == current,
            translated=True,
        )
        for code, _name in settings.LANGUAGES
    ]


def localized_pages(pages: Iterable[Page], request: HttpRequest) -> list[tuple[Page, str]]:
    """Each page of the English tree as the reader should meet it in her language, with
    its address: its translation where there is one (found in one query), else the page
    itself under her language's prefix, where the fallback shows it in English."""
    pages = list(pages)
    language = translation.get_language()
    if not pages or language == settings.LANGUAGE_CODE:
        return [(page, page.get_url(request=request)) for page in pages]
    translated = {
        page.translation_key: page
        for page in Page.objects.live()
        .public()
        .filter(
            translation_key__in=[page.translation_key for page in pages],
            locale__language_code=language,
            alias_of__isnull=True,
        )
        .specific()
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
    """The pages a reader of a language is offered: those in it, and those in the
    default language not translated into it yet (shown in English, with a notice)."""
    default = Locale.get_default()
    in_language = pages.filter(locale=locale)
    if locale.pk == default.pk:
        return in_language
    untranslated = pages.filter(locale=default).exclude(
        translation_key__in=pages.filter(locale=locale).values("translation_key")
    )
    return in_language | untranslated


def serve_in_content_language(page: Page, request: HttpRequest) -> None:
    """Show a page whose words are in another language than the reader's (a page not
    translated yet) wholly in its own language, so that its menus, dates and ``lang``
    match its words; ``request.fallback_language`` keeps hers, for the notice."""
    shown = content_language(page)
    reader = translation.get_language()
    if shown != reader:
        request.fallback_language = reader
        translation.activate(shown)
        request.LANGUAGE_CODE = shown


def route_to_default_language(home: Page, request: HttpRequest, path_components: list[str]):
    """Route a path the reader's tree lacks through the English tree instead."""
    default_home = home.get_translation_or_none(Locale.get_default())
    if default_home is None or default_home.pk == home.pk:
        return None
    return default_home.specific.route(request, path_components)
