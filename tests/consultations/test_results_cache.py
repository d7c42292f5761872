"""The editors' results of a closed round, kept rendered: every change that alters them is
shown on the next visit, and a kept table never carries another language, order or editor.

Writes run inside ``django_capture_on_commit_callbacks(execute=True)``: the kept tables
are renewed when a write commits, which the test's own transaction would otherwise never
do.
"""

from django.urls import reverse

from wagtail.users.models import UserProfile

import pytest

from consultations import results_cache
from consultations.enums import Constituency, Withdrawal
from consultations.models import Rating, Round
from consultations.services.withdrawal import member_withdraw
from tests.consultations.conftest import requirements
from tests.consultations.test_admin import client_with_permissions
from tests.consultations.test_results import (
    item_order,
    professionals,
    rate,
    rate_all,
    service_users,
    soup_of,
)
from tests.factories import (
    EditorFactory,
    FrameworkSectionPageFactory,
    RoundFactory,
    RoundPageFactory,
)


def results_url(round: Round, query: str = "") -> str:
    return reverse("rounds:results", args=[round.pk]) + query


def first_item_figures(response, group: int = 0) -> list[str]:
    """Scores, unable / rather not, median, quartiles, shares: of everyone unless told."""
    row = soup_of(response).select_one("tbody.app-results-item").find_all("tr")[1 + group]
    return [cell.get_text(" ", strip=True) for cell in row.find_all("td")[:5]]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as if committed, its on-commit work included."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True):
            change()

    return run


@pytest.fixture
def closed_round(open_round, item_ids, close_round, committed):
    """Item 1 scored 5, 6, 7, 8 by four service users and 9 by a professional; closed."""
    rate_all(open_round, item_ids[0], service_users(4), [5, 6, 7, 8])
    rate_all(open_round, item_ids[0], professionals(1), [9])
    committed(lambda: close_round(open_round))
    return open_round


@pytest.fixture
def kept(editor_client, closed_round):
    """The closed round's results, seen once by an editor, so kept."""
    response = editor_client.get(results_url(closed_round))
    assert first_item_figures(response)[:3] == ["5", "0 / 0", "7"]
    return closed_round


def test_a_closed_rounds_results_are_kept(editor_client, kept, django_assert_max_num_queries):
    # A write that tells nobody (no signal) is not seen: the table was kept.
    Rating.objects.filter(round=kept, score=9).update(score=1)
    with django_assert_max_num_queries(17):
        response = editor_client.get(results_url(kept))
    assert first_item_figures(response)[:3] == ["5", "0 / 0", "7"]


def test_an_open_rounds_results_are_never_kept(editor_client, open_round, item_ids):
    rate_all(open_round, item_ids[0], service_users(3), [5, 6, 7])
    editor_client.get(results_url(open_round))

    # Even a write that tells nobody is seen on the next visit.
    Rating.objects.filter(round=open_round, score=7).update(score=1)

    figures = first_item_figures(editor_client.get(results_url(open_round)))
    assert figures[:3] == ["3", "0 / 0", "5"]
    assert figures[4] == "0% / 33.3%"


def rating_corrected(round: Round, item_ids: list[str]) -> None:
    rating = Rating.objects.get(round=round, score=9)
    rating.score = 1
    rating.save()


def late_rating_counted(round: Round, item_ids: list[str]) -> None:
    rating = rate(round, service_users(1)[0], item_ids[0], 9, late=True)
    rating.late = False
    rating.save()


def member_withdrawn(choice: str):
    def withdraw(round: Round, item_ids: list[str]) -> None:
        member = Rating.objects.get(round=round, score=9).member
        member_withdraw(member=member, choice=choice)

    return withdraw


def constituency_corrected(round: Round, item_ids: list[str]) -> None:
    member = Rating.objects.get(round=round, score=5).member
    member.constituency = Constituency.PROFESSIONAL
    member.save()


def ratings_purged(round: Round, item_ids: list[str]) -> None:
    # What the retention purge does with a round past its retention period.
    Rating.objects.filter(round=round).delete()


def rule_changed(round: Round, item_ids: list[str]) -> None:
    round.consensus_threshold = 50
    round.save()


@pytest.mark.parametrize(
    ("change", "everyone"),
    [
        pytest.param(rating_corrected, ["5", "0 / 0", "6"], id="a rating corrected"),
        pytest.param(late_rating_counted, ["6", "0 / 0", "7.5"], id="a late rating counted"),
        pytest.param(
            member_withdrawn(Withdrawal.ANONYMISED),
            ["4", "0 / 0", "6.5"],
            id="a member withdraws, her ratings kept anonymised",
        ),
        pytest.param(
            member_withdrawn(Withdrawal.DELETED),
            ["4", "0 / 0", "6.5"],
            id="a member withdraws, her ratings deleted",
        ),
        pytest.param(ratings_purged, ["0", "0 / 0", "–"], id="the round's ratings purged"),
    ],
)
def test_a_change_to_the_ratings_counted_is_shown(
    editor_client, kept, item_ids, committed, change, everyone
):
    committed(lambda: change(kept, item_ids))

    response = editor_client.get(results_url(kept))

    assert first_item_figures(response)[:3] == everyone
    if change is rating_corrected:
        assert first_item_figures(response)[3] == "5 – 7 (2)"


