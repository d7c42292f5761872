"""The headers every response carries, and pages that run under a strict Content Security
Policy: no inline script, event handler or style attribute anywhere in what we render."""

import json
import re
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse

from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Site, Task, Workflow
from wagtail.snippets.models import get_snippet_models

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from consultations.demo import ROUND_TITLE
from consultations.models import Comment, Member, Round, RoundPage
from tests.factories import EditorFactory, MemberFactory

# What a browser may run without 'unsafe-inline': data blocks, which it never executes.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class InlineCodeFinder(HTMLParser):
    """Collects every piece of markup a strict policy would block."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style> element")
        script_type = (names.get("type") or "").lower()
        if tag == "script" and not names.get("src") and script_type not in DATA_SCRIPT_TYPES:
            self.found.append("<script> without src")


def inline_code_in(response) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(response.content.decode())
    return finder.found


def csp_of(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (directive.split() for directive in policy.split(";") if directive)
    }


@pytest.fixture
def demo_pages(demo_site) -> dict[str, list[str]]:
    """The addresses each kind of visitor uses, from the demo content."""
    member = get_user_model().objects.get(username="member-su")
    round = Round.objects.get(title=ROUND_TITLE)
    comment = Comment.objects.filter(round=round, author__user=member, parent=None).first()
    # The open round's pages, and the closed round's it follows, with answered comments.
    round_pages = [
        reverse("consultations:round_page", kwargs={"round_pk": round_pk, "page_pk": page_pk})
        for round_pk, page_pk in RoundPage.objects.values_list("round_id", "page_id")
    ]
    public = [page.url for page in Page.objects.live().public().specific() if page.url]
    return {
        "public": [
            *public,
            "/evidence/?kind=guideline&sort=year",
            "/search/?q=care",
            "/no-such-page/",
            reverse("login"),
            reverse("password_reset"),
            reverse("consultations:support"),
        ],
        "member": [
            reverse("consultations:dashboard"),
            reverse("consultations:profile"),
            reverse("consultations:withdraw"),
            reverse("consultations:round", kwargs={"round_pk": round.pk}),
            *round_pages,
            reverse(
                "consultations:comment_edit",
                kwargs={"round_pk": round.pk, "comment_pk": comment.pk},
            ),
            reverse(
                "consultations:comment_withdraw",
                kwargs={"round_pk": round.pk, "comment_pk": comment.pk},
            ),
            reverse("password_change"),
        ],
    }


def test_public_and_member_pages_carry_no_inline_script_handler_or_style(client, demo_pages):
    pages = {}
    for path in demo_pages["public"]:
        pages[f"public {path}"] = client.get(path)
    # An editor browsing the site gets Wagtail's user bar on every page.
    client.force_login(get_user_model().objects.get(username="editor"))
    pages["editor /"] = client.get("/")
    client.force_login(get_user_model().objects.get(username="member-su"))
    for path in demo_pages["member"]:
        pages[f"member {path}"] = client.get(path)
    # A form sent back with an error, and the page that says signing in is paused.
    round_page = next(path for path in demo_pages["member"] if "/pages/" in path)
    pages["member rating error"] = client.post(f"{round_page}rate/", {"block_id": "x"})
    client.logout()
    for _ in range(5):
        pages["lockout"] = client.post(reverse("login"), {"username": "a", "password": "b"})

    assert len(pages) >= 20
    assert pages["lockout"].status_code == 429
    assert pages["member rating error"].status_code == 200
    assert {name: inline_code_in(r) for name, r in pages.items() if inline_code_in(r)} == {}
    for name, response in pages.items():
        policy = csp_of(response)
        assert policy["script-src"] == ["'self'"], name
        assert policy["style-src"] == ["'self'"], name


def test_the_finder_sees_what_a_strict_policy_blocks(rf):
    class Page:
        content = (
            b'<p style="color: red">x</p><a href="javascript:go()">y</a>'
            b'<button onclick="go()">z</button><script>go()</script><style>p{}</style>'
            b'<script type="application/json">{}</script><script src="/s.js"></script>'
        )

    assert inline_code_in(Page) == [
        "<p style='color: red'>",
        "<a href='javascript:go()'>",
        "<button onclick='go()'>",
        "<script> without src",
        "<style> element",
    ]


def test_public_pages_have_the_strict_policy_and_the_other_security_headers(client, home_demo):
    response = client.get("/")

    policy = csp_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(
    "url_name",
    [
        "wagtailadmin_login",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_complete",
    ],
)
def test_the_admin_pages_before_sign_in_keep_the_strict_policy(client, db, url_name):
    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert csp_of(response)["script-src"] == ["'self'"]
    assert inline_code_in(response) == []


def test_the_two_factor_code_page_keeps_the_strict_policy(client, db, settings):
    settings.WAGTAIL_2FA_REQUIRED = True
    editor = EditorFactory()
    TOTPDevice.objects.create(user=editor, name="Phone", confirmed=True)
    client.force_login(editor)

    response = client.get(reverse("wagtail_2fa_auth"))

    assert response.status_code == 200
    assert csp_of(response)["script-src"] == ["'self'"]
    assert inline_code_in(response) == []


def inline_scripts_in(response) -> list[str]:
    """What ``script-src 'self'`` blocks: inline scripts, event handlers, javascript: links.
    The admin may still use inline styles (its rich text editor writes <style> elements)."""
    return [
        found
        for found in inline_code_in(response)
        if not found.startswith("<style>") and " style=" not in found
    ]


@pytest.fixture
def admin_pages(demo_site) -> list[str]:
    """Every kind of admin page an editor works on, from the demo content: each page
    type's edit and create forms (StreamFields, choosers, inline panels, date fields), the
    rounds' forms (an inline panel of page choosers), snippets, images, documents, users,
    workflows, settings and reports (date filters)."""
    pages = Page.objects.filter(depth__gt=1).specific()
    one_of_each = {type(page): page for page in pages}.values()
    round = Round.objects.get(title=ROUND_TITLE)
    comment = Comment.objects.filter(round=round).first()
    member = Member.objects.first()
    page_id = round.round_pages.values_list("page_id", flat=True).first()
    enter_url = reverse("rounds:enter", args=[round.pk])
    image = Image.objects.create(title="Logo", file=get_test_image_file())
    document = Document.objects.create(title="Leaflet", file=ContentFile(b"text", "leaflet.txt"))
    snippet_urls = []
    for model in get_snippet_models():
        snippet_urls.append(reverse(model.snippet_viewset.get_url_name("add")))
        if first := model.objects.first():
            snippet_urls.append(
                reverse(model.snippet_viewset.get_url_name("edit"), args=[first.pk])
            )
    return [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore_root"),
        *(reverse("wagtailadmin_pages:edit", args=[page.pk]) for page in one_of_each),
        *(
            reverse(
                "wagtailadmin_pages:add",
                args=[page._meta.app_label, page._meta.model_name, page.get_parent().pk],
            )
            for page in one_of_each
            # The index pages allow one of each.
            if type(page).can_create_at(page.get_parent())
        ),
        *snippet_urls,
        reverse("rounds:index"),
        reverse("rounds:add"),
        reverse("rounds:edit", args=[round.pk]),
        reverse("rounds:inspect", args=[round.pk]),
        reverse("rounds:changes", args=[round.pk]),
        reverse("rounds:participation", args=[round.pk]),
        reverse("rounds:report", args=[round.pk]),
        reverse("rounds:moderation", args=[round.pk]),
        reverse("rounds:answer", args=[comment.pk]),
        reverse("rounds:hide", args=[comment.pk]),
        enter_url,
        *(
            f"{enter_url}?member={member.pk}&page={page_id}&kind={kind}"
            for kind in ("comment", "ratings")
        ),
        reverse("members:index"),
        reverse("invitations:add"),
        reverse("wagtailimages:index"),
        reverse("wagtailimages:add_multiple"),
        reverse("wagtailimages:edit", args=[image.pk]),
        reverse("wagtaildocs:index"),
        reverse("wagtaildocs:add_multiple"),
        reverse("wagtaildocs:edit", args=[document.pk]),
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:add"),
        reverse("wagtailusers_users:edit", args=[get_user_model().objects.first().pk]),
        reverse("wagtailusers_groups:edit", args=[Group.objects.first().pk]),
        reverse("wagtailadmin_workflows:index"),
        reverse("wagtailadmin_workflows:add"),
        reverse("wagtailadmin_workflows:edit", args=[Workflow.objects.first().pk]),
        reverse("wagtailadmin_workflows:edit_task", args=[Task.objects.first().pk]),
        reverse("wagtailsettings:edit", args=["home", "studysettings", Site.objects.get().pk]),
        reverse("wagtailadmin_reports:locked_pages"),
        reverse("wagtailadmin_reports:aging_pages"),
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailadmin_reports:workflow_tasks"),
        reverse("wagtailadmin_reports:site_history"),
        reverse("wagtailadmin_account"),
    ]


def test_the_admin_runs_no_inline_script_and_nothing_from_elsewhere(client, admin_pages):
    editor = EditorFactory(is_superuser=True)
    client.force_login(editor)
    two_factor_pages = [
        reverse("wagtail_2fa_device_list", kwargs={"user_id": editor.pk}),
        reverse("wagtail_2fa_device_new"),
    ]

    responses = {path: client.get(path) for path in [*admin_pages, *two_factor_pages]}

    assert len(responses) >= 40
    assert {path: r.status_code for path, r in responses.items() if r.status_code != 200} == {}
    assert {
        path: inline_scripts_in(r) for path, r in responses.items() if inline_scripts_in(r)
    } == {}
    for path, response in responses.items():
        policy = csp_of(response)
        assert policy["script-src"] == ["'self'"], path
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"], path
        assert policy["default-src"] == ["'self'"], path
        assert policy["object-src"] == ["'none'"], path
        assert policy["frame-ancestors"] == ["'self'"], path
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], path


def test_the_admins_widgets_start_from_data_the_admin_script_reads(client, admin_pages):
    client.force_login(EditorFactory(is_superuser=True))
    round_edit = next(path for path in admin_pages if path.startswith("/admin/rounds/edit/"))

    html = client.get(round_edit).content.decode()

    calls = [
        json.loads(data)
        for data in re.findall(
            r'<script type="application/json" data-admin-init>(.*?)</script>', html, re.S
        )
    ]
    started = {(call["function"], call["new"]) for call in calls}
    assert started == {
        ("initDateTimeChooser", False),
        ("PageChooser", True),
        ("InlinePanel", True),
    }
    assert re.search(r'<script src="/static/cms/js/admin_init\.js\?v=\w+" defer>', html)


def test_sessions_end_with_the_browser_and_after_two_idle_hours(client, db, settings):
    client.force_login(MemberFactory().user)

    response = client.get(reverse("consultations:dashboard"))

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["expires"] == ""  # a browser-session cookie
    assert client.session.get_expiry_age() == 2 * 60 * 60


def test_a_page_preview_may_be_framed_by_the_admin_and_keeps_the_public_policy(client, db):
    """The page editor's preview panel frames the page as Wagtail renders it for a preview."""
    client.force_login(EditorFactory(is_superuser=True))
    page = Page.objects.get(depth=2)

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))

    assert response.status_code == 200
    policy = csp_of(response)
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] != "DENY"


def test_the_admin_asks_no_third_party_for_avatars(client, db):
    client.force_login(EditorFactory(is_superuser=True, email="erin@example.org"))

    response = client.get(reverse("wagtailadmin_home"))

    assert response.status_code == 200
    assert "gravatar" not in response.content.decode()


@pytest.mark.parametrize("update_check", [True, False])
def test_the_admin_asks_no_outside_server_for_wagtail_releases(client, db, settings, update_check):
    """The site's own setting turns the check off; the test of the other value proves it
    would otherwise be on the superuser's dashboard."""
    if update_check:
        settings.WAGTAIL_ENABLE_UPDATE_CHECK = True
    client.force_login(EditorFactory(is_superuser=True))

    response = client.get(reverse("wagtailadmin_home"))

    # Wagtail's "w-upgrade" controller is what fetches releases.wagtail.org.
    assert ('data-controller="w-upgrade' in response.content.decode()) is update_check
