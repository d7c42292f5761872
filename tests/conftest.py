from io import StringIO

from django.core.cache import cache
from django.core.management import call_command

from wagtail.models import Site

import pytest

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


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with nothing cached, as ids may repeat between tests."""
    cache.clear()
