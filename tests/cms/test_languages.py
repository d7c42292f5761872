"""The site in several languages: prefixed addresses, the switcher, hreflang alternates,
lang and dir, the fallback for pages not translated yet, and the demo's translations."""

import re

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from wagtail.models import Locale, Page

import polib
import pytest
from bs4 import BeautifulSoup
from wagtail_localize.models import StringTranslation, Translation

from cms.demo import DEMO_PASSWORD
from cms.settings.base import content_languages
from home.models import StandardPage

FINDING = "/findings/what-women-told-us-about-their-care/"
INTRODUCTION = {
    "en-gb": "A research study on care for women who use drugs in pregnancy",
    "pl": "Badanie naukowe o opiece nad kobietami",
    "ar": "دراسة بحثية عن رعاية النساء",
}
FINDING_TITLE = {
    "en-gb": "What women told us about their care",
    "pl": "Co kobiety powiedziały nam o swojej opiece",
    "ar": "ما أخبرتنا به النساء عن الرعاية التي تلقينها",
}
PREFIX = {"en-gb": "", "pl": "/pl", "ar": "/ar"}
DIRECTION = {"en-gb": "ltr", "pl": "ltr", "ar": "rtl"}
NOTICE = {
    "pl": "Ta strona nie została jeszcze przetłumaczona na Twój język",
    "ar": "لم تُترجم هذه الصفحة إلى لغتك بعد",
}


@pytest.fixture
def demo_site(demo_seeded_once, db):
    return demo_seeded_once


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def alternates(page: BeautifulSoup) -> dict[str, str]:
    return {
        link["hreflang"]: link["href"]
        for link in page.find_all("link", rel="alternate", hreflang=True)
    }


def switcher(page: BeautifulSoup) -> dict[str, str | None]:
    """Each language the switcher offers, with its link (None for the one shown)."""
    nav = page.find("nav", class_="app-language-switcher")
    return {
        item.find(lang=True)["lang"]: item.a["href"] if item.a else None
        for item in nav.find_all("li")
    }


@pytest.mark.parametrize("code", ["en-gb", "pl", "ar"])
def test_home_page_in_each_language_has_its_words_lang_dir_and_alternates(demo_site, client, code):
    page = soup(client.get(f"{PREFIX[code]}/"))

    assert page.html["lang"] == code
    assert page.html["dir"] == DIRECTION[code]
    assert INTRODUCTION[code] in page.get_text()
    assert alternates(page) == {
        "en-gb": "http://testserver/",
        "x-default": "http://testserver/",
        "pl": "http://testserver/pl/",
        "ar": "http://testserver/ar/",
    }
    assert page.find("link", rel="canonical") is None


@pytest.mark.parametrize("code", ["en-gb", "pl", "ar"])
def test_lay_finding_in_each_language_has_its_words_lang_dir_and_alternates(
    demo_site, client, code
):
    page = soup(client.get(f"{PREFIX[code]}{FINDING}"))

    assert page.html["lang"] == code
    assert page.html["dir"] == DIRECTION[code]
    assert page.h1.get_text(strip=True) == FINDING_TITLE[code]
    assert alternates(page) == {
        "en-gb": f"http://testserver{FINDING}",
        "x-default": f"http://testserver{FINDING}",
        "pl": f"http://testserver/pl{FINDING}",
        "ar": f"http://testserver/ar{FINDING}",
    }
    assert page.find(class_="app-translation-notice") is None


def test_switcher_goes_to_the_same_page_in_each_language(demo_site, client):
    page = soup(client.get(f"/pl{FINDING}"))

    assert switcher(page) == {"en-gb": FINDING, "pl": None, "ar": f"/ar{FINDING}"}
    current = page.find("nav", class_="app-language-switcher").find(attrs={"aria-current": True})
    assert current.get_text(strip=True) == "Polski"
    assert page.find("nav", class_="app-language-switcher").find(lang="ar")["dir"] == "rtl"


def test_switcher_on_a_page_not_translated_leads_to_the_notice_in_that_language(demo_site, client):
    page = soup(client.get("/about/"))

    assert switcher(page) == {"en-gb": None, "pl": "/pl/about/", "ar": "/ar/about/"}
    # Only real translations are alternates.
    assert alternates(page) == {
        "en-gb": "http://testserver/about/",
        "x-default": "http://testserver/about/",
    }


