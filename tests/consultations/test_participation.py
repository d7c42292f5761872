"""Response rates of a round by constituency and by nation, and attrition since the round
it follows: hand-counted casts, the admin view, and what the view never shows."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

import pytest

from consultations.enums import Constituency, Withdrawal
from consultations.models import Member, Round
from consultations.participation import Turnout, round_participation, round_turnout
from consultations.services import comment_post, comment_withdraw, member_withdraw, rating_set
from tests.factories import MemberFactory, RoundFactory, RoundPageFactory, study_site


def member(pseudonym: str, site: str | None = None, *, professional: bool = False, **fields):
    """A member who consented a month ago, at a site (or none)."""
    fields.setdefault("consent_given_at", timezone.now() - timedelta(days=30))
    return MemberFactory(
        pseudonym=pseudonym,
        professional=professional,
        study_site=SITES[site]() if site else None,
        **fields,
    )


SITES = {
    "leeds": lambda: study_site("Leeds clinic", "england"),
    "dundee": lambda: study_site("Dundee clinic", "scotland"),
    "unknown": lambda: study_site("Clinic of no nation", ""),
}


def rate(round: Round, who: Member, item_ids: list[str], section, score: int = 8) -> None:
    rating_set(round=round, member=who, page_id=section.pk, block_id=item_ids[0], score=score)


def comment(round: Round, who: Member, item_ids: list[str], section):
    return comment_post(
        round=round, member=who, page_id=section.pk, block_id=item_ids[1], body="One plan."
    ).comment


@pytest.fixture
def counted_round(open_round, section, item_ids, close_round) -> Round:
    """Seven invited (five service users, two professionals), three responding.

    Service users: Ash (Leeds) rates; Birch (Dundee) only comments; Cedar (Leeds) does
    nothing; Damson (no site) rates only after the round closed; Elder (Leeds) rates, then
    withdraws during the round, which erases her site but keeps its nation. Not invited:
    Fir withdrew before the round opened. Professionals: Gorse (Dundee) rates; Holly (site
    of no nation) comments and takes the comment back. Not invited: Ivy consented after the
    round closed, Juniper never consented.
    """
    ash, birch = member("Ash", "leeds"), member("Birch", "dundee")
    member("Cedar", "leeds")
    damson, elder = member("Damson"), member("Elder", "leeds")
    member("Fir", "leeds", withdrawn_at=timezone.now() - timedelta(days=20))
    gorse = member("Gorse", "dundee", professional=True)
    holly = member("Holly", "unknown", professional=True)
    member("Juniper", "leeds", professional=True, consent_given_at=None)

    rate(open_round, ash, item_ids, section)
    comment(open_round, birch, item_ids, section)
    rate(open_round, elder, item_ids, section)
    member_withdraw(member=elder, choice=Withdrawal.ANONYMISED)
    rate(open_round, gorse, item_ids, section)
    taken_back = comment(open_round, holly, item_ids, section)
    comment_withdraw(comment=taken_back, member=holly)

    close_round(open_round)
    rate(open_round, damson, item_ids, section)
    member("Ivy", "dundee", professional=True, consent_given_at=timezone.now())
    return open_round


def as_rows(turnouts) -> list[tuple]:
    return [(t.label, t.invited, t.responded, t.rate, t.withdrawn) for t in turnouts]


def test_invited_and_responded_by_constituency_count_late_and_withdrawn_members_as_not_responding(
    counted_round,
):
    by_constituency, _by_nation, total = round_turnout(counted_round)

    assert as_rows(by_constituency) == [
        ("Service user", 5, 2, 40, 1),
        ("Professional", 2, 1, 50, 0),
    ]
    assert as_rows([total]) == [("All members", 7, 3, 43, 1)]


def test_by_nation_a_withdrawn_member_stays_in_hers_and_no_site_or_nation_is_not_recorded(
    counted_round,
):
    _by_constituency, by_nation, _total = round_turnout(counted_round)

    # England: Ash responded, Cedar did not, Elder withdrew. Not recorded: Damson (no site,
    # late) and Holly (a site of no nation, took her comment back).
    assert as_rows(by_nation) == [
        ("England", 3, 1, 33, 1),
        ("Scotland", 2, 2, 100, 0),
        ("Not recorded", 2, 0, 0, 0),
    ]
    elder = Member.objects.get(withdrawal=Withdrawal.ANONYMISED)
    assert (elder.study_site, elder.nation_kept) == (None, "england")


def test_a_round_for_service_users_counts_no_professionals(open_round, section, item_ids):
    open_round.audience = "service_users"
    open_round.save()
    rate(open_round, member("Ash", "leeds"), item_ids, section)
    member("Gorse", "dundee", professional=True)

    by_constituency, by_nation, total = round_turnout(open_round)

    assert as_rows(by_constituency) == [("Service user", 1, 1, 100, 0)]
    assert as_rows(by_nation) == [("England", 1, 1, 100, 0)]
    assert total.invited == 1


def test_a_round_nobody_was_invited_to_has_no_rate(open_round):
    by_constituency, by_nation, total = round_turnout(open_round)

    assert as_rows(by_constituency) == [
        ("Service user", 0, 0, None, 0),
        ("Professional", 0, 0, None, 0),
    ]
    assert by_nation == [] and total.rate is None


def test_the_counts_take_one_query_however_many_members(counted_round, django_assert_num_queries):
    for number in range(5):
        member(f"Extra {number}", "dundee")
    counted_round.refresh_from_db()

    with django_assert_num_queries(1):
        round_participation(counted_round)


# Attrition -------------------------------------------------------------------------------


@pytest.fixture
def later_round(open_round, section, item_ids, close_round) -> Round:
    """Round 1 closed, then round 2 following it.

    Service users: Ash takes part in both; Birch and Cedar only in round 1, and Cedar has
    withdrawn since; Damson only in round 2. Professionals: Elm rated round 1 only after it
    closed, then round 2; Fern only round 1.
    """
    ash, birch, cedar, damson = (
        member(name, "leeds") for name in ("Ash", "Birch", "Cedar", "Damson")
    )
    elm = member("Elm", "dundee", professional=True)
    fern = member("Fern", "dundee", professional=True)
    for who in (ash, birch, cedar, fern):
        rate(open_round, who, item_ids, section)
    comment(open_round, cedar, item_ids, section)
    close_round(open_round)
    rate(open_round, elm, item_ids, section)

    later = RoundFactory(title="Round 2", follows=open_round)
    RoundPageFactory(round=later, page=section)
    rate(later, ash, item_ids, section)
    comment(later, damson, item_ids, section)
    rate(later, elm, item_ids, section)
    member_withdraw(member=cedar, choice=Withdrawal.ANONYMISED)
    return later


def test_attrition_counts_who_was_lost_who_withdrew_and_who_is_new(later_round):
    participation = round_participation(later_round)

    assert participation.previous.title == "Round 1: working together"
    rows = [
        (row.label, row.took_part_before, row.stayed, row.lost, row.lost_withdrawn, row.new)
        for row in [*participation.attrition, participation.attrition_total]
    ]
    assert rows == [
        ("Service user", 3, 1, 2, 1, 1),
        ("Professional", 1, 0, 1, 0, 1),
        ("All members", 4, 1, 3, 1, 2),
    ]


def test_attrition_takes_two_queries_more(later_round, django_assert_num_queries):
    later_round.refresh_from_db()

    with django_assert_num_queries(3):
        round_participation(later_round)


# The admin view ----------------------------------------------------------------------------


def test_editors_see_the_response_rates_of_a_round_by_counts_only(editor_client, later_round):
    response = editor_client.get(reverse("rounds:participation", args=[later_round.pk]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Who responded" in text and "Since Round 1: working together" in text
    assert "By nation of the study site" in text
    for name in ("Ash", "Birch", "Cedar", "Damson", "Elm", "Fern", "Leeds clinic", "Dundee"):
        assert name not in text
    assert f"<td>{Constituency.SERVICE_USER.label}" not in text  # labels are row headings


def test_the_round_page_links_to_its_response_rates_and_report(editor_client, open_round):
    response = editor_client.get(reverse("rounds:inspect", args=[open_round.pk]))

    text = response.content.decode()
    assert reverse("rounds:participation", args=[open_round.pk]) in text
    assert reverse("rounds:report", args=[open_round.pk]) in text


def test_someone_who_cannot_view_rounds_is_refused_the_response_rates(client, open_round):
    outsider = MemberFactory().user
    client.force_login(outsider)

    response = client.get(reverse("rounds:participation", args=[open_round.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("responded", "invited", "rate"), [(1, 8, 13), (5, 8, 63), (1, 3, 33), (2, 3, 67), (0, 4, 0)]
)
def test_a_response_rate_rounds_halves_up(responded, invited, rate):
    assert Turnout(label="", invited=invited, responded=responded).rate == rate
