"""Each process's own copies of public pages: sent again without the shared cache, dropped
as soon as a change commits, and not used while the process cannot hear of changes.

The copies listen on PostgreSQL in a thread of their own, on committed data: these tests
commit, and put back what the migrations made afterwards.
"""

import os
import time
from collections.abc import Callable, Iterator

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import PageViewRestriction

import pytest

from cms import page_cache
from cms.cache import Generation
from cms.page_cache import page_cache_generation
from cms.page_copies import PageCopies, copies
from tests.factories import StandardPageFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the copies hear of changes from PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migrated_data_put_back"),
]


def eventually(check: Callable[[], bool], seconds: float = 10) -> bool:
    """Whether ``check`` holds within ``seconds``: news of a change reaches a process's
    listener a moment after the change commits."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def about(home_page):
    return StandardPageFactory(parent=home_page, title="About the study", slug="about")


@pytest.fixture
def listening(settings, client, about) -> Iterator[None]:
    """Copies on, as in production, with the listener started by a first request once the
    page is made (news of its publishing would drop copies taken before it arrives)."""
    settings.PAGE_CACHE_LOCAL_BYTES = 10 * 1024 * 1024
    copies.stop()
    copies.check_every = 0.2
    copies.retry_after = 0.1
    client.get("/")
    assert eventually(lambda: copies.listening)
    yield
    copies.stop()


def queries_for(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, len(queries)


def listener_backend() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND query IN ('LISTEN page_cache_changed', 'SELECT 1')"
        )
        row = cursor.fetchone()
    return row and row[0]


def test_a_page_read_again_comes_from_the_process_own_copy(listening, client, about):
    first = client.get(about.url)
    # Not from the shared cache: it no longer holds the page.
    caches["pages"].clear()

    again, queries = queries_for(client, about.url)

    assert queries == 0
    assert not again.templates, "sent from the copy, not made afresh"
    assert again.status_code == 200
    assert again.content == first.content
    assert "public" in again["Cache-Control"]


def test_a_published_change_reaches_the_process_copies(listening, client, about):
    client.get(about.url)
    assert b"About the study" in client.get(about.url).content

    about.title = "About this research"
    about.save_revision().publish()

    assert eventually(lambda: b"About this research" in client.get(about.url).content)
    assert b"About the study" not in client.get(about.url).content


def test_a_process_that_lost_its_listener_reads_the_shared_cache_until_it_is_back(
    listening, client, about
):
    client.get(about.url)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [listener_backend()])
    assert eventually(lambda: not copies.listening)

    # Changed while no news could reach the process's copies.
    about.title = "About this research"
    about.save_revision().publish()
    shown_at_once = client.get(about.url).content
    assert eventually(lambda: copies.listening)

    assert b"About this research" in shown_at_once
    assert b"About this research" in client.get(about.url).content
    # Back to keeping copies once it listens again.
    client.get(about.url)
    caches["pages"].clear()
    again, queries = queries_for(client, about.url)
    assert queries == 0
    assert not again.templates
    assert b"About this research" in again.content


def test_copies_are_off_unless_asked_for(settings, client, about):
    settings.PAGE_CACHE_LOCAL_BYTES = 0
    copies.stop()
    client.get(about.url)
    client.get(about.url)
    caches["pages"].clear()

    response = client.get(about.url)

    assert not copies.listening
    assert response.templates, "made afresh, not sent from a copy"


# The copies' bounds, apart from any listener ------------------------------------------


@pytest.fixture
def heard(settings) -> PageCopies:
    """A process's copies as they are while its listener is connected."""
    settings.PAGE_CACHE_LOCAL_BYTES = 100
    kept = PageCopies()
    kept._set_live(True)
    return kept


def test_the_least_recently_sent_page_goes_first_when_the_bytes_run_out(heard):
    for key in ("a", "b", "c"):
        heard.keep(key, key, 40, heard.epoch())
    # "a" and "b" fitted; "c" pushed out the one sent least recently.
    assert heard.get("a") is None
    assert heard.get("b") == "b"
    heard.keep("d", "d", 40, heard.epoch())

    assert heard.get("b") == "b"
    assert heard.get("c") is None
    assert heard.get("d") == "d"


def test_a_page_larger_than_the_limit_is_not_kept(heard):
    heard.keep("big", "big", 101, heard.epoch())

    assert heard.get("big") is None


def test_a_page_read_before_the_copies_were_dropped_is_not_kept_after(heard):
    epoch = heard.epoch()
    heard.drop_all()

    heard.keep("a", "a", 10, epoch)

    assert heard.get("a") is None


def test_copies_are_not_sent_once_the_listener_has_not_heard_from_the_database(heard):
    heard.keep("a", "a", 10, heard.epoch())
    assert heard.get("a") == "a"

    # Its connection gone without a word: the check it sent has had no answer.
    heard._heard_at -= heard.check_every + 10

    assert not heard.listening
    assert heard.get("a") is None


def test_a_copy_lasts_no_longer_than_the_shared_cache_keeps_the_page(heard):
    heard.keep("gone", "gone", 10, heard.epoch(), seconds_left=0)
    heard.keep("going", "going", 10, heard.epoch(), seconds_left=0.05)
    heard.keep("kept", "kept", 10, heard.epoch(), seconds_left=3600)
    time.sleep(0.1)

    assert heard.get("gone") is None
    assert heard.get("going") is None
    assert heard.get("kept") == "kept"


def test_a_forked_process_sends_none_of_its_parent_copies(settings):
    settings.PAGE_CACHE_LOCAL_BYTES = 100
    copies.stop()
    copies._set_live(True)
    copies.keep("a", "a", 10, copies.epoch())
    assert copies.get("a") == "a"

    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through its exit status
        os._exit(0 if copies.get("a") is None and not copies.listening else 1)
    _pid, status = os.waitpid(child, 0)
    copies.stop()

    assert os.waitstatus_to_exitcode(status) == 0


def test_a_generation_that_cannot_be_moved_after_a_commit_is_dropped(client, about, monkeypatch):
    before = page_cache_generation()

    def refused(self) -> None:
        raise ConnectionError("the cache is not answering")

    monkeypatch.setattr(Generation, "bump", refused)
    page_cache._bump_and_tell()
    monkeypatch.undo()

    # Pages kept under the generation the change began with are not sent again.
    assert page_cache_generation() > before


@pytest.mark.parametrize("change", ["made private", "unpublished"])
def test_a_kept_page_changed_after_its_commit_is_kept_from_the_public(
    listening, client, about, change
):
    # Kept three ways: the page in the shared cache and this process's copy, and the way
    # to it (cms/routing.py).
    client.get(about.url)
    assert client.get(f"{about.url}?again").status_code == 200
    assert client.get(about.url).status_code == 200

    if change == "made private":
        PageViewRestriction.objects.create(page=about, restriction_type=PageViewRestriction.LOGIN)
    else:
        about.unpublish()

    assert eventually(lambda: client.get(about.url).status_code != 200)
    for url in (about.url, f"{about.url}?again", f"{about.url}?new"):
        response = client.get(url)
        if change == "made private":
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login") + "?next=/about/"), url
        else:
            assert response.status_code == 404, url
