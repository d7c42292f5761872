"""Real-browser tests: Debian's Chromium, driven by Playwright, against the demo site served
by a live server on the test database.

They need Chromium at ``CHROMIUM_PATH`` (``/usr/bin/chromium``, Debian's package). Without
it they are skipped, and the run says so at its end; with ``BROWSER_TESTS_REQUIRED`` set
(CI sets it) a missing Chromium fails the run instead."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client

import pytest

# Playwright's synchronous API runs an event loop in this thread; the test's own database
# calls (setting up what the browser then reads) are still made one at a time.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SKIP_REASON = (
    f"Chromium not found at {CHROMIUM}: the browser tests did not run "
    "(install Debian's package: apt-get install chromium)"
)
AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def is_browser_test(item: pytest.Item) -> bool:
    return Path(str(item.fspath)).is_relative_to(Path(__file__).parent)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("BROWSER_TESTS_REQUIRED"):
        raise pytest.UsageError(SKIP_REASON)
    for item in items:
        if is_browser_test(item):
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


def pytest_terminal_summary(terminalreporter: object) -> None:
    if not CHROMIUM.exists():
        terminalreporter.write_line(SKIP_REASON, yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    # The site's Content Security Policy would refuse axe-core's injected script.
    return {**browser_context_args, "bypass_csp": True, "viewport": DESKTOP}


@dataclass
class Site:
    url: str

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture(scope="module")
def migrated_data_kept(django_db_setup, django_db_blocker) -> Iterator[None]:
    """What the migrations made, put back after the module: its transactional tests end by
    emptying the database. (The shared ``migrated_data_put_back`` reads the copy Django
    keeps on the connection, which Playwright's greenlet does not see.)"""
    with django_db_blocker.unblock():
        saved = connections[DEFAULT_DB_ALIAS].creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        connections[DEFAULT_DB_ALIAS].creation.deserialize_db_from_string(saved)


@pytest.fixture
def site(migrated_data_kept, live_server, transactional_db) -> Site:
    """The demo content, served by pytest-django's live server on the test database.

    Loading it takes seconds and the database is emptied after each test (the server's
    thread must see committed data), so each browser test is a whole journey or sweep,
    not a step of one. Modules use ``migrated_data_put_back``."""
    call_command("seed_demo", stdout=StringIO())
    return Site(live_server.url)


def session_cookie(username: str, site: Site) -> dict:
    """The cookie of a signed-in session, made as the test client signs in."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": site.url,
    }