@pytest.mark.parametrize("code", ["pl", "ar"])
def test_page_not_translated_falls_back_to_english_with_a_notice_in_her_language(
    demo_site, client, code
):
    response = client.get(f"/{code}/about/")
    page = soup(response)

    # The page's words, in English and marked so; the rest of the page in hers.
    assert page.html["lang"] == code
    assert page.html["dir"] == DIRECTION[code]
    content = page.find("main").find(lang="en-gb")
    assert content["dir"] == "ltr"
    assert content.h1.get_text(strip=True) == "About the study"
    notice = page.find(class_="app-translation-notice")
    assert not notice.find_parent(lang="en-gb")
    assert NOTICE[code] in notice.get_text()
    assert notice.a["href"] == f"/{code}/"
    assert page.find("link", rel="canonical")["href"] == "http://testserver/about/"
    assert switcher(page) == {"en-gb": "/about/", "pl": "/pl/about/", "ar": "/ar/about/"} | {
        code: None
    }


def test_she_stays_in_her_language_after_a_page_not_translated(demo_site, client):
    page = soup(client.get("/pl/about/"))

    menu = [a["href"] for a in page.select("a.nhsuk-header__navigation-link")]
    assert "/pl/findings/" in menu
    assert "/pl/get-involved/" in menu
    assert page.find("a", class_="nhsuk-header__service-name")["href"] == "/pl/"
    assert page.find("form", id="search")["action"] == "/pl/search/"
    footer = [a["href"] for a in page.select("footer a[href^='/']")]
    assert footer and all(href.startswith("/pl/") for href in footer)


def test_page_below_an_untranslated_section_falls_back_too(demo_site, client):
    summary = Page.objects.filter(url_path__startswith="/home/evidence/", depth=4).first()

    page = soup(client.get(f"/ar{summary.url}"))

    assert page.h1.get_text(strip=True) == summary.title
    assert NOTICE["ar"] in page.find(class_="app-translation-notice").get_text()


def test_an_address_that_is_nowhere_is_still_not_found(demo_site, client):
    assert client.get("/pl/no-such-page/").status_code == 404


def test_lay_findings_in_polish_list_the_translated_one_and_the_others_in_english(
    demo_site, client
):
    page = soup(client.get("/pl/findings/"))

    links = {a.get_text(strip=True): a["href"] for a in page.select("a.nhsuk-card__link")}
    assert links[FINDING_TITLE["pl"]] == f"/pl{FINDING}"
    # The untranslated one is there, in English, at its address under /pl/.
    assert links["What makes services work together"] == (
        "/pl/findings/what-makes-services-work-together/"
    )
    assert FINDING_TITLE["en-gb"] not in links


def test_english_home_lists_no_translation_among_the_latest_findings(demo_site, client):
    page = soup(client.get("/"))

    titles = [a.get_text(strip=True) for a in page.select("a.nhsuk-card__link")]
    assert FINDING_TITLE["en-gb"] in titles
    assert FINDING_TITLE["pl"] not in titles
    assert FINDING_TITLE["ar"] not in titles


def test_search_in_polish_finds_the_translation_and_not_its_english_source(demo_site, client):
    page = soup(client.get("/pl/search/", {"q": "kobiety"}))

    text = page.get_text()
    assert FINDING_TITLE["pl"] in text
    assert FINDING_TITLE["en-gb"] not in text


def test_menu_in_polish_links_each_section_in_polish(demo_site, client):
    page = soup(client.get("/pl/"))

    menu = {
        a.get_text(strip=True): a["href"]
        for a in page.select("nav.nhsuk-header__navigation a.nhsuk-header__navigation-link")
    }
    assert menu["Czego się dowiedzieliśmy"] == "/pl/findings/"
    assert menu["About the study"] == "/pl/about/"
    about = page.find("a", string="About the study")
    assert about["lang"] == "en-gb"
    assert not page.find("a", string="Czego się dowiedzieliśmy").has_attr("lang")


def test_member_pages_have_language_prefixes_and_sign_in_keeps_the_language(demo_site, client):
    response = client.get("/pl/consultations/")

    assert response.status_code == 302
    assert response["Location"] == "/pl/accounts/login/?next=/pl/consultations/"
    page = soup(client.get("/pl/accounts/login/"))
    assert page.html["lang"] == "pl"
    assert switcher(page)["en-gb"] == "/accounts/login/"


def test_site_languages_come_from_the_environment_with_english_first():
    assert content_languages(["pl", "ar"]) == [
        ("en-gb", "British English"),
        ("pl", "Polish"),
        ("ar", "Arabic"),
    ]
    with pytest.raises(ImproperlyConfigured, match="xx"):
        content_languages(["pl", "xx"])


def test_demo_creates_a_locale_for_each_language(demo_site):
    assert set(Locale.objects.values_list("language_code", flat=True)) == {"en-gb", "pl", "ar"}


