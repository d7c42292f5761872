from collections.abc import Iterator
from io import StringIO

from django.core.cache import cache, caches
from django.core.management import call_command
from django.db import connection, transaction

from wagtail.models import Site

import pytest

from cms import fragments
from cms.demo import DEMO_ACCOUNTS, demo_account_ensure
from home import demo as home_demo_content
from home.models import HomePage
from tests.factories import EditorFactory


@pytest.fixture
def site(db) -> Site:
    return Site.objects.get(is_default_site=True)


@pytest.fixture
def home_page(site) -> HomePage:
    return site.root_page.specific


@pytest.fixture
def editor(db):
    return EditorFactory()


@pytest.fixture
def home_demo(db) -> None:
    """The demo accounts and the home app's demo pages: what layout tests need, quickly."""
    for account in DEMO_ACCOUNTS:
        demo_account_ensure(account=account, log=print)
    home_demo_content.seed(log=print)


@pytest.fixture
def demo_site(db) -> str:
    """The demo content, as `make run` loads it; returns what seed_demo printed."""
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo_seeded_once(django_db_setup, django_db_blocker) -> Iterator[str]:
    """The demo content, loaded once for a whole module in a transaction rolled back at its
    end; each test runs in a savepoint inside it, so what one test changes the next never
    sees. Loading the demo takes seconds: a module whose tests only read it, or change it
    and roll back, asks for this through its own ``demo_site``::

        @pytest.fixture
        def demo_site(demo_seeded_once, db):
            return demo_seeded_once

    Not for a module with transactional tests: they cannot run inside the transaction."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with nothing cached, pages included, as ids may repeat between
    tests and each test's pages are rolled back; nor does it remember which parts an
    address read in another test."""
    cache.clear()
    caches["pages"].clear()
    fragments._plans.clear()


@pytest.fixture(scope="module")
def migrated_data_put_back(django_db_setup, django_db_blocker):
    """A transactional test ends by emptying the database: the data the migrations made
    (site, groups, vocabularies) is put back after the module, so later tests and a test
    database kept for the next run (``--reuse-db``) still have it."""
    yield
    with django_db_blocker.unblock():
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)
