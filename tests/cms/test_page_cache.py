"""The full-page cache: public pages a second time without a query, fresh after every
change an editor makes, and nothing kept that belongs to one person."""

import gzip

from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.middleware.csrf import get_token
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail import hooks
from wagtail.contrib.frontend_cache.backends import BaseBackend
from wagtail.models import Page, PageViewRestriction

import pytest

from cms.page_cache import page_cache_generation
from evidence.models import Theme
from tests.factories import (
    PASSWORD,
    EditorFactory,
    EvidenceIndexPageFactory,
    EvidenceSummaryPageFactory,
    FrameworkIndexPageFactory,
    FrameworkSectionPageFactory,
    GlossaryTermFactory,
    LayFindingsIndexPageFactory,
    LayFindingsPageFactory,
    MemberFactory,
    StandardPageFactory,
)


@pytest.fixture
def pages(home_page) -> dict[str, Page]:
    """One page of every public type, as editors publish them."""
    theme = Theme.objects.order_by("pk").first()
    evidence = EvidenceIndexPageFactory(parent=home_page, show_in_menus=True)
    findings = LayFindingsIndexPageFactory(parent=home_page, show_in_menus=True)
    framework = FrameworkIndexPageFactory(parent=home_page)
    return {
        "home": home_page,
        "about": StandardPageFactory(
            parent=home_page, title="About the study", slug="about", show_in_menus=True
        ),
        "evidence": evidence,
        "summary": EvidenceSummaryPageFactory(
            parent=evidence, title="Joined-up care in pregnancy", themes=[theme]
        ),
        "findings": findings,
        "finding": LayFindingsPageFactory(parent=findings, title="One midwife who knew her story"),
        "framework": framework,
        "section": FrameworkSectionPageFactory(parent=framework, title="Working together"),
    }


def address(pages: dict[str, Page], name: str) -> str:
    """Each kind of public address: every page type, the evidence index with filters, the
    search page with a query, and a page in a second language."""
    if name == "evidence_filtered":
        return f"{pages['evidence'].url}?kind=research&sort=title"
    if name == "search":
        return f"{reverse('search')}?q=midwife"
    if name == "finding_in_polish":
        return f"/pl{pages['finding'].url}"
    return pages[name].url


PUBLIC_ADDRESSES = [
    "home",
    "about",
    "evidence",
    "evidence_filtered",
    "summary",
    "findings",
    "finding",
    "framework",
    "section",
    "search",
    "finding_in_polish",
]


def publish(page: Page) -> None:
    page.save_revision().publish()


