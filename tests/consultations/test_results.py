"""A round's results: every figure against values worked out by hand, the consensus rule
and its lock, the editors' results page and the members' one.

The figures are checked on both ways of computing them: in the database with
``percentile_cont`` (PostgreSQL only) and from the score counts (every database).
"""

from datetime import timedelta

from django.db import connection
from django.urls import reverse
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from consultations.enums import Abstention, Audience, Consensus, RatingScale
from consultations.models import Member, Rating, Round
from consultations.results import (
    consensus_of,
    earlier_results,
    quartiles_from_counts,
    ratings_summary,
    round_results,
    round_results_by_item,
)
from tests.consultations.conftest import requirements
from tests.consultations.test_admin import (
    client_with_permissions,
    errors_beside,
    round_edit_data,
)
from tests.factories import (
    EditorFactory,
    FrameworkSectionPageFactory,
    MemberFactory,
    RoundFactory,
    RoundPageFactory,
)

ON_POSTGRESQL = connection.vendor == "postgresql"
# Both ways of computing the quartiles where the database has percentile_cont; else the
# one that works everywhere.
PATHS = [
    pytest.param(False, id="from counts"),
    pytest.param(
        True,
        id="percentile_cont",
        marks=pytest.mark.skipif(not ON_POSTGRESQL, reason="PostgreSQL only"),
    ),
]


def rate(
    round: Round,
    member: Member,
    block_id: str,
    score: int | None = None,
    *,
    abstention: str = "",
    late: bool = False,
) -> Rating:
    round_page = round.round_pages.get()
    return Rating.objects.create(
        round=round,
        page_id=round_page.page_id,
        revision_id=round_page.revision_id,
        block_id=block_id,
        member=member,
        score=score,
        abstention=abstention,
        late=late,
    )


def service_users(count: int) -> list[Member]:
    return [MemberFactory() for _ in range(count)]


def professionals(count: int) -> list[Member]:
    return [MemberFactory(professional=True) for _ in range(count)]


def rate_all(round: Round, block_id: str, members: list[Member], scores: list[int]) -> None:
    for member, score in zip(members, scores, strict=True):
        rate(round, member, block_id, score)


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def closed(round: Round) -> Round:
    Round.objects.filter(pk=round.pk).update(
        opens_at=timezone.now() - timedelta(days=8), closes_at=timezone.now() - timedelta(hours=1)
    )
    round.refresh_from_db()
    return round


# The arithmetic --------------------------------------------------------------------------


QUARTILE_CASES = [
    # scores, (Q1, median, Q3): percentile_cont's rank p·(n−1), interpolated.
    pytest.param([1, 3, 4, 7, 9], (3.0, 4.0, 7.0), id="odd count"),
    pytest.param([1, 3, 4, 7], (2.5, 3.5, 4.75), id="even count"),
    pytest.param([7, 7, 7, 8], (7.0, 7.0, 7.25), id="ties"),
    pytest.param([5], (5.0, 5.0, 5.0), id="a single rating"),
    pytest.param([9, 2], (3.75, 5.5, 7.25), id="two ratings"),
]


@pytest.mark.parametrize(("scores", "expected"), QUARTILE_CASES)
def test_quartiles_from_counts_follow_percentile_cont(scores, expected):
    counts = {score: scores.count(score) for score in range(1, 10)}

    quartiles = quartiles_from_counts(counts)

    assert (quartiles["q1"], quartiles["median"], quartiles["q3"]) == expected


def test_no_ratings_have_no_quartiles():
    assert quartiles_from_counts(dict.fromkeys(range(1, 10), 0)) == {
        "q1": None,
        "median": None,
        "q3": None,
    }


@pytest.mark.parametrize("in_database", PATHS)
@pytest.mark.parametrize(("scores", "expected"), QUARTILE_CASES)
def test_median_and_spread_of_an_item(open_round, item_ids, scores, expected, in_database):
    rate_all(open_round, item_ids[0], service_users(len(scores)), scores)

    result = ratings_summary(open_round, in_database=in_database)[
        (open_round.round_pages.get().page_id, item_ids[0])
    ]

    everyone = result.everyone
    assert (everyone.q1, everyone.median, everyone.q3) == expected
    assert everyone.iqr == expected[2] - expected[0]
    assert everyone.n == len(scores)


