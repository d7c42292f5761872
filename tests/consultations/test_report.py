"""The report of a whole consultation: a chain of three rounds on one draft section whose
items were reworded, removed and added between them; on screen and as CSV."""

import csv
import io
from datetime import UTC, datetime

from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from consultations.enums import Consensus, ItemChange
from consultations.models import Round
from consultations.report import consensus_rule, consultation_report, rounds_chain
from consultations.services import rating_set
from tests.consultations.test_changes import draft_save
from tests.factories import MemberFactory, RoundFactory, RoundPageFactory, study_site

from .conftest import STATEMENTS

REWORDED = "Services always share one care plan."
ADDED = "Each woman can bring someone she trusts to meetings."
ADDED_REWORDED = "Each woman can bring a person she trusts to every meeting."
LAST = "Care plans are written with her."


def at(month: int, day: int, hour: int) -> datetime:
    return datetime(2025, month, day, hour, tzinfo=UTC)


def move(round: Round, opens: datetime, closes: datetime) -> None:
    Round.objects.filter(pk=round.pk).update(opens_at=opens, closes_at=closes)


@pytest.fixture
def chain(open_round, section, item_ids) -> list[Round]:
    """Round 1 on the three items (Ash and Gorse rate); round 2, for service users, after
    the second item was reworded, the third removed and a new one added (Ash rates); round
    3 after the new item was reworded and a fourth added (nobody has rated yet). Birch, a
    service user, never rates."""
    consented = at(1, 1, 9)
    ash = MemberFactory(pseudonym="Ash", consent_given_at=consented)
    MemberFactory(pseudonym="Birch", consent_given_at=consented)
    gorse = MemberFactory(
        pseudonym="Gorse",
        professional=True,
        consent_given_at=consented,
        study_site=study_site("Dundee clinic", "scotland"),
    )

    def rate(round: Round, who) -> None:
        rating_set(round=round, member=who, page_id=section.pk, block_id=item_ids[0], score=8)

    first = open_round
    rate(first, ash)
    rate(first, gorse)
    move(first, at(1, 6, 10), at(1, 20, 17))

    draft_save(section, [(item_ids[0], STATEMENTS[0]), (item_ids[1], REWORDED), (None, ADDED)])
    second = RoundFactory(title="Round 2", follows=first, audience="service_users")
    RoundPageFactory(round=second, page=section)
    rate(second, ash)
    move(second, at(2, 3, 10), at(2, 17, 17))

    added_id = section.requirements[2].id
    draft_save(
        section,
        [
            (item_ids[0], STATEMENTS[0]),
            (item_ids[1], REWORDED),
            (added_id, ADDED_REWORDED),
            (None, LAST),
        ],
    )
    third = RoundFactory(title="Round 3", follows=second, consensus_threshold=75)
    RoundPageFactory(round=third, page=section)
    for round in (first, second, third):
        round.refresh_from_db()
    return [first, second, third]


def test_the_chain_is_every_round_before_and_after_in_opening_order(chain):
    first, second, third = chain
    # An unrelated round is not part of it.
    RoundFactory(title="Another consultation")

    assert rounds_chain(second) == [first, second, third]
    assert rounds_chain(third) == [first, second, third]
    assert rounds_chain(first) == [first, second, third]


def test_items_in_each_round_count_added_reworded_removed_and_unchanged(chain):
    report = consultation_report(chain[1])

    counts = [
        (s.round.title, s.items, s.added, s.reworded, s.removed, s.unchanged)
        for s in report.rounds
    ]
    assert counts == [
        ("Round 1: working together", 3, 3, 0, 0, 0),
        ("Round 2", 3, 1, 1, 1, 1),
        ("Round 3", 4, 1, 1, 0, 2),
    ]
    # Round 1's first item: Ash and Gorse both rate 8; round 2's: Ash alone rates 8.
    assert [(s.consensus_in, s.consensus_out) for s in report.rounds] == [(1, 0), (1, 0), (0, 0)]


def test_each_item_is_followed_across_the_rounds(chain):
    report = consultation_report(chain[2])

    def cell(step):
        return None if step is None else (step.number, step.change, step.consensus)

    flows = [(flow.text, [cell(step) for step in flow.steps]) for flow in report.items]
    added, unchanged, changed, removed = (
        ItemChange.ADDED,
        ItemChange.UNCHANGED,
        ItemChange.CHANGED,
        ItemChange.REMOVED,
    )
    agreed = Consensus.IN
    # Only the first item was rated: by two members in round 1 and one in round 2, all 8.
    assert flows == [
        (
            STATEMENTS[0],
            [("3.1", added, agreed), ("3.1", unchanged, agreed), ("3.1", unchanged, None)],
        ),
        (REWORDED, [("3.2", added, None), ("3.2", changed, None), ("3.2", unchanged, None)]),
        (STATEMENTS[2], [("3.3", added, None), ("", removed, None), None]),
        (ADDED_REWORDED, [None, ("3.3", added, None), ("3.3", changed, None)]),
        (LAST, [None, None, ("3.4", added, None)]),
    ]