def queries_for(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


@pytest.mark.parametrize("name", PUBLIC_ADDRESSES)
def test_a_public_page_is_served_again_without_a_query(
    client, pages, name, django_assert_num_queries
):
    url = address(pages, name)
    first = client.get(url)
    assert first.status_code == 200

    with django_assert_num_queries(0):
        again = client.get(url)
    assert not rendered(again)

    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "public" in again["Cache-Control"]
    assert "s-maxage=300" in again["Cache-Control"]
    assert "Set-Cookie" not in again


def test_another_address_or_query_is_another_page(client, pages):
    client.get(f"{pages['evidence'].url}?kind=research")

    response, queries = queries_for(client, f"{pages['evidence'].url}?kind=guideline")

    assert rendered(response)
    assert b"Joined-up care in pregnancy" not in response.content


def test_a_published_change_shows_on_the_page_its_index_the_home_page_and_search(client, pages):
    finding = pages["finding"]
    urls = [finding.url, pages["findings"].url, pages["home"].url, "/search/?q=midwife"]
    for url in urls:
        assert b"One midwife who knew her story" in client.get(url).content

    finding.title = "A midwife who knew her whole story"
    publish(finding)

    for url in urls:
        content = client.get(url).content
        assert b"A midwife who knew her whole story" in content, url
        assert b"One midwife who knew her story" not in content, url


def test_an_unpublished_page_leaves_its_address_its_index_and_the_home_page(client, pages):
    finding = pages["finding"]
    for url in (finding.url, pages["findings"].url, pages["home"].url):
        client.get(url)

    finding.unpublish()

    assert client.get(finding.url).status_code == 404
    for url in (pages["findings"].url, pages["home"].url, "/search/?q=midwife"):
        assert b"One midwife who knew her story" not in client.get(url).content, url


def test_a_moved_page_leaves_its_old_address_and_the_menu(client, pages):
    """Its old address now leads to the new one (Wagtail adds the redirect)."""
    about = pages["about"]
    old_url = about.url
    assert client.get(old_url).status_code == 200
    assert b"About the study" in client.get(pages["home"].url).content

    about.move(StandardPageFactory(parent=pages["home"], slug="study"), pos="last-child")

    old = client.get(old_url)
    assert old.status_code == 301
    assert old["Location"] == "/study/about/"
    assert client.get("/study/about/").status_code == 200
    assert b"About the study" not in client.get(pages["home"].url).content


def test_a_deleted_page_leaves_its_address_and_its_index(client, pages):
    finding = pages["finding"]
    url = finding.url
    for page_url in (url, pages["findings"].url, pages["home"].url):
        client.get(page_url)

    finding.delete()

    assert client.get(url).status_code == 404
    for page_url in (pages["findings"].url, pages["home"].url):
        assert b"One midwife who knew her story" not in client.get(page_url).content


def test_a_deployment_reads_every_kept_page_afresh(client, pages):
    """Deploying ends with migrate (README), new templates and translations with it: no page
    kept from the code before may be sent after, even when there is nothing to migrate."""
    url = pages["about"].url
    client.get(url)
    assert not rendered(queries_for(client, url)[0])

    call_command("migrate", verbosity=0)

    response, queries = queries_for(client, url)
    assert response.status_code == 200
    assert rendered(response)


def test_a_changed_glossary_term_shows_on_the_pages_that_use_it(client, pages):
    term = GlossaryTermFactory(term="story", explanation="A nurse for pregnancy and birth.")
    url = pages["finding"].url
    assert b"A nurse for pregnancy and birth." in client.get(url).content

    term.explanation = "Someone trained to care for you in pregnancy."
    term.save()

    assert b"Someone trained to care for you in pregnancy." in client.get(url).content


def test_a_renamed_theme_shows_on_the_evidence_index(client, pages):
    theme = pages["summary"].themes.first()
    url = pages["evidence"].url
    client.get(url)

    theme.name = "A theme renamed"
    theme.save()

    assert b"A theme renamed" in client.get(url).content


def rendered(response) -> bool:
    """Whether the page was made for this request (its templates rendered), not sent from
    the page cache. Not the same as running queries: a page whose parts are all kept
    (``cms.fragments``, ``cms.routing``) may be made without one."""
    return bool(response.templates)


def private(response) -> bool:
    words = {word.strip() for word in response["Cache-Control"].split(",")}
    return {"private", "no-store"} <= words


def test_a_page_made_private_is_no_longer_served_from_the_cache(client, pages):
    about = pages["about"]
    client.get(about.url)

    PageViewRestriction.objects.create(
        page=about, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )

    response = client.get(about.url)
    assert b"What this page is about." not in response.content
    assert private(response)


@pytest.mark.parametrize(
    "restriction_type", [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN]
)
def test_a_private_page_is_never_kept(client, pages, restriction_type):
    about = pages["about"]
    PageViewRestriction.objects.create(
        page=about, restriction_type=restriction_type, password="secret"
    )

    first = client.get(about.url)
    again, queries = queries_for(client, about.url)

    assert private(first)
    assert private(again)
    # Its restriction is checked again, not answered from the cache (a sign-in page asks
    # for the password; a login restriction redirects).
    assert queries > 0


def test_a_private_page_after_its_password_is_never_kept(client, pages):
    about = pages["about"]
    restriction = PageViewRestriction.objects.create(
        page=about, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, about.pk]),
        {"password": "secret", "return_url": about.url},
    )

    response = client.get(about.url)

    assert b"What this page is about." in response.content
    assert private(response)
    client.cookies.clear()
    stranger = client.get(about.url)
    assert b"What this page is about." not in stranger.content


def signed_in_as(client, who: str) -> str:
    """Sign in a member or an editor; returns a name only she sees on the page."""
    if who == "member":
        member = MemberFactory(pseudonym="Willow Signed-in")
        client.force_login(member.user)
        return member.pseudonym
    editor = EditorFactory(first_name="Erin", last_name="Editor")
    client.force_login(editor)
    return "Sign out"


@pytest.mark.parametrize("who", ["member", "editor"])
@pytest.mark.parametrize("name", ["home", "summary", "search"])
def test_a_signed_in_reader_is_never_served_from_the_cache_nor_kept(client, pages, who, name):
    url = address(pages, name)
    client.get(url)  # kept for the public
    shown_to_her = signed_in_as(client, who)

    response, queries = queries_for(client, url)

    assert rendered(response)
    assert private(response)
    assert shown_to_her.encode() in response.content
    client.logout()
    client.cookies.clear()
    public = client.get(url)
    assert shown_to_her.encode() not in public.content


