"""A draft framework section of three requirement items, in an open round, with a service
user and a professional invited: the cast of most consultation tests."""

from datetime import timedelta

from django.utils import timezone

import pytest

from consultations.models import Member, Round, RoundPage
from evidence.models import Domain, FrameworkSectionPage
from tests.factories import (
    FrameworkIndexPageFactory,
    FrameworkSectionPageFactory,
    MemberFactory,
    RoundFactory,
    RoundPageFactory,
)

STATEMENTS = (
    "Services share one care plan.",
    "Each woman has a named lead professional.",
    "Care continues for 18 months after birth.",
)


def requirements(*statements: str) -> list[tuple[str, dict]]:
    domain = Domain.objects.get(name="How organisations work together")
    return [
        ("requirement", {"statement": s, "rationale": "", "domain": domain, "evidence": []})
        for s in statements
    ]


@pytest.fixture
def framework(home_page):
    return FrameworkIndexPageFactory(parent=home_page)


@pytest.fixture
def section(framework) -> FrameworkSectionPage:
    """A section that was saved as a draft and never published."""
    page = FrameworkSectionPageFactory(
        parent=framework,
        title="Working together",
        section_number=3,
        requirements=requirements(*STATEMENTS),
    )
    page.save_revision()
    return page


@pytest.fixture
def item_ids(section) -> list[str]:
    return [block.id for block in section.requirements]


@pytest.fixture
def service_user(db) -> Member:
    return MemberFactory(pseudonym="Willow")


@pytest.fixture
def professional(db) -> Member:
    return MemberFactory(pseudonym="Rowan", professional=True)


@pytest.fixture
def open_round(section) -> Round:
    round = RoundFactory(title="Round 1: working together")
    RoundPageFactory(round=round, page=section)
    return round


@pytest.fixture
def round_page(open_round) -> RoundPage:
    return open_round.round_pages.get()


@pytest.fixture
def close_round():
    """Move a round's closing time into the past, as if the deadline had passed."""

    def close(round: Round) -> Round:
        round.opens_at = timezone.now() - timedelta(days=8)
        round.closes_at = timezone.now() - timedelta(minutes=1)
        round.save(update_fields=["opens_at", "closes_at"])
        return round

    return close