def test_responses_per_constituency_for_each_round(chain):
    report = consultation_report(chain[0])

    turnout = [
        [None if t is None else (t.invited, t.responded, t.rate) for t in s.turnout]
        for s in report.rounds
    ]
    # Service users, then professionals; round 2 was for service users only.
    assert turnout == [
        [(2, 1, 50), (1, 1, 100)],
        [(2, 1, 50), None],
        [(2, 0, 0), (1, 0, 0)],
    ]


def test_the_consensus_rule_is_written_from_the_rounds_scale_threshold_and_bottom_limit(chain):
    assert consensus_rule(chain[2]) == (
        "An item reaches consensus when at least 75% of the ratings are 7 to 9 and fewer "
        "than 15% are 1 to 3; it is agreed to be left out when at least 75% are 1 to 3 and "
        "fewer than 15% are 7 to 9. Otherwise there is no consensus."
    )
    chain[0].rating_scale = "five_point"
    assert "at least 70% of the ratings are 4 to 5 and fewer than 15% are 1 to 2" in (
        consensus_rule(chain[0])
    )


# The admin views -----------------------------------------------------------------------------


def test_the_report_page_shows_the_rounds_items_and_rule_and_no_member(editor_client, chain):
    response = editor_client.get(reverse("rounds:report", args=[chain[1].pk]))

    assert response.status_code == 200
    text = response.content.decode()
    assert "An item reaches consensus when at least 70%" in text
    assert "1 of 2 (50%)" in text and "1 of 1 (100%)" in text
    assert LAST in text and "removed" in text
    assert "consultations/css/report_print.css" in text
    for name in ("Ash", "Birch", "Gorse", "Dundee"):
        assert name not in text


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_report_as_csv_has_the_rule_the_rounds_and_each_items_flow(editor_client, chain):
    response = editor_client.get(reverse("rounds:report_csv", args=[chain[0].pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="consultation-report-round-1-working-together.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == ["Consultation report", "Round 1: working together"]
    assert rows[2:4] == [["Consensus threshold (%)", "70"], ["Bottom limit (%)", "15"]]
    assert rows[5] == [
        "Round",
        "Opens",
        "Closes",
        "Status",
        "Audience",
        "Consensus threshold (%)",
        "Bottom limit (%)",
        "Service user invited",
        "Service user responded",
        "Professional invited",
        "Professional responded",
        "Items",
        "Added",
        "Reworded",
        "Removed",
        "Unchanged",
        "Consensus to include",
        "Consensus to exclude",
    ]
    assert rows[6] == [
        "Round 1: working together",
        "2025-01-06 10:00 +0000",
        "2025-01-20 17:00 +0000",
        "Closed",
        "Service users and professionals",
        "70",
        "15",
        "2",
        "1",
        "1",
        "1",
        "3",
        "3",
        "0",
        "0",
        "0",
        "1",
        "0",
    ]
    assert rows[7][4:] == [
        "Service users",
        "70",
        "15",
        "2",
        "1",
        "—",
        "—",
        "3",
        "1",
        "1",
        "1",
        "1",
        "1",
        "0",
    ]
    assert rows[8][5:] == ["75", "15", "2", "0", "1", "0", "4", "1", "1", "0", "2", "0", "0"]
    assert rows[9] == []
    assert rows[10] == ["Page", "Item", "Round 1: working together", "Round 2", "Round 3"]
    assert rows[11:] == [
        [
            "Working together",
            STATEMENTS[0],
            "3.1 (added; Consensus to include)",
            "3.1 (unchanged; Consensus to include)",
            "3.1 (unchanged)",
        ],
        ["Working together", REWORDED, "3.2 (added)", "3.2 (reworded)", "3.2 (unchanged)"],
        ["Working together", STATEMENTS[2], "3.3 (added)", "removed", ""],
        ["Working together", ADDED_REWORDED, "", "3.3 (added)", "3.3 (reworded)"],
        ["Working together", LAST, "", "", "3.4 (added)"],
    ]
    assert not any("Ash" in cell or "Gorse" in cell for row in rows for cell in row)


def test_downloading_the_report_is_in_the_audit_log(editor_client, editor, chain):
    url = reverse("rounds:report_csv", args=[chain[0].pk])
    editor_client.get(url)

    (entry,) = ModelLogEntry.objects.filter(action="consultations.export")
    assert entry.user == editor
    assert entry.label == "consultation-report-round-1-working-together.csv"
    assert entry.data == {"path": url}


def test_a_member_cannot_reach_the_report_or_its_csv(client, chain):
    client.force_login(MemberFactory().user)

    for name in ("rounds:report", "rounds:report_csv"):
        response = client.get(reverse(name, args=[chain[0].pk]))
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_a_report_cell_that_looks_like_a_formula_stays_text(editor_client, chain):
    Round.objects.filter(pk=chain[0].pk).update(title="=HYPERLINK(1)")

    rows = csv_rows(editor_client.get(reverse("rounds:report_csv", args=[chain[0].pk])))

    assert rows[0][1] == "'=HYPERLINK(1)"
    assert rows[6][0] == "'=HYPERLINK(1)"


def test_a_round_on_its_own_is_a_consultation_of_one_round(editor_client, open_round):
    response = editor_client.get(reverse("rounds:report", args=[open_round.pk]))

    assert response.status_code == 200
    (summary,) = response.context["report"].rounds
    assert (summary.items, summary.added, summary.removed) == (3, 3, 0)