@pytest.mark.parametrize("in_database", PATHS)
def test_an_item_nobody_rated_has_no_figures(open_round, item_ids, in_database):
    results = round_results(open_round, in_database=in_database)

    assert [result.block_id for result in results] == item_ids
    everyone = results[0].everyone
    assert (everyone.n, everyone.abstained, everyone.median, everyone.iqr) == (0, 0, None, None)
    assert everyone.agreement_share is None
    assert everyone.distribution == dict.fromkeys(range(1, 10), 0)
    assert everyone.consensus == Consensus.NONE


@pytest.fixture
def rated_round(open_round, item_ids):
    """Item 1 rated by four service users and five professionals; abstentions, a late
    rating and a withdrawn member's rating beside them.

    Everyone's scores: 2 5 7 7 7 8 8 9 9. Service users': 2 7 8 9. Professionals':
    5 7 7 8 9.
    """
    users = service_users(5)
    pros = professionals(6)
    rate_all(open_round, item_ids[0], users[:4], [8, 9, 7, 2])
    rate(open_round, users[4], item_ids[0], abstention=Abstention.UNABLE)
    rate_all(open_round, item_ids[0], pros[:5], [7, 7, 8, 9, 5])
    rate(open_round, pros[5], item_ids[0], abstention=Abstention.DECLINED)
    rate(open_round, MemberFactory(), item_ids[0], 1, late=True)
    gone = MemberFactory()
    rate(open_round, gone, item_ids[0], 1)
    Member.objects.filter(pk=gone.pk).update(withdrawn_at=timezone.now())
    return open_round


@pytest.mark.parametrize("in_database", PATHS)
def test_every_figure_of_an_item_for_each_group(rated_round, item_ids, in_database):
    result = round_results_by_item(rated_round, in_database=in_database)[
        (rated_round.round_pages.get().page_id, item_ids[0])
    ]

    everyone, users, pros = result.everyone, result.service_users, result.professionals
    # The late rating and the withdrawn member's are left out; abstentions are apart.
    assert (everyone.n, everyone.abstained, everyone.unable, everyone.declined) == (9, 2, 1, 1)
    assert everyone.distribution == {1: 0, 2: 1, 3: 0, 4: 0, 5: 1, 6: 0, 7: 3, 8: 2, 9: 2}
    assert (everyone.q1, everyone.median, everyone.q3, everyone.iqr) == (7.0, 7.0, 8.0, 1.0)
    assert everyone.agreement_share == pytest.approx(7 / 9)
    assert everyone.disagreement_share == pytest.approx(1 / 9)
    assert everyone.consensus == Consensus.IN

    assert (users.n, users.abstained, users.unable) == (4, 1, 1)
    assert (users.q1, users.median, users.q3, users.iqr) == (5.75, 7.5, 8.25, 2.5)
    assert (users.agreement_share, users.disagreement_share) == (0.75, 0.25)
    # 75% agree, but 25% disagree: not under 15%.
    assert users.consensus == Consensus.NONE

    assert (pros.n, pros.abstained, pros.declined) == (5, 1, 1)
    assert (pros.q1, pros.median, pros.q3, pros.iqr) == (7.0, 7.0, 8.0, 1.0)
    assert (pros.agreement_share, pros.disagreement_share) == (0.8, 0.0)
    assert pros.consensus == Consensus.IN

    assert result.is_divergent
    assert result.divergence == "Professionals agree; service users reach no consensus."


def test_items_where_the_groups_agree_are_not_flagged(open_round, item_ids):
    rate_all(open_round, item_ids[0], service_users(2), [8, 9])
    rate_all(open_round, item_ids[0], professionals(2), [9, 7])

    result = round_results(open_round)[0]

    assert not result.is_divergent
    assert result.divergence == ""


def test_consensus_to_exclude(open_round, item_ids):
    rate_all(open_round, item_ids[1], service_users(5), [1, 1, 2, 3, 5])

    result = round_results(open_round)[1]

    # 80% in 1 to 3, none in 7 to 9.
    assert result.everyone.consensus == Consensus.OUT
    assert result.service_users.consensus == Consensus.OUT
    assert result.professionals.n == 0