# Editors: PO files for translators working offline, and translations out of date.


@pytest.fixture
def polish_home_translation(demo_site) -> Translation:
    return Translation.objects.get(
        target_locale__language_code="pl", source__object_repr="Stepping Stones"
    )


def test_editor_downloads_a_po_file_of_a_translation(polish_home_translation, admin_client):
    response = admin_client.get(
        reverse("wagtail_localize:download_pofile", args=[polish_home_translation.pk])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith("-pl.po")
    po = polib.pofile(response.content.decode())
    entry = next(e for e in po if e.msgid.startswith("A research study"))
    assert entry.msgstr.startswith(INTRODUCTION["pl"])


def test_editor_uploads_a_po_file_and_publishing_shows_its_words(
    polish_home_translation, admin_client, client
):
    po = polish_home_translation.export_po()
    entry = next(e for e in po if e.msgid == "Get involved")
    entry.msgstr = "Dołącz do nas"
    upload = reverse("wagtail_localize:upload_pofile", args=[polish_home_translation.pk])

    response = admin_client.post(upload, {"file": _po_upload(po), "next": "/admin/"}, follow=True)

    assert "Successfully imported translations from PO File." in response.content.decode()
    assert StringTranslation.objects.filter(
        locale__language_code="pl", data="Dołącz do nas"
    ).exists()
    polish_home_translation.save_target(publish=True)
    assert "Dołącz do nas" in client.get("/pl/").content.decode()


def test_a_po_file_of_another_translation_is_refused(polish_home_translation, admin_client):
    arabic = Translation.objects.get(
        target_locale__language_code="ar", source=polish_home_translation.source
    )
    upload = reverse("wagtail_localize:upload_pofile", args=[polish_home_translation.pk])

    response = admin_client.post(
        upload, {"file": _po_upload(arabic.export_po()), "next": "/admin/"}, follow=True
    )

    assert "created for a different translation" in response.content.decode()


def _po_upload(po: polib.POFile):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("home-pl.po", str(po).encode(), "text/x-gettext-translation")


def _publish_english_home_change() -> Page:
    home = Page.objects.get(url_path="/home/").specific
    home.introduction += " Changed."
    home.save_revision().publish()
    return home


def test_translations_show_as_out_of_date_when_the_english_page_changes(demo_site, admin_client):
    report = reverse("cms_translations_out_of_date")
    assert not soup(admin_client.get(report)).select("tbody tr")

    home = _publish_english_home_change()

    listed = soup(admin_client.get(report))
    rows = [row.get_text(" ", strip=True) for row in listed.select("tbody tr")]
    assert len(rows) == 2
    assert any("Stepping Stones" in row and "Polish" in row for row in rows)
    assert any("Stepping Stones" in row and "Arabic" in row for row in rows)
    polish = home.get_translation(Locale.objects.get(language_code="pl"))
    editor_page = admin_client.get(reverse("wagtailadmin_pages:edit", args=[polish.pk]))
    assert "This translation is out of date" in editor_page.content.decode()
    source_page = admin_client.get(reverse("wagtailadmin_pages:edit", args=[home.pk]))
    assert "Translations of this page are out of date" in source_page.content.decode()


def test_syncing_translated_pages_brings_them_up_to_date(demo_site, admin_client):
    home = _publish_english_home_change()
    source = Translation.objects.filter(source__object_id=home.translation_key).first().source
    update = reverse("wagtail_localize:update_translations", args=[source.pk])

    response = admin_client.post(update, {"publish_translations": "on"})

    assert response.status_code == 302
    listed = soup(admin_client.get(reverse("cms_translations_out_of_date")))
    assert not listed.select("tbody tr")


def test_translations_report_is_for_editors_only(demo_site, client, django_user_model):
    response = client.get(reverse("cms_translations_out_of_date"))

    assert response.status_code == 302
    assert re.match(r"^/admin/login/", response["Location"])


# The site's own words in the reader's language.


def in_language(code: str, english: str) -> str:
    """The catalogue's translation of a message: the test fails if there is none."""
    with translation.override(code):
        translated = gettext(english)
    assert translated != english, f"no {code} translation of {english!r}"
    return translated


@pytest.mark.parametrize("code", ["pl", "ar"])
def test_a_form_error_appears_in_the_chosen_language(demo_site, client, code):
    response = client.post(f"/{code}/accounts/login/", {"username": "", "password": "x"})
    page = BeautifulSoup(response.content, "html.parser")

    assert response.status_code == 200
    assert page.html["lang"] == code
    assert in_language(code, "Enter your email address or username.") in page.get_text()
    assert "Enter your email address or username." not in page.get_text()
    # What she typed is kept.
    assert page.find("input", attrs={"name": "password"}) is not None


@pytest.mark.parametrize("code", ["pl", "ar"])
def test_member_dashboard_is_in_her_language(demo_site, client, code):
    client.login(username="member-su", password=DEMO_PASSWORD)

    page = soup(client.get(f"/{code}/consultations/"))

    assert page.html["lang"] == code
    assert page.h1.get_text(strip=True) == in_language(code, "Your consultations")
    assert in_language(code, "Open rounds") in page.get_text()
    assert switcher(page)["en-gb"] == "/consultations/"


@pytest.mark.parametrize("code", ["pl", "ar"])
def test_site_chrome_is_in_the_readers_language(demo_site, client, code):
    page = soup(client.get(f"/{code}/"))

    assert page.find("a", class_="nhsuk-skip-link").get_text(strip=True) == in_language(
        code, "Skip to main content"
    )


def test_demo_editor_translates_a_page_into_polish_in_the_admin(demo_site, client):
    client.login(username="editor", password=DEMO_PASSWORD)
    about = Page.objects.get(url_path="/home/about/")
    polish = Locale.objects.get(language_code="pl")

    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[about.pk]),
        {"locales": [polish.pk]},
    )

    translated = about.get_translation(polish)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[translated.pk])
    # The translation editor opens on it, with the PO file links for offline translators.
    editor = client.get(response["Location"]).content.decode()
    assert reverse("wagtail_localize:download_pofile", args=[_translation_of(translated).pk]) in (
        editor
    )
    assert translated.get_parent().specific.locale == polish


