"""Real-browser tests: Debian's Chromium, driven by Playwright, against the demo site served
by a live server on the test database.

They need Chromium at ``CHROMIUM_PATH`` (``/usr/bin/chromium``, Debian's package). Without
it they are skipped, and the run says so at its end; with ``BROWSER_TESTS_REQUIRED`` set
(CI sets it) a missing Chromium fails the run instead."""

import os
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

import pytest

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


TOGETHER_REASON = (
    "the browser tests run in a pytest process of their own, as `make test` runs them: "
    "pytest tests/browser"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    browser_items = [item for item in items if is_browser_test(item)]
    if not browser_items:
        return
    if not CHROMIUM.exists():
        if os.environ.get("BROWSER_TESTS_REQUIRED"):
            raise pytest.UsageError(SKIP_REASON)
        reason = SKIP_REASON
    elif len(browser_items) < len(items):
        # Playwright's session (its event loop, its greenlets) would outlive them and change
        # how the other tests reach the database.
        reason = TOGETHER_REASON
    else:
        # Playwright's synchronous API runs an event loop in this thread; the tests' own
        # database calls (setting up what the browser then reads) are made one at a time.
        # Only in a process of browser tests alone: it would fail the deployment checks.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        return
    for item in browser_items:
        item.add_marker(pytest.mark.skip(reason=reason))


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


@pytest.fixture
def site(live_server, transactional_db) -> Site:
    """The demo content, served by pytest-django's live server on the test database.

    Loading it takes seconds and the database is emptied after each test (the server's
    thread must see committed data), so each browser test is a whole journey or sweep,
    not a step of one; ``serialized_rollback`` puts back what the migrations made."""
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
