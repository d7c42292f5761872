"""WCAG 2.2 AA, checked by axe-core in Chromium on every public and member page, in every
language of the site (Arabic right to left), on a 360 px phone and on a desktop; and on
the phone, no page scrolls sideways."""

from django.conf import settings

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import AXE, DESKTOP, PHONE, Site, session_cookie
from tests.browser.pages import MEMBER, in_language, member_paths, public_paths, token_paths

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => {
                const where = v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ");
                return `${v.id} (${v.impact}): ${where}`;
            });
        }""",
        WCAG_AA,
    )
    return list(found)


def sideways_scroll(page: Page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_the_check_finds_what_it_looks_for(page):
    """axe-core runs and reports: a page with the faults the rules name fails."""
    page.set_content(
        '<html><body><img src="x.png"><input type="text"><div style="width:900px">wide</div>'
        "</body></html>"
    )
    page.set_viewport_size(PHONE)

    found = " ".join(axe_violations(page))

    assert "image-alt" in found and "label" in found and "html-has-lang" in found
    assert sideways_scroll(page) > 0


def check_pages(browser: Browser, site: Site, paths: list[str], *, viewport: dict, cookie=None):
    context = browser.new_context(bypass_csp=True, viewport=viewport)
    if cookie:
        context.add_cookies([cookie])
    page = context.new_page()
    problems = []
    for path in paths:
        response = page.goto(site(path))
        assert response is not None and response.status < 500, path
        size = "phone" if viewport == PHONE else "desktop"
        problems += [f"{path} ({size}): {violation}" for violation in axe_violations(page)]
        if viewport == PHONE and (extra := sideways_scroll(page)) > 0:
            problems.append(f"{path}: scrolls sideways by {extra} px at 360 px")
    context.close()
    return problems


def test_public_and_member_pages_meet_wcag_aa_in_every_language_on_phone_and_desktop(
    browser, site
):
    public_en = public_paths() + token_paths()
    member_en = member_paths()
    cookie = session_cookie(MEMBER, site)
    problems = []
    for language in LANGUAGES:
        public = [in_language(path, language) for path in public_en]
        member = [in_language(path, language) for path in member_en]
        for viewport in (PHONE, DESKTOP):
            problems += check_pages(browser, site, public, viewport=viewport)
            problems += check_pages(browser, site, member, viewport=viewport, cookie=cookie)

    assert problems == [], "\n" + "\n".join(problems)