@pytest.mark.parametrize(
    ("n", "agreed", "disagreed", "threshold", "bottom_limit", "expected"),
    [
        pytest.param(10, 7, 1, 70, 15, Consensus.IN, id="70% agree, 10% disagree"),
        pytest.param(10, 7, 2, 70, 15, Consensus.NONE, id="70% agree, 20% disagree"),
        pytest.param(20, 14, 3, 70, 15, Consensus.NONE, id="disagreement exactly 15%"),
        pytest.param(20, 14, 2, 70, 15, Consensus.IN, id="agreement exactly 70%"),
        pytest.param(10, 6, 0, 70, 15, Consensus.NONE, id="60% agree"),
        pytest.param(10, 1, 7, 70, 15, Consensus.OUT, id="70% disagree, 10% agree"),
        pytest.param(10, 2, 7, 70, 15, Consensus.NONE, id="70% disagree, 20% agree"),
        pytest.param(10, 7, 1, 80, 15, Consensus.NONE, id="threshold 80"),
        pytest.param(10, 7, 2, 70, 25, Consensus.IN, id="opposite band limit 25"),
        pytest.param(0, 0, 0, 70, 15, Consensus.NONE, id="no scores"),
    ],
)
def test_the_consensus_rule(n, agreed, disagreed, threshold, bottom_limit, expected):
    outcome = consensus_of(
        n=n, agreed=agreed, disagreed=disagreed, threshold=threshold, bottom_limit=bottom_limit
    )

    assert outcome == expected


def test_a_round_judges_by_its_own_threshold(rated_round, item_ids):
    Round.objects.filter(pk=rated_round.pk).update(consensus_bottom_limit=30)
    rated_round.refresh_from_db()

    result = round_results(rated_round)[0]

    # Service users: 75% agree and 25% disagree, now under 30%.
    assert result.service_users.consensus == Consensus.IN
    assert not result.is_divergent


def test_a_five_point_round_uses_its_own_bands(section, item_ids):
    round = RoundFactory(rating_scale=RatingScale.FIVE_POINT)
    RoundPageFactory(round=round, page=section)
    rate_all(round, item_ids[0], service_users(5), [4, 4, 5, 5, 2])

    everyone = round_results(round)[0].everyone

    assert everyone.distribution == {1: 0, 2: 1, 3: 0, 4: 2, 5: 2}
    assert (everyone.agreement_share, everyone.disagreement_share) == (0.8, 0.2)
    assert everyone.median == 4.0
    # 80% agree, but 20% in 1 to 2.
    assert everyone.consensus == Consensus.NONE


@pytest.mark.skipif(not ON_POSTGRESQL, reason="compares with PostgreSQL's percentile_cont")
def test_both_ways_of_computing_give_the_same_numbers(open_round, item_ids):
    users, pros = service_users(7), professionals(6)
    for offset, block_id in enumerate(item_ids):
        for index, member in enumerate(users + pros):
            score = (index * 5 + offset * 3) % 9 + 1
            if (index + offset) % 6 == 0:
                rate(open_round, member, block_id, abstention=Abstention.UNABLE)
            else:
                rate(open_round, member, block_id, score)

    in_database = ratings_summary(open_round, in_database=True)
    from_counts = ratings_summary(open_round, in_database=False)

    assert in_database == from_counts
    assert len(in_database) == 3


def test_a_fixed_number_of_queries_however_many_items(
    framework, django_assert_num_queries, item_ids, open_round
):
    rate_all(open_round, item_ids[0], service_users(3), [7, 8, 9])
    round_results(open_round)
    many = FrameworkSectionPageFactory(
        parent=framework, requirements=requirements(*(f"Item {n}." for n in range(12)))
    )
    many.save_revision()
    bigger = RoundFactory()
    RoundPageFactory(round=bigger, page=many)
    members = service_users(3)
    for block in many.requirements:
        rate_all(bigger, block.id, members, [7, 8, 9])
    round_results(bigger)

    # The pinned pages, then one query for every figure of every item; each revision's
    # items are cached after the first call, as on the round pages.
    with django_assert_num_queries(2):
        assert len(round_results(open_round)) == 3
    with django_assert_num_queries(2):
        assert len(round_results(bigger)) == 12


# The earlier round --------------------------------------------------------------------


def test_a_following_round_shows_each_item_then_and_new_items(section, item_ids):
    first = closed(RoundFactory(title="Round 1"))
    RoundPageFactory(round=first, page=section)
    rate_all(first, item_ids[0], service_users(4), [5, 6, 7, 8])
    section.requirements.append(("requirement", requirements("A new item.")[0][1]))
    section.save_revision()
    second = RoundFactory(title="Round 2", follows=first)
    RoundPageFactory(round=second, page=section)
    keys = [result.key for result in round_results(second)]

    earlier = earlier_results(second, keys)

    then = earlier[keys[0]]
    assert (then.round, then.result.median, then.result.agreement_share) == (first, 6.5, 0.5)
    assert earlier[keys[1]].result.n == 0
    assert earlier[keys[3]].is_new
    assert earlier_results(first, keys) == {}