def test_a_corrected_constituency_moves_her_ratings_to_the_other_group(
    editor_client, kept, item_ids, committed
):
    committed(lambda: constituency_corrected(kept, item_ids))

    response = editor_client.get(results_url(kept))

    assert first_item_figures(response, group=1)[:3] == ["3", "0 / 0", "7"]
    assert first_item_figures(response, group=2)[:3] == ["2", "0 / 0", "7"]


def test_a_changed_rule_is_shown(editor_client, kept, item_ids, committed):
    # 3 of 5 scores from 7 to 9: 60%, consensus at a threshold of 50 but not of 70.
    assert "Consensus to include" not in first_row_text(editor_client.get(results_url(kept)))

    committed(lambda: rule_changed(kept, item_ids))

    assert "Consensus to include" in first_row_text(editor_client.get(results_url(kept)))


def first_row_text(response) -> str:
    row = soup_of(response).select_one("tbody.app-results-item").find_all("tr")[1]
    return row.get_text(" ", strip=True)


def page_headings(response) -> list[str]:
    return [heading.get_text(strip=True) for heading in soup_of(response).select("section h2")]


def test_a_renamed_page_is_shown_under_its_new_title(editor_client, kept, section, committed):
    def rename() -> None:
        section.title = "Working apart"
        section.save_revision()

    committed(rename)

    assert page_headings(editor_client.get(results_url(kept))) == ["Working apart"]


def test_a_page_added_to_the_round_is_shown(editor_client, kept, framework, committed):
    other = FrameworkSectionPageFactory(
        parent=framework,
        title="Keeping safe",
        section_number=4,
        requirements=requirements("Ask about safety at every visit."),
    )
    other.save_revision()

    committed(lambda: RoundPageFactory(round=kept, page=other))

    assert page_headings(editor_client.get(results_url(kept))) == [
        "Working together",
        "Keeping safe",
    ]


@pytest.fixture
def following(editor_client, kept, section, item_ids, close_round, committed):
    """A closed round that follows the kept one, seen once, so kept."""
    second = RoundFactory(title="Round 2", follows=kept)
    RoundPageFactory(round=second, page=section)
    rate_all(second, item_ids[0], service_users(3), [7, 8, 9])
    committed(lambda: close_round(second))
    response = editor_client.get(results_url(second))
    assert "Since Round 1: working together, everyone:" in response.text
    assert "Median 7 → 8" in response.text
    return second


def test_a_change_in_the_round_before_is_shown_in_the_one_after(
    editor_client, kept, following, item_ids, committed
):
    committed(lambda: rating_corrected(kept, item_ids))

    assert "Median 6 → 8" in editor_client.get(results_url(following)).text


def test_the_round_before_renamed_is_shown_in_the_one_after(
    editor_client, kept, following, committed
):
    def rename() -> None:
        kept.title = "Round 1, renamed"
        kept.save()

    committed(rename)

    assert "Since Round 1, renamed, everyone:" in editor_client.get(results_url(following)).text


# Never another's -------------------------------------------------------------------------


def test_each_language_has_its_own_table(client, kept):
    polish = EditorFactory()
    profile = UserProfile.get_for_user(polish)
    profile.preferred_language = "pl"
    profile.save()
    client.force_login(polish)
    in_polish = client.get(results_url(kept))
    client.force_login(EditorFactory())
    in_english = client.get(results_url(kept))

    assert "Wszystkie osoby" in in_polish.text
    assert "Wszystkie osoby" not in in_english.text
    # Service users' scores 5, 6, 7, 8: a median of 6.5.
    assert first_item_figures(in_english, group=1)[2] == "6.5"
    assert first_item_figures(in_polish, group=1)[2] == "6,5"


def test_each_order_has_its_own_table(editor_client, open_round, item_ids, close_round, committed):
    members = service_users(5)
    rate_all(open_round, item_ids[0], members, [1, 2, 5, 8, 9])
    rate_all(open_round, item_ids[1], members, [1, 1, 2, 3, 5])
    rate_all(open_round, item_ids[2], members, [7, 8, 9, 9, 5])
    committed(lambda: close_round(open_round))

    as_on_page = editor_client.get(results_url(open_round))
    include_first = editor_client.get(results_url(open_round, "?sort=consensus"))
    exclude_first = editor_client.get(results_url(open_round, "?sort=-consensus"))

    assert item_order(as_on_page) == ["3.1", "3.2", "3.3"]
    assert item_order(include_first) == ["3.3", "3.1", "3.2"]
    assert item_order(exclude_first) == ["3.2", "3.1", "3.3"]


def test_a_kept_table_says_nothing_of_the_editor_who_asked(client, closed_round):
    first = EditorFactory(first_name="Hortensia")
    client.force_login(first)
    # The admin's menu names her.
    assert "Hortensia" in client.get(results_url(closed_round)).text

    client.force_login(EditorFactory())
    response = client.get(results_url(closed_round))

    assert response.status_code == 200
    assert first_item_figures(response)[:3] == ["5", "0 / 0", "7"]
    assert "Hortensia" not in response.text


def test_kept_results_still_need_permission(client, kept):
    client_with_permissions(client, "access_admin")

    response = client.get(results_url(kept))

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_a_table_kept_by_other_code_is_not_shown(editor_client, kept, monkeypatch):
    # As after a deploy that changed the template, the figures' code or a translation.
    Rating.objects.filter(round=kept, score=9).update(score=1)
    monkeypatch.setattr(results_cache, "rendering_version", lambda: "after-a-deploy")

    assert first_item_figures(editor_client.get(results_url(kept)))[:3] == ["5", "0 / 0", "6"]
