"""The access matrix: every URL pattern and page type, requested as every role, answers
as ``access_table.py`` declares (read its top to add a URL)."""

from dataclasses import dataclass

from django.test import Client

import pytest

from tests.security.access_table import ROWS, wagtail_admin_family
from tests.security.conftest import ROLES, Cast
from tests.security.matrix import (
    Outcome,
    RedirectTo,
    describe,
    page_keys,
    pattern_key_of_path,
    placeholder_path,
    url_patterns,
)


@dataclass
class Case:
    pattern: str
    path: str
    outcomes: tuple[Outcome, ...]
    ids: dict

    def url(self) -> str:
        return self.path.format(**self.ids)

    def expected(self, role: str) -> Outcome:
        outcome = self.outcomes[ROLES.index(role)]
        if isinstance(outcome, RedirectTo):
            return RedirectTo(outcome.label.format(**self.ids), outcome.path.format(**self.ids))
        return outcome


def cases_for(cast: Cast) -> tuple[list[Case], list[str]]:
    """Every request the matrix makes, and the problems with the table itself."""
    ids = cast.ids
    problems = []
    cases = []
    covered = set()
    for declared in ROWS:
        case = Case(declared.pattern, declared.path, declared.outcomes, ids)
        reached = pattern_key_of_path(case.url())
        if reached != declared.pattern:
            problems.append(f"{declared.pattern}: the line's path {case.url()} reaches {reached}")
        covered.add(reached)
        cases.append(case)
    for pattern in url_patterns():
        if pattern.key in covered or pattern.name == "wagtail_serve":
            continue
        outcomes = wagtail_admin_family(pattern)
        path = placeholder_path(pattern)
        if outcomes is None or path is None:
            problems.append(f"{pattern.key} ({pattern.route}): no expectation declared")
            continue
        cases.append(Case(pattern.key, path, outcomes, ids))
    for key in page_keys():
        if key not in covered:
            problems.append(f"{key}: no expectation declared for this page type")
    return cases, problems


def signed_in(client: Client, cast: Cast, role: str) -> Client:
    # A request may have signed her out (a sign-out page that accepts GET): sign in again,
    # so each line is judged for the role it names.
    if cast.users[role] is not None and "_auth_user_id" not in client.session:
        client.force_login(cast.users[role])
    return client


@pytest.mark.django_db
def test_every_url_answers_every_role_as_declared(cast: Cast) -> None:
    cases, problems = cases_for(cast)
    unexpected = []
    for role in ROLES:
        client = cast.client(role)
        for case in cases:
            response = signed_in(client, cast, role).get(case.url())
            expected = case.expected(role)
            if not expected.matches(response):
                unexpected.append(
                    f"{case.pattern:<40} {case.url():<60} {role:<13} "
                    f"expected {expected.label}, got {describe(response)}"
                )
    report = problems + unexpected
    assert not report, "\n" + "\n".join(report)