# The lock on the rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("consensus_threshold", "80"),
        ("consensus_bottom_limit", "10"),
        ("rating_scale", RatingScale.FIVE_POINT),
    ],
)
def test_the_rule_cannot_change_once_the_round_has_opened(editor_client, open_round, field, value):
    response = editor_client.post(
        reverse("rounds:edit", args=[open_round.pk]),
        round_edit_data(open_round, **{field: value}),
    )

    assert response.status_code == 200
    assert "The round has opened, so this stays as it was" in errors_beside(response, field)
    open_round.refresh_from_db()
    assert (open_round.consensus_threshold, open_round.consensus_bottom_limit) == (70, 15)
    assert open_round.rating_scale == RatingScale.NINE_POINT


def test_the_edit_form_shows_the_rule_fixed_once_the_round_has_opened(editor_client, open_round):
    soup = soup_of(editor_client.get(reverse("rounds:edit", args=[open_round.pk])))

    for name in ("rating_scale", "consensus_threshold", "consensus_bottom_limit"):
        assert soup.find(attrs={"name": name}).has_attr("disabled"), name
    assert not soup.find(attrs={"name": "title"}).has_attr("disabled")


def test_other_settings_still_change_once_the_round_has_opened(editor_client, open_round):
    response = editor_client.post(
        reverse("rounds:edit", args=[open_round.pk]),
        round_edit_data(open_round, title="Renamed", members_see_results=""),
    )

    assert response.status_code == 302
    open_round.refresh_from_db()
    assert (open_round.title, open_round.members_see_results) == ("Renamed", False)


def test_the_rule_can_change_before_the_round_opens(editor_client, open_round):
    Round.objects.filter(pk=open_round.pk).update(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=8)
    )
    open_round.refresh_from_db()

    response = editor_client.post(
        reverse("rounds:edit", args=[open_round.pk]),
        round_edit_data(
            open_round,
            consensus_threshold="80",
            consensus_bottom_limit="10",
            rating_scale=RatingScale.FIVE_POINT,
        ),
    )

    assert response.status_code == 302
    open_round.refresh_from_db()
    assert (open_round.consensus_threshold, open_round.consensus_bottom_limit) == (80, 10)
    assert open_round.rating_scale == RatingScale.FIVE_POINT


@pytest.mark.parametrize("limit", ["-1", "51"])
def test_the_opposite_band_limit_stays_between_0_and_50(editor_client, open_round, limit):
    Round.objects.filter(pk=open_round.pk).update(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=8)
    )
    open_round.refresh_from_db()

    response = editor_client.post(
        reverse("rounds:edit", args=[open_round.pk]),
        round_edit_data(open_round, consensus_threshold="70", consensus_bottom_limit=limit),
    )

    assert response.status_code == 200
    assert Round.objects.get(pk=open_round.pk).consensus_bottom_limit == 15


# The editors' results page -----------------------------------------------------------------


def results_url(round: Round, query: str = "") -> str:
    return reverse("rounds:results", args=[round.pk]) + query


def item_order(response) -> list[str]:
    return [
        row.find("th").find("strong").get_text(strip=True)
        for row in soup_of(response).select("tbody.app-results-item")
    ]


@pytest.fixture
def three_outcomes(open_round, item_ids):
    """Item 1 with no consensus, item 2 consensus to exclude, item 3 to include."""
    members = service_users(5)
    rate_all(open_round, item_ids[0], members, [1, 2, 5, 8, 9])
    rate_all(open_round, item_ids[1], members, [1, 1, 2, 3, 5])
    rate_all(open_round, item_ids[2], members, [7, 8, 9, 9, 5])
    return open_round


def test_editors_sort_the_results_by_consensus(editor_client, three_outcomes):
    as_on_page = editor_client.get(results_url(three_outcomes))
    include_first = editor_client.get(results_url(three_outcomes, "?sort=consensus"))
    exclude_first = editor_client.get(results_url(three_outcomes, "?sort=-consensus"))

    assert item_order(as_on_page) == ["3.1", "3.2", "3.3"]
    assert item_order(include_first) == ["3.3", "3.1", "3.2"]
    assert item_order(exclude_first) == ["3.2", "3.1", "3.3"]
    # The column header's link turns the order round, with no script.
    header = soup_of(include_first).find("th", attrs={"aria-sort": "ascending"})
    assert header.find("a")["href"] == results_url(three_outcomes, "?sort=-consensus")


