"""The demo never takes over a page an editor made: kept apart from the other demo tests,
which share one demo loaded for their module, because this one needs a site without it."""

from io import StringIO

from django.core.management import call_command

from evidence import demo
from evidence.models import EvidenceSummaryPage, LayFindingsPage
from tests.factories import StandardPageFactory


def test_seed_demo_leaves_a_page_that_holds_a_demo_slug(db, home_page):
    StandardPageFactory(parent=home_page, title="Our findings", slug="findings")
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert "Did not create What we found" in out.getvalue()
    assert not LayFindingsPage.objects.exists()
    assert EvidenceSummaryPage.objects.live().count() == len(demo.SUMMARIES)
