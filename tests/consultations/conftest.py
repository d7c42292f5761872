"""A draft framework section of three requirement items, in an open round, with a service
user and a professional invited: the cast of most consultation tests."""

from datetime import timedelta

from django.utils import timezone

import pytest

from consultations.form_tokens import COMMENT, RATING, form_token_issue
from consultations.models import Comment, Member, Round, RoundPage
from consultations.selectors import comment_newest_version_pk
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


# What her forms send besides what she types ----------------------------------------------


def comment_form_data(member: Member, **data: object) -> dict:
    """A comment or reply form as the round page renders it for her: with a one-time token."""
    return {"form_token": form_token_issue(member_pk=member.pk, purpose=COMMENT), **data}


def rating_form_data(member: Member, **data: object) -> dict:
    """A rating form as the round page renders it for her: with a one-time token."""
    return {"form_token": form_token_issue(member_pk=member.pk, purpose=RATING), **data}


def started_from(comment: Comment) -> dict:
    """What the forms to change or withdraw a comment carry: the version they started from."""
    return {"version": comment_newest_version_pk(comment)}


@pytest.fixture
def shared_round(open_round) -> Round:
    """The open round, with members' comments shown to each other."""
    open_round.comments_visible_to_members = True
    open_round.save(update_fields=["comments_visible_to_members"])
    return open_round


@pytest.fixture
def editor_client(client, editor):
    """A client signed in as a research team editor."""
    client.force_login(editor)
    return client