def test_an_unknown_sort_leaves_the_page_order(editor_client, three_outcomes):
    response = editor_client.get(results_url(three_outcomes, "?sort=drop+table"))

    assert item_order(response) == ["3.1", "3.2", "3.3"]


def test_each_chart_says_its_counts_in_words(editor_client, three_outcomes, item_ids):
    soup = soup_of(editor_client.get(results_url(three_outcomes)))

    chart = soup.find("svg", attrs={"aria-labelledby": True})
    assert chart["role"] == "img"
    title = soup.find(id=chart["aria-labelledby"])
    assert title.name == "title"
    assert title.get_text() == (
        "How many gave each score, 1 to 9: 1: 1, 2: 1, 3: 0, 4: 0, 5: 1, 6: 0, 7: 0, 8: 1, 9: 1."
    )
    assert not soup.select("svg [style]")


def test_editors_see_small_groups_and_the_figures(editor_client, rated_round):
    response = editor_client.get(results_url(rated_round))

    assert "Too few to show" not in response.text
    row = soup_of(response).select_one("tbody.app-results-item")
    cells = [cell.get_text(" ", strip=True) for cell in row.find_all("tr")[2].find_all("td")]
    # Service users (2 7 8 9): 4 scores, 1 unable, median 7.5, 5.75 to 8.25, 75% agree,
    # 25% disagree.
    assert cells[:5] == ["4", "1 / 0", "7.5", "5.75 – 8.25 (2.5)", "75% / 25%"]
    assert "Professionals agree; service users reach no consensus." in response.text
    assert soup_of(response).select_one("div.w-overflow-x-auto table")


def test_the_results_page_of_a_following_round_shows_the_change(editor_client, section, item_ids):
    first = closed(RoundFactory(title="Round 1"))
    RoundPageFactory(round=first, page=section)
    rate_all(first, item_ids[0], service_users(4), [5, 6, 7, 8])
    second = RoundFactory(title="Round 2", follows=first)
    RoundPageFactory(round=second, page=section)
    rate_all(second, item_ids[0], service_users(3), [7, 8, 9])

    response = editor_client.get(results_url(second))

    assert "Median 6.5 → 8" in response.text
    assert "In agreement 50% → 100%" in response.text
    assert "No consensus → Consensus to include" in response.text


def test_the_round_links_to_its_results(editor_client, open_round):
    inspect = editor_client.get(reverse("rounds:inspect", args=[open_round.pk]))
    listing = editor_client.get(reverse("rounds:index"))

    assert results_url(open_round) in inspect.text
    assert results_url(open_round) in listing.text


def test_results_need_permission_to_view_rounds(client, open_round):
    client_with_permissions(client, "access_admin")

    response = client.get(results_url(open_round))

    # Wagtail's refusal: back to the admin's home, with a message.
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")


def test_permission_to_view_rounds_is_enough(client, open_round):
    client_with_permissions(client, "access_admin", "view_round")

    assert client.get(results_url(open_round)).status_code == 200


# The members' results page ----------------------------------------------------------------


def member_results_url(round: Round) -> str:
    return reverse("consultations:results", args=[round.pk])


@pytest.fixture
def large_closed_round(open_round, item_ids, service_user):
    """Willow and four other service users, and five professionals, rated item 1."""
    rate(open_round, service_user, item_ids[0], 8)
    rate_all(open_round, item_ids[0], service_users(4), [9, 7, 7, 2])
    rate_all(open_round, item_ids[0], professionals(5), [7, 7, 8, 9, 5])
    return closed(open_round)


def test_members_see_the_results_once_the_round_has_closed(
    client, large_closed_round, service_user, item_ids
):
    client.force_login(service_user.user)

    response = client.get(member_results_url(large_closed_round))

    assert response.status_code == 200
    card = soup_of(response).find(id=f"item-{item_ids[0]}")
    assert "Your rating: 8. It is marked in the charts" in card.get_text(" ", strip=True)
    assert "Too few to show" not in response.text
    # Everyone's median of 2 5 7 7 7 7 8 8 9 9 is 7; service users' 2 7 7 8 9, 7.
    figures = [dl.get_text(" ", strip=True) for dl in card.select("dl")]
    assert "Scores 10" in figures[0] and "Middle score (median) 7" in figures[0]
    assert "Scores 5" in figures[1]
    # Her own score is marked in each chart, and said in its words.
    own = card.select('rect[stroke="#212b32"]')
    assert len(own) == 2
    assert "Your rating: 8." in card.find("title").get_text()
    # Nobody else is named: no other rater's pseudonym appears.
    others = Member.objects.filter(ratings__round=large_closed_round).exclude(pk=service_user.pk)
    assert len(others) == 9
    assert [m.pseudonym for m in others if m.pseudonym in response.text] == []