@pytest.mark.parametrize("who", ["member", "editor"])
def test_what_a_signed_in_reader_saw_is_not_kept_for_the_public(client, pages, who):
    url = pages["summary"].url
    shown_to_her = signed_in_as(client, who)
    client.get(url)
    client.logout()
    client.cookies.clear()

    response, queries = queries_for(client, url)

    assert rendered(response)
    assert shown_to_her.encode() not in response.content


def test_saving_a_draft_keeps_every_kept_page(client, pages, django_assert_num_queries):
    summary = pages["summary"]
    client.get(summary.url)
    generation = page_cache_generation()

    summary.title = "A draft title nobody has published"
    summary.save_revision()

    assert page_cache_generation() == generation
    with django_assert_num_queries(0):
        public = client.get(summary.url)
    assert not rendered(public)
    assert b"Joined-up care in pregnancy" in public.content


def test_a_preview_is_private_and_never_reaches_the_public(client, pages):
    summary = pages["summary"]
    client.get(summary.url)
    summary.title = "A draft title nobody has published"
    summary.save_revision()
    client.force_login(EditorFactory(is_superuser=True))

    preview = client.get(reverse("wagtailadmin_pages:view_draft", args=[summary.pk]))

    assert b"A draft title nobody has published" in preview.content
    assert private(preview)
    client.logout()
    client.cookies.clear()
    public = client.get(summary.url)
    assert b"A draft title nobody has published" not in public.content
    assert b"Joined-up care in pregnancy" in public.content


def test_a_post_is_never_answered_from_the_cache_nor_kept(client, pages):
    url = f"{reverse('search')}?q=midwife"
    client.post(url)
    first = client.get(url)
    assert rendered(first)

    assert rendered(client.post(url))


def test_a_page_that_used_the_csrf_token_is_private_and_not_kept(client, pages):
    def use_csrf_token(page, request, serve_args, serve_kwargs) -> None:
        get_token(request)

    url = pages["about"].url
    with hooks.register_temporarily("before_serve_page", use_csrf_token):
        first = client.get(url)
        client.cookies.clear()
        again, queries = queries_for(client, url)

    assert "csrftoken" in first.cookies
    assert private(first)
    assert rendered(again)


def test_a_visitor_with_only_a_csrf_cookie_is_served_from_the_cache(
    client, pages, django_assert_num_queries
):
    url = pages["about"].url
    client.get(url)
    client.get(reverse("login"))
    assert "csrftoken" in client.cookies

    with django_assert_num_queries(0):
        response = client.get(url)
    assert not rendered(response)

    assert b"About the study" in response.content


def test_a_head_request_is_answered_from_the_cache(client, pages, django_assert_num_queries):
    url = pages["about"].url
    client.get(url)

    with django_assert_num_queries(0):
        response = client.head(url)

    assert response.status_code == 200


BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}


@pytest.mark.parametrize("name", ["home", "evidence_filtered", "finding_in_polish"])
def test_a_browser_that_accepts_gzip_is_sent_the_same_page_compressed(
    client, pages, name, django_assert_num_queries
):
    url = address(pages, name)
    plain = client.get(url)
    first = client.get(url, **BROWSER)

    with django_assert_num_queries(0):
        again = client.get(url, **BROWSER)
    assert not rendered(again)

    for response in (first, again):
        assert response["Content-Encoding"] == "gzip"
        assert int(response["Content-Length"]) == len(response.content)
        assert len(response.content) < len(plain.content) / 2
        assert gzip.decompress(response.content) == plain.content
        assert "Accept-Encoding" in response["Vary"]
        assert response["Content-Security-Policy"] == plain["Content-Security-Policy"]
        assert "s-maxage=300" in response["Cache-Control"]
        assert "Set-Cookie" not in response


@pytest.mark.parametrize("accept_encoding", [None, "identity", "deflate, br"])
def test_a_client_that_does_not_accept_gzip_is_never_sent_it(
    client, pages, accept_encoding, django_assert_num_queries
):
    url = pages["about"].url
    client.get(url, **BROWSER)
    headers = {"HTTP_ACCEPT_ENCODING": accept_encoding} if accept_encoding else {}

    with django_assert_num_queries(0):
        response = client.get(url, **headers)
    assert not rendered(response)

    assert "Content-Encoding" not in response
    assert b"About the study" in response.content
    assert int(response["Content-Length"]) == len(response.content)
    assert "Accept-Encoding" in response["Vary"]


