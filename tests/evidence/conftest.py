import pytest

from evidence.models import Theme
from tests.factories import EvidenceIndexPageFactory, EvidenceSummaryPageFactory


@pytest.fixture
def evidence_index(home_page):
    return EvidenceIndexPageFactory(parent=home_page)


@pytest.fixture
def themes(db) -> dict[str, Theme]:
    """The themes the data migration creates, by slug."""
    return {theme.slug: theme for theme in Theme.objects.all()}


@pytest.fixture
def summary_factory(evidence_index):
    def make(**fields):
        return EvidenceSummaryPageFactory(parent=evidence_index, **fields)

    return make