def _translation_of(page: Page) -> Translation:
    return Translation.objects.get(
        source__object_id=page.translation_key, target_locale_id=page.locale_id
    )


def test_breadcrumbs_of_a_translated_page_start_at_home_in_her_language(demo_site, client):
    page = soup(client.get(f"/pl{FINDING}"))

    crumbs = page.select("a.nhsuk-breadcrumb__link")
    assert crumbs[0]["href"] == "/pl/"
    assert crumbs[0].get_text(strip=True) == in_language("pl", "Home")


def test_search_results_not_translated_keep_her_language(demo_site, client):
    page = soup(client.get("/pl/search/", {"q": "midwives"}))

    links = [a["href"] for a in page.select(".app-results__item h3 a")]
    assert links
    assert all(link.startswith("/pl/") for link in links)
    assert all(h3["lang"] == "en-gb" for h3 in page.select(".app-results__item h3"))


def test_switcher_keeps_the_filters(demo_site, client):
    page = soup(client.get("/evidence/", {"kind": "guideline"}))

    assert switcher(page)["pl"] == "/pl/evidence/?kind=guideline"


def test_switcher_on_a_page_only_in_polish_leads_to_the_other_home_pages(demo_site, client):
    polish_home = Page.objects.get(depth=2, locale__language_code="pl").specific
    only_polish = polish_home.add_child(
        instance=StandardPage(title="Tylko po polsku", slug="tylko-po-polsku")
    )

    page = soup(client.get(only_polish.url))

    assert switcher(page) == {"en-gb": "/", "pl": None, "ar": "/ar/"}
    assert alternates(page) == {"pl": "http://testserver/pl/tylko-po-polsku/"}


def test_a_path_naming_another_host_gets_no_language_links_to_it(demo_site, client):
    # The test client would read "//elsewhere.example" as a host: the path is set as a
    # server receives it.
    response = client.get("/search/", PATH_INFO="//elsewhere.example/search/")

    assert response.wsgi_request.path == "//elsewhere.example/search/"
    assert b"elsewhere.example" not in response.content


def test_deploy_check_warns_of_catalogues_not_compiled(tmp_path, monkeypatch, settings):
    from cms import checks

    settings.BASE_DIR = tmp_path
    catalogue = tmp_path / "locale" / "pl" / "LC_MESSAGES" / "django.po"
    catalogue.parent.mkdir(parents=True)
    catalogue.write_text('msgid ""\nmsgstr ""\n')
    monkeypatch.setattr(checks, "catalogue_dirs", lambda: [tmp_path / "locale"])

    [warning] = checks.translations_compiled(None)
    assert warning.id == "cms.W001"
    assert "locale/pl/LC_MESSAGES/django.po" in warning.msg

    catalogue.with_suffix(".mo").write_bytes(b"")
    assert checks.translations_compiled(None) == []