def test_a_compressed_page_is_read_afresh_after_a_change(client, pages):
    url = pages["findings"].url
    client.get(url, **BROWSER)

    finding = pages["finding"]
    finding.title = "A midwife who knew her whole story"
    publish(finding)
    response = client.get(url, **BROWSER)

    assert b"A midwife who knew her whole story" in gzip.decompress(response.content)


def test_a_page_served_from_the_cache_reads_the_cache_once(client, pages, monkeypatch):
    """The generation and the page come in one round trip to Redis, not one each."""
    url = pages["summary"].url
    client.get(url)
    client.get(url, **BROWSER)
    cache = caches["pages"]
    reads = []
    inside = []
    for method in ("get", "get_many", "has_key", "get_or_set"):
        original = getattr(cache, method)

        def counted(*args, _method=method, _original=original, **kwargs):
            # Only what the page cache asks for: local memory's get_many calls its get.
            if not inside:
                reads.append(_method)
            inside.append(_method)
            try:
                return _original(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(cache, method, counted)

    for headers in ({}, BROWSER):
        reads.clear()
        response = client.get(url, **headers)

        assert response.status_code == 200
        assert reads == ["get_many"]


def test_the_generation_changes_whenever_pages_are_read_afresh(pages):
    before = page_cache_generation()
    assert page_cache_generation() == before

    publish(pages["about"])
    published = page_cache_generation()
    GlossaryTermFactory()

    assert published != before
    assert page_cache_generation() not in (before, published)


def test_a_member_page_reached_by_a_token_is_private(client, db):
    response = client.get(reverse("consultations:join", args=["no-such-token"]))

    assert private(response)


def test_members_pages_are_private(client, pages):
    member = MemberFactory()
    client.force_login(member.user)

    response = client.get(reverse("consultations:dashboard"))

    assert response.status_code == 200
    assert private(response)


def test_signing_in_is_private_and_not_kept(client, pages):
    first = client.get(reverse("login"))
    client.cookies.clear()
    again, _queries = queries_for(client, reverse("login"))

    assert private(first)
    assert rendered(again)


def test_a_member_signing_in_sees_her_name_not_the_public_page(client, pages):
    member = MemberFactory(pseudonym="Willow Signing-in")
    url = pages["about"].url
    client.get(url)

    client.post(reverse("login"), {"username": member.user.username, "password": PASSWORD})
    response = client.get(url)

    assert b"Willow Signing-in" in response.content
    assert private(response)


class RecordingBackend(BaseBackend):
    """A CDN that notes what it was told to purge."""

    purged: list[str] = []

    def purge(self, url: str) -> None:
        self.purged.append(url)


@pytest.fixture
def cdn(settings) -> list[str]:
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {"BACKEND": "tests.cms.test_page_cache.RecordingBackend"}
    }
    RecordingBackend.purged = []
    return RecordingBackend.purged


def in_polish(url: str) -> str:
    scheme, rest = url.split("://")
    host, path = rest.split("/", 1)
    return f"{scheme}://{host}/pl/{path}"


def test_publishing_purges_the_page_the_pages_above_it_and_their_polish_addresses(
    pages, cdn, django_capture_on_commit_callbacks
):
    finding = pages["finding"]
    finding.title = "A midwife who knew her whole story"
    with django_capture_on_commit_callbacks(execute=True):
        publish(finding)

    above = [finding.full_url, pages["findings"].full_url, pages["home"].full_url]
    assert set(above) | {in_polish(url) for url in above} <= set(cdn)
    assert pages["evidence"].full_url not in cdn


def test_moving_purges_the_old_and_new_addresses_of_the_page_and_those_below_it(
    pages, cdn, django_capture_on_commit_callbacks
):
    about = pages["about"]
    below = StandardPageFactory(parent=about, slug="team")
    old = [about.full_url, below.full_url]
    study = StandardPageFactory(parent=pages["home"], slug="study")

    with django_capture_on_commit_callbacks(execute=True):
        about.move(study, pos="last-child")

    about.refresh_from_db()
    below.refresh_from_db()
    assert about.full_url.endswith("/study/about/")
    moved = [about.full_url, below.full_url, study.full_url]
    assert set(old) | set(moved) | {in_polish(url) for url in old} <= set(cdn)


def test_unpublishing_and_deleting_purge_the_pages_above(
    pages, cdn, django_capture_on_commit_callbacks
):
    finding = pages["finding"]
    url = finding.full_url
    with django_capture_on_commit_callbacks(execute=True):
        finding.delete()

    assert {url, pages["findings"].full_url, pages["home"].full_url} <= set(cdn)
