"""The access matrix's table holds the URL configuration to account: what it leaves out,
or gets wrong, is named."""

import pytest

from tests.security import access_table, test_access_matrix
from tests.security.access_table import OK, row
from tests.security.conftest import Cast
from tests.security.test_access_matrix import cases_for

pytestmark = pytest.mark.django_db


def test_the_table_accounts_for_every_url_and_page_type(cast: Cast) -> None:
    _cases, problems = cases_for(cast)

    assert problems == []


def test_a_new_url_without_a_line_is_named(cast: Cast, settings) -> None:
    settings.ROOT_URLCONF = "tests.security.extra_urls"

    _cases, problems = cases_for(cast)

    assert problems == ["undeclared_view (consultations/undeclared/): no expectation declared"]


def test_a_page_type_without_a_line_is_named(cast: Cast, monkeypatch) -> None:
    rows = [line for line in access_table.ROWS if line.pattern != "page:home.StandardPage"]
    monkeypatch.setattr(test_access_matrix, "ROWS", rows)

    _cases, problems = cases_for(cast)

    assert problems == ["page:home.StandardPage: no expectation declared for this page type"]


def test_a_consultation_admin_url_needs_its_own_line(cast: Cast, monkeypatch) -> None:
    """Wagtail's admin family rule does not cover the consultation admin."""
    rows = [line for line in access_table.ROWS if line.pattern != "members:edit"]
    monkeypatch.setattr(test_access_matrix, "ROWS", rows)

    _cases, problems = cases_for(cast)

    assert problems == ["members:edit (admin/members/edit/<int:pk>/): no expectation declared"]


def test_a_line_whose_path_reaches_another_pattern_is_named(cast: Cast, monkeypatch) -> None:
    wrong = row("consultations:profile", "/consultations/", *[OK] * 8)
    monkeypatch.setattr(test_access_matrix, "ROWS", [*access_table.ROWS, wrong])

    _cases, problems = cases_for(cast)

    assert problems == [
        "consultations:profile: the line's path /consultations/ reaches consultations:dashboard"
    ]
