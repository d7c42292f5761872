"""Whole journeys through the demo site, as its people make them in Chromium: a reader
finding a lay finding and reading it in Polish, a new member from her invitation to an
edited comment (on a phone), an editor opening a round, answering a comment, reading
results and exporting them, and the member then reading the answer; the round page
without JavaScript; every control reached by the keyboard with a visible focus; and the
README's screenshots."""

import re
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from cms.demo import DEMO_PASSWORD
from consultations.enums import Constituency
from consultations.models import Comment, Round
from consultations.services import invitation_create
from tests.browser.conftest import DESKTOP, PHONE, Site, session_cookie
from tests.browser.pages import MEMBER, member_paths, public_paths, token_paths

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
OPEN_ROUND = "Round 2: the revised draft"
CLOSED_ROUND = "Round 1: the first draft"
FIRST_SECTION = "Working together across services"
RATING_GROUP = re.compile(r"^Your rating of requirement \d+\.\d+$")


def requirement(page: Page, number: str) -> Locator:
    """One requirement's card on a round page: its text, rating form and comments."""
    return page.locator("li.app-requirement").filter(
        has=page.get_by_role("heading", name=f"Requirement {number}", exact=True)
    )


def comment_on(page: Page, number: str, body: str) -> None:
    card = requirement(page, number)
    card.get_by_text(f"Comment on requirement {number}", exact=True).click()
    card.get_by_label("Your comment", exact=True).fill(body)
    card.get_by_role("button", name="Add comment", exact=True).click()
    expect(page.get_by_text("Your comment is saved.")).to_be_visible()


def rate_every_requirement(page: Page, score: str) -> int:
    groups = page.get_by_role("group", name=RATING_GROUP)
    count = groups.count()
    for index in range(count):
        group = groups.nth(index)
        number = group.locator("legend").inner_text().rsplit(" ", 1)[-1]
        group.get_by_label(score, exact=True).check()
        group.locator("xpath=ancestor::form").get_by_role("button", name="Save rating").click()
        expect(page.get_by_text(f"Your rating of requirement {number} is saved.")).to_be_visible()
    return count