def test_members_see_too_few_to_show_for_a_small_group(
    client, rated_round, service_user, item_ids
):
    # Item 1: four service users scored, one fewer than the smallest group shown. Item 2:
    # Willow alone.
    rate(rated_round, service_user, item_ids[1], 8)
    rated = closed(rated_round)
    client.force_login(service_user.user)

    response = client.get(member_results_url(rated))

    text = soup_of(response).get_text(" ", strip=True)
    assert text.count("Too few to show") == 4
    second = soup_of(response).find(id=f"item-{item_ids[1]}")
    assert "Your rating: 8." in second.get_text(" ", strip=True)
    assert "marked in the charts" not in second.get_text(" ", strip=True)
    assert not second.find("svg")
    # Nor everyone's figures, which would give the service users' by taking away the
    # professionals'; the professionals' own are shown.
    assert "Scores 5" in text
    assert "Scores 9" not in text
    assert "Groups differ" not in text


def test_the_smallest_group_shown_is_a_setting(client, rated_round, service_user, settings):
    settings.CONSULTATIONS_MIN_GROUP_SIZE = 4
    client.force_login(service_user.user)

    response = client.get(member_results_url(closed(rated_round)))

    assert "Too few to show" not in response.text
    assert "Professionals agree; service users reach no consensus." in response.text


def test_members_see_no_results_while_the_round_is_open(client, open_round, service_user):
    client.force_login(service_user.user)

    response = client.get(member_results_url(open_round))

    assert response.status_code == 404
    # She is told why, and when to come back.
    closes = timezone.localtime(open_round.closes_at)
    assert "results will be here once the round has closed" in " ".join(response.text.split())
    assert f"{closes.day} {closes:%B %Y}" in response.text
    assert "Too few to show" not in response.text
    assert (
        member_results_url(open_round)
        not in client.get(reverse("consultations:round", args=[open_round.pk])).text
    )


def test_members_see_no_results_of_a_round_that_keeps_them(
    client, large_closed_round, service_user
):
    Round.objects.filter(pk=large_closed_round.pk).update(members_see_results=False)
    client.force_login(service_user.user)

    response = client.get(member_results_url(large_closed_round))

    assert response.status_code == 404
    assert "The research team is not sharing the group's results for this round." in (
        response.text.replace("&#x27;", "'")
    )
    dashboard = client.get(reverse("consultations:dashboard"))
    assert member_results_url(large_closed_round) not in dashboard.text


def test_the_dashboard_and_the_round_link_to_the_results(client, large_closed_round, service_user):
    client.force_login(service_user.user)

    dashboard = client.get(reverse("consultations:dashboard"))
    overview = client.get(reverse("consultations:round", args=[large_closed_round.pk]))

    assert member_results_url(large_closed_round) in dashboard.text
    assert member_results_url(large_closed_round) in overview.text


def test_members_outside_the_audience_or_withdrawn_see_no_results(
    client, large_closed_round, professional
):
    Round.objects.filter(pk=large_closed_round.pk).update(audience=Audience.SERVICE_USERS)
    client.force_login(professional.user)
    assert client.get(member_results_url(large_closed_round)).status_code == 404

    gone = MemberFactory(withdrawn_at=timezone.now())
    client.force_login(gone.user)
    assert client.get(member_results_url(large_closed_round)).status_code == 404


def test_a_late_rating_is_hers_but_not_counted(client, large_closed_round, item_ids):
    latecomer = MemberFactory()
    rate(large_closed_round, latecomer, item_ids[0], 3, late=True)
    client.force_login(latecomer.user)

    response = client.get(member_results_url(large_closed_round))

    assert "after the round closed, so it is not counted" in response.text
    assert not soup_of(response).select('rect[stroke="#212b32"]')


def test_editors_are_not_members(client, large_closed_round):
    client.force_login(EditorFactory())

    assert client.get(member_results_url(large_closed_round)).status_code == 403