def test_a_reader_finds_a_lay_finding_through_search_and_filters_and_reads_it_in_polish(
    page, site
):
    page.goto(site("/"))
    header = page.locator("header")
    header.get_by_label("Search this site").fill("care")
    header.get_by_role("button", name="Search").click()

    expect(page.get_by_role("heading", name=re.compile(r"\d+ results for ‘care’"))).to_be_visible()
    expect(page.get_by_role("link", name="What women told us about their care")).to_be_visible()

    # She narrows the lay findings to those drawing on evidence about stigma.
    page.locator("header").get_by_role("link", name="What we found").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What we found")
    filters = page.locator("form").filter(has=page.get_by_role("button", name="Apply filters"))
    filters.locator("summary").filter(has_text="Theme").click()
    page.get_by_label("Stigma", exact=True).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"[?&]theme=stigma\b"))
    expect(page.get_by_role("heading", name="1 finding found")).to_be_visible()
    expect(page.get_by_role("link", name="What makes services work together")).to_have_count(0)
    page.get_by_role("link", name="What women told us about their care").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "What women told us about their care"
    )
    expect(page.get_by_role("heading", name="Being judged")).to_be_visible()

    page.get_by_role("link", name="Polski").click()

    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page).to_have_url(re.compile(r"/pl/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Co kobiety powiedziały nam o swojej opiece"
    )
    expect(
        page.get_by_text("Kobiety chciały być traktowane przede wszystkim jak matki")
    ).to_be_visible()


def test_a_new_member_joins_from_her_invitation_comments_rates_and_edits_on_a_phone(
    browser: Browser, site: Site
):
    _invitation, token = invitation_create(
        full_name="Rowan Journey",
        email="rowan.journey@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=None,
    )
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()

    page.goto(site(f"/consultations/join/{token}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the advisory group")
    page.get_by_label("Pseudonym", exact=False).first.fill("Willow")
    page.get_by_label("Create a password").fill("a long walk by the river 77")
    page.get_by_label("Confirm your password").fill("a long walk by the river 77")
    page.get_by_label("I have read the information above and I agree to take part.").check()
    page.get_by_role("button", name="Join and go to your consultations").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your consultations")
    page.get_by_role("link", name=OPEN_ROUND).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(OPEN_ROUND)
    sections = [name.strip() for name in page.locator(".nhsuk-card__heading a").all_inner_texts()]
    assert FIRST_SECTION in sections

    page.get_by_role("link", name=FIRST_SECTION).click()
    comment_on(page, "1.2", "A named person would have made me feel less alone.")
    first_card = requirement(page, "1.2")
    expect(
        first_card.get_by_text("A named person would have made me feel less alone.")
    ).to_be_visible()

    rated = rate_every_requirement(page, "8")
    for section in sections[1:]:
        page.get_by_role("link", name=OPEN_ROUND).first.click()
        page.get_by_role("link", name=section).click()
        rated += rate_every_requirement(page, "7")
    assert rated == 13

    page.get_by_role("link", name=OPEN_ROUND).first.click()
    page.get_by_role("link", name=FIRST_SECTION).click()
    card = requirement(page, "1.2")
    card.get_by_role("link", name="Change your comment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your comment")
    page.get_by_label("Your comment").fill(
        "A named person I could phone would have made me feel less alone."
    )
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Your comment is changed.")).to_be_visible()
    card = requirement(page, "1.2")
    expect(
        card.get_by_text("A named person I could phone would have made me feel less alone.")
    ).to_be_visible()
    expect(card.locator(".app-comment__edited")).to_have_text("Edited")

    page.get_by_role("link", name="Your consultations").first.click()
    expect(
        page.get_by_text("You have rated 13 of 13 requirements and made 1 comment.")
    ).to_be_visible()
    context.close()


def admin_sign_in(page: Page, site: Site, username: str) -> None:
    page.goto(site("/admin/login/"))
    page.get_by_label(re.compile("username|email", re.I)).first.fill(username)
    page.get_by_label("Password").first.fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def go_to_rounds(page: Page) -> None:
    """Consultations › Rounds, from the admin's menu."""
    page.get_by_role("button", name="Consultations").click()
    page.get_by_role("link", name="Rounds", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/rounds/$"))


def open_round_menu(page: Page, title: str, item: str) -> None:
    page.get_by_role("button", name=f"More options for '{title}'").click()
    page.get_by_role("link", name=item, exact=True).click()


def test_an_editor_opens_a_round_answers_and_exports_then_the_member_reads_the_answer(
    browser: Browser, site: Site
):
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = context.new_page()
    admin_sign_in(page, site, "editor")

    # Opens a round: Consultations › Rounds › Add round.
    go_to_rounds(page)
    page.get_by_role("link", name="Add round").click()
    page.get_by_role("textbox", name="Title").fill("Round 3: care after birth")
    now = timezone.localtime()
    page.get_by_role("textbox", name="Opens").fill(now.strftime("%Y-%m-%d %H:%M"))
    page.get_by_role("textbox", name="Closes").fill(
        (now + timedelta(days=14)).strftime("%Y-%m-%d %H:%M")
    )
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Choose a page").first.click()
    chooser = page.get_by_role("dialog")
    chooser.get_by_role("textbox", name=re.compile("Search")).fill("Care without judgement")
    chooser.get_by_role("link", name="Care without judgement").first.click()
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.get_by_role("button", name="Create").click()

    expect(page.get_by_role("link", name="Round 3: care after birth")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Round 3: care after birth")
    expect(row).to_contain_text("Open")

    # Answers a member's comment in the open round's queue.
    open_round_menu(page, OPEN_ROUND, "Moderate comments")
    page.get_by_role("link", name=re.compile("^This would have helped me")).click()
    page.get_by_label("Partly accepted").check()
    answer = "Thank you. Requirement 1.2 now names one lead professional who keeps your plan."
    page.get_by_label("Response").fill(answer)
    page.get_by_role("button", name="Save the answer").click()
    answered = page.get_by_role("row").filter(has_text="This would have helped me")
    expect(answered).to_contain_text("Partly accepted")

    # Reads the closed round's results.
    go_to_rounds(page)
    open_round_menu(page, CLOSED_ROUND, "Results")
    expect(page.get_by_role("heading", name=FIRST_SECTION)).to_be_visible()
    expect(page.get_by_text("Consensus to include").first).to_be_visible()
    expect(page.get_by_text("Groups differ").first).to_be_visible()

    # Downloads its ratings as a spreadsheet.
    go_to_rounds(page)
    open_round_menu(page, CLOSED_ROUND, "Export comments and ratings")
    page.get_by_label("Ratings, one row per version").check()
    page.get_by_label("Excel workbook (XLSX)").check()
    page.get_by_label("Study id", exact=True).check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    path = download.path()
    assert download.suggested_filename.endswith(".xlsx")
    content = Path(path).read_bytes()
    assert content[:2] == b"PK" and len(content) > 2000  # an XLSX is a zip archive
    context.close()

    # The member whose comment was answered signs in and reads the answer.
    comment = Comment.objects.get(body__startswith="This would have helped me")
    member = browser.new_context(viewport=PHONE)
    page = member.new_page()
    page.goto(site("/accounts/login/"))
    page.get_by_label("Email address or username").fill(comment.author.user.username)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your consultations")
    page.get_by_role("link", name=OPEN_ROUND).click()
    page.get_by_role("link", name=FIRST_SECTION).click()
    card = requirement(page, "1.1")
    expect(card.get_by_text(answer)).to_be_visible()
    expect(card.locator(".app-comment__answer")).to_contain_text("Partly accepted")
    member.close()


def test_a_member_rates_and_comments_on_the_round_page_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    context.add_cookies([session_cookie(MEMBER, site)])
    page = context.new_page()
    open_round = Round.objects.open().get()
    page.goto(site(f"/consultations/{open_round.pk}/"))
    page.get_by_role("link", name="Care without judgement").click()

    group = page.get_by_role("group", name="Your rating of requirement 2.1")
    group.get_by_label("6", exact=True).check()
    group.locator("xpath=ancestor::form").get_by_role("button", name="Save rating").click()
    expect(page.get_by_text("Your rating of requirement 2.1 is saved.")).to_be_visible()
    saved = page.get_by_role("group", name="Your rating of requirement 2.1")
    expect(saved.get_by_label("6", exact=True)).to_be_checked()

    comment_on(page, "2.3", "Nobody told me the assessment had started until it was done.")
    expect(
        requirement(page, "2.3").get_by_text(
            "Nobody told me the assessment had started until it was done."
        )
    ).to_be_visible()
    context.close()


FOCUSABLE = """() => {
    const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
        + '[tabindex]:not([tabindex="-1"])';
    const shown = el => el.getClientRects().length > 0
        && getComputedStyle(el).visibility !== 'hidden' && !el.closest('[inert]')
        && !el.disabled && !(el.closest('details:not([open])')
            && el.closest('details:not([open])').querySelector('summary') !== el);
    const all = [...document.querySelectorAll(selector)].filter(shown)
        .filter(el => el.tabIndex >= 0);
    // Tab stops at one radio of a group; the arrows move within it.
    const groups = new Map();
    let stops = 0;
    all.forEach(el => {
        const group = el.type === 'radio'
            ? [...document.forms].indexOf(el.form) + '|' + el.name : null;
        if (group && groups.has(group)) { el.dataset.kb = groups.get(group); return; }
        el.dataset.kb = String(stops++);
        if (group) groups.set(group, el.dataset.kb);
    });
    document.querySelectorAll('[data-kb]').forEach(el => {
        el.dataset.kbStyle = JSON.stringify(style(el));
    });
    function style(el) {
        const target = (el.type === 'radio' || el.type === 'checkbox') && el.labels?.[0]
            ? [el.labels[0], '::before'] : [el, null];
        const s = getComputedStyle(target[0], target[1]);
        return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                shadow: s.boxShadow, background: s.backgroundColor,
                border: s.borderColor};
    }
    window.__kbStyle = style;
    const stopsList = new Map();
    all.forEach(el => stopsList.has(el.dataset.kb) || stopsList.set(el.dataset.kb, {
        id: el.dataset.kb, tag: el.tagName.toLowerCase(),
        text: (el.innerText || el.value || el.name || el.id || '').trim().slice(0, 50)}));
    return [...stopsList.values()];
}"""

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const now = window.__kbStyle(el);
    const before = JSON.parse(el.dataset.kbStyle || '{}');
    const visible = (now.outline && !before.outline)
        || (now.shadow !== 'none' && now.shadow !== before.shadow)
        || now.background !== before.background;
    return {id: el.dataset.kb ?? null, visible,
        text: (el.innerText || el.value || el.name || el.id || el.tagName).trim().slice(0, 50)};
}"""


def keyboard_problems(page: Page, where: str) -> list[str]:
    """Tab from the top of the page to its end: what was never reached, what was reached
    out of order, and what showed no focus."""
    expected = page.evaluate(FOCUSABLE)
    wanted = {item["id"]: item for item in expected}
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    order: list[str] = []
    problems: list[str] = []
    for _step in range(len(expected) + 50):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            break
        if focused["id"] is None:
            problems.append(
                f"{where}: focus went to an element not in the page's order: {focused['text']!r}"
            )
            continue
        if order and focused["id"] == order[0]:
            break
        order.append(focused["id"])
        if not focused["visible"]:
            problems.append(f"{where}: no visible focus on {focused['text']!r}")
    missed = [wanted[i] for i in wanted if i not in order]
    problems += [f"{where}: never reached by Tab: <{m['tag']}> {m['text']!r}" for m in missed]
    numbers = [int(i) for i in order]
    problems += [
        f"{where}: Tab goes back from {wanted[str(before)]['text']!r} "
        f"to {wanted[str(after)]['text']!r}"
        for before, after in zip(numbers, numbers[1:], strict=False)
        if after < before
    ]
    return problems


def test_the_keyboard_check_finds_what_it_looks_for(page):
    """A control with its focus style taken away, and one pulled ahead by tabindex, fail."""
    page.set_content(
        "<html lang=en><style>.bare:focus{outline:none;box-shadow:none}</style><body>"
        '<a href="#a">first</a><button class="bare">bare</button>'
        '<label>name <input name="n"></label><a href="#b" tabindex="1">jumps</a></body></html>'
    )

    found = "\n".join(keyboard_problems(page, "test"))

    assert "no visible focus on 'bare'" in found
    assert "Tab goes back from 'jumps' to 'first'" in found
    assert "never reached" not in found


def test_every_control_is_reached_by_tab_in_order_with_a_visible_focus(browser, site):
    """On every public and member page at desktop size, and on the phone for the pages
    she uses most (the header's menu changes there)."""
    open_round = Round.objects.open().get()
    round_page = open_round.round_pages.first()
    round_path = f"/consultations/{open_round.pk}/pages/{round_page.page_id}/"
    problems = []
    for viewport, public, member in (
        (DESKTOP, public_paths() + token_paths(), member_paths()),
        (PHONE, ["/"], ["/consultations/", round_path]),
    ):
        for paths, cookie in ((public, None), (member, session_cookie(MEMBER, site))):
            context = browser.new_context(viewport=viewport)
            if cookie:
                context.add_cookies([cookie])
            page = context.new_page()
            for path in paths:
                page.goto(site(path))
                size = "phone" if viewport == PHONE else "desktop"
                problems += keyboard_problems(page, f"{path} ({size})")
            context.close()

    assert problems == [], "\n" + "\n".join(problems)


def test_screenshots_for_the_readme(browser, site):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    open_round = Round.objects.open().get()
    closed = Round.objects.closed().first()
    round_page = open_round.round_pages.first()

    public = browser.new_context(viewport=DESKTOP)
    page = public.new_page()
    page.goto(site("/"))
    page.screenshot(path=SCREENSHOTS / "public-home.png", full_page=True)
    public.close()

    member = browser.new_context(viewport=PHONE)
    member.add_cookies([session_cookie(MEMBER, site)])
    page = member.new_page()
    page.goto(site(f"/consultations/{open_round.pk}/pages/{round_page.page_id}/"))
    # Her first two screens of it: the whole page is many screens long.
    page.screenshot(
        path=SCREENSHOTS / "member-round-phone.png",
        full_page=True,
        clip={"x": 0, "y": 0, "width": PHONE["width"], "height": 2 * PHONE["height"]},
    )
    member.close()

    editor = browser.new_context(viewport=DESKTOP)
    editor.add_cookies([session_cookie("editor", site)])
    page = editor.new_page()
    page.goto(site(f"/admin/rounds/results/{closed.pk}/"))
    expect(page.get_by_role("heading", name=FIRST_SECTION)).to_be_visible()
    # The admin scrolls inside its own panel, not the page: grow the window to the panel.
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('body *')].map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": DESKTOP["width"], "height": height})
    page.screenshot(path=SCREENSHOTS / "editor-results.png", full_page=True)
    editor.close()

    for name in ("public-home.png", "member-round-phone.png", "editor-results.png"):
        assert (SCREENSHOTS / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
