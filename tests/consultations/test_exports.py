"""Exports of a round for analysis: the rows and columns of the comments and ratings
datasets, how members are named, who may export real names and what the audit log says,
streaming and a fixed number of queries, withdrawn members, and text that a spreadsheet
would run as a formula."""

import csv
import io
import subprocess
import sys
import tracemalloc
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest
from openpyxl import load_workbook

from consultations import exports
from consultations.enums import Abstention, AnswerStatus, EnteredVia, VersionKind, Withdrawal
from consultations.models import Comment, CommentVersion, Rating, RatingVersion
from consultations.services import (
    EnteredForHer,
    comment_answer,
    comment_edit,
    comment_hide,
    comment_post,
    comment_withdraw,
    member_withdraw,
    rating_set,
)
from consultations.services.audit import EXPORT, VIEW_IDENTITY
from tests.consultations.conftest import STATEMENTS
from tests.factories import (
    EditorFactory,
    MemberFactory,
    RoundFactory,
    RoundPageFactory,
    UserFactory,
    study_site,
)

LONDON = ZoneInfo("Europe/London")


def export_url(round) -> str:
    return reverse("rounds:export", args=[round.pk])


def download(client, round, dataset="comments", format="csv", identity="pseudonym"):
    return client.get(
        export_url(round), {"dataset": dataset, "format": format, "identity": identity}
    )


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(response) -> list[list[object]]:
    assert response.status_code == 200
    return xlsx_rows_of(b"".join(response.streaming_content))


def xlsx_rows_of(content: bytes) -> list[list[object]]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    (sheet,) = workbook.worksheets
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    # Empty cells at the end of a row are not stored.
    return [row + [None] * (len(rows[0]) - len(row)) for row in rows]


def columns(rows: list[dict[str, str]], *names: str) -> list[tuple[str, ...]]:
    return [tuple(row[name] for name in names) for row in rows]


@pytest.fixture
def coordinator(db):
    user = EditorFactory()
    user.groups.add(Group.objects.get(name="Member coordinators"))
    return user


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def post(round, member, body, *, block_id="", quote="", parent=None) -> Comment:
    return comment_post(
        round=round,
        member=member,
        page_id=round.round_pages.get().page_id,
        block_id=block_id,
        body=body,
        quote=quote,
        parent=parent,
    ).comment


def rate(round, member, block_id, *, score=None, abstention="", reason="", entered=None):
    return rating_set(
        round=round,
        member=member,
        page_id=round.round_pages.get().page_id,
        block_id=block_id,
        score=score,
        abstention=abstention,
        reason=reason,
        entered_for_her=entered,
    )


@pytest.fixture
def small_round(shared_round, service_user, professional, editor, item_ids, close_round):
    """Willow comments on item 3.1 and changes her words; Rowan replies, and the team hides
    the reply; Willow comments on the page and withdraws it; the team answers her first
    comment. Willow rates 3.1 twice; Rowan, by phone, is unable to rate 3.2. After the
    round closes Willow changes her comment and her rating again: both kept, late."""
    first = post(shared_round, service_user, "One plan.", block_id=item_ids[0], quote="one")
    comment_edit(comment=first, member=service_user, body="One plan would help.", quote="one")
    reply = post(shared_round, professional, "I agree with this.", parent=first)
    comment_hide(comment=reply, by=editor, reason="It names a service.")
    page_comment = post(shared_round, service_user, "About the whole page.")
    comment_withdraw(comment=page_comment, member=service_user)
    comment_answer(
        comment=first, by=editor, status=AnswerStatus.ACCEPTED, response="We will say so."
    )
    rate(shared_round, service_user, item_ids[0], score=8, reason="It matters.")
    rate(shared_round, service_user, item_ids[0], score=9, reason="It matters a lot.")
    rate(
        shared_round,
        professional,
        item_ids[1],
        abstention=Abstention.UNABLE,
        entered=EnteredForHer(by=editor, via=EnteredVia.PHONE),
    )
    close_round(shared_round)
    first.refresh_from_db()
    comment_edit(comment=first, member=service_user, body="Too late now.", quote="one")
    rate(shared_round, service_user, item_ids[0], score=2)
    # A known time, in summer, to check the UTC conversion by hand.
    CommentVersion.objects.filter(comment=first).update(
        created_at=datetime(2026, 6, 2, 10, 30, tzinfo=LONDON)
    )
    return shared_round


# The comments dataset ---------------------------------------------------------------------


COMMENT_HEADINGS = [
    "Comment id",
    "Reply to comment",
    "Member",
    "Constituency",
    "Study site",
    "Nation",
    "Member withdrawn",
    "Round id",
    "Round",
    "Page",
    "Page id",
    "Item",
    "Item block id",
    "Item words",
    "Pinned revision",
    "Version",
    "Version made",
    "Current version",
    "Version late",
    "Entered for her after",
    "Quote",
    "Comment",
    "Comment made",
    "Comment changed",
    "Comment withdrawn",
    "Comment late",
    "Moderation state",
    "Why hidden",
    "Answer",
    "Response",
    "Answered",
]


def test_comments_export_has_a_row_for_each_version_with_its_comments_facts(
    editor_client, small_round, section, item_ids
):
    rows = csv_rows(download(editor_client, small_round))

    first, reply, page_comment = Comment.objects.order_by("pk")
    assert list(rows[0]) == COMMENT_HEADINGS
    assert columns(
        rows,
        "Comment id",
        "Reply to comment",
        "Member",
        "Constituency",
        "Page",
        "Item",
        "Item block id",
        "Version",
        "Current version",
        "Version late",
        "Quote",
        "Comment",
    ) == [
        (str(first.pk), "", "Willow", "Service user", "Working together", "3.1", item_ids[0],
         "Made", "No", "No", "one", "One plan."),
        (str(first.pk), "", "Willow", "Service user", "Working together", "3.1", item_ids[0],
         "Changed", "Yes", "No", "one", "One plan would help."),
        (str(first.pk), "", "Willow", "Service user", "Working together", "3.1", item_ids[0],
         "Changed", "No", "Yes", "one", "Too late now."),
        (str(reply.pk), str(first.pk), "Rowan", "Professional", "Working together", "3.1",
         item_ids[0], "Made", "Yes", "No", "", "I agree with this."),
        (str(page_comment.pk), "", "Willow", "Service user", "Working together", "", "",
         "Made", "No", "No", "", "About the whole page."),
        (str(page_comment.pk), "", "Willow", "Service user", "Working together", "", "",
         "Withdrawn", "Yes", "No", "", "About the whole page."),
    ]  # fmt: skip
    assert columns(
        rows, "Moderation state", "Why hidden", "Answer", "Response", "Comment late"
    ) == [
        ("Shown", "", "Accepted", "We will say so.", "No"),
        ("Shown", "", "Accepted", "We will say so.", "No"),
        ("Shown", "", "Accepted", "We will say so.", "No"),
        ("Hidden by the research team", "It names a service.", "", "", "No"),
        ("Withdrawn by the member", "", "", "", "No"),
        ("Withdrawn by the member", "", "", "", "No"),
    ]
    assert {row["Page id"] for row in rows} == {str(section.pk)}
    assert {(row["Round id"], row["Round"]) for row in rows} == {
        (str(small_round.pk), small_round.title)
    }
    assert [row["Item words"] for row in rows] == [STATEMENTS[0]] * 4 + [""] * 2
    assert {row["Pinned revision"] for row in rows} == {
        str(small_round.round_pages.get().revision_id)
    }
    # 10:30 in London in June is 09:30 UTC.
    assert rows[0]["Version made"] == "2026-06-02T09:30:00+00:00"
    assert rows[0]["Comment changed"] == first.edited_at.astimezone(ZoneInfo("UTC")).isoformat(
        timespec="seconds"
    )
    assert rows[4]["Comment withdrawn"].endswith("+00:00")
    assert rows[3]["Comment withdrawn"] == ""
    assert rows[0]["Answered"].endswith("+00:00")
    assert [row["Entered for her after"] for row in rows] == [""] * 6


# The ratings dataset ------------------------------------------------------------------------


def test_ratings_export_has_each_rating_with_its_versions(editor_client, small_round, item_ids):
    rows = csv_rows(download(editor_client, small_round, dataset="ratings"))

    willow, rowan = Rating.objects.order_by("pk")
    assert list(rows[0]) == [
        "Rating id",
        "Member",
        "Constituency",
        "Study site",
        "Nation",
        "Member withdrawn",
        "Round id",
        "Round",
        "Page",
        "Page id",
        "Item",
        "Item block id",
        "Item words",
        "Pinned revision",
        "Version",
        "Version made",
        "Current version",
        "Version late",
        "Entered for her after",
        "Score",
        "Not scored",
        "Reason",
        "Rating first given",
        "Rating late",
    ]
    assert columns(
        rows,
        "Rating id",
        "Member",
        "Item",
        "Version",
        "Current version",
        "Version late",
        "Entered for her after",
        "Score",
        "Not scored",
        "Reason",
        "Rating late",
    ) == [
        (str(willow.pk), "Willow", "3.1", "Made", "No", "No", "", "8", "", "It matters.", "No"),
        (str(willow.pk), "Willow", "3.1", "Changed", "Yes", "No", "", "9", "",
         "It matters a lot.", "No"),
        (str(willow.pk), "Willow", "3.1", "Changed", "No", "Yes", "", "2", "", "", "No"),
        (str(rowan.pk), "Rowan", "3.2", "Made", "Yes", "No", "Phone call", "",
         "I'm unable to rate this", "", "No"),
    ]  # fmt: skip
    assert {row["Item block id"] for row in rows[:3]} == {item_ids[0]}
    assert rows[0]["Rating first given"] == willow.created_at.astimezone(
        ZoneInfo("UTC")
    ).isoformat(timespec="seconds")


def test_a_rating_first_given_late_is_current_in_its_first_version(
    editor_client, shared_round, service_user, item_ids, close_round
):
    close_round(shared_round)
    rate(shared_round, service_user, item_ids[0], score=4)
    rate(shared_round, service_user, item_ids[0], score=6)

    rows = csv_rows(download(editor_client, shared_round, dataset="ratings"))

    assert columns(rows, "Score", "Current version", "Version late", "Rating late") == [
        ("4", "Yes", "Yes", "Yes"),
        ("6", "No", "Yes", "Yes"),
    ]


def test_an_export_holds_only_its_own_round(
    editor_client, shared_round, section, service_user, item_ids
):
    other = RoundFactory()
    RoundPageFactory(round=other, page=section)
    post(other, service_user, "In another round.")
    post(shared_round, service_user, "In this round.")

    rows = csv_rows(download(editor_client, shared_round))

    assert [row["Comment"] for row in rows] == ["In this round."]


# How members are named --------------------------------------------------------------------


def test_members_are_named_by_study_id_when_chosen(editor_client, small_round, service_user):
    rows = csv_rows(download(editor_client, small_round, identity="study_id"))

    assert "Member" not in rows[0]
    assert rows[0]["Study id"] == f"P{service_user.pk:05d}"
    assert "Willow" not in str(rows)


def test_a_study_id_is_the_same_in_every_round_and_dataset(
    editor_client, small_round, section, service_user, item_ids
):
    later = RoundFactory()
    RoundPageFactory(round=later, page=section)
    post(later, service_user, "In the next round.")

    exports = [(small_round, "comments"), (small_round, "ratings"), (later, "comments")]
    ids = {
        row["Study id"]
        for round, dataset in exports
        for row in csv_rows(download(editor_client, round, dataset=dataset, identity="study_id"))
        if row["Constituency"] == "Service user"
    }

    assert ids == {f"P{service_user.pk:05d}"}


@pytest.mark.parametrize("identity", ["pseudonym", "study_id"])
@pytest.mark.parametrize("dataset", ["comments", "ratings"])
def test_the_default_exports_name_no_one(
    editor_client, small_round, service_user, identity, dataset
):
    service_user.study_site = study_site("Northfield Hospital", "scotland")
    service_user.save()
    user = service_user.user
    user.first_name, user.last_name, user.email = "Amelia", "Quist", "amelia.quist@example.org"
    user.save()

    response = download(editor_client, small_round, dataset=dataset, identity=identity)
    text = b"".join(response.streaming_content).decode()

    assert "Willow" in text or f"P{service_user.pk:05d}" in text
    for identifying in ("Amelia", "Quist", "amelia.quist"):
        assert identifying not in text
    # The site and its nation are for the study's analysis, as the issue asks.
    assert "Northfield Hospital,Scotland" in text


def test_the_export_with_real_names_adds_name_email_and_site(
    coordinator_client, small_round, service_user
):
    user = service_user.user
    user.first_name, user.last_name, user.email = "Amelia", "Quist", "amelia.quist@example.org"
    user.save()

    rows = csv_rows(download(coordinator_client, small_round, identity="real_names"))

    assert columns(
        rows[:1], "Study id", "Pseudonym", "Real name", "Email address", "Study site"
    ) == [
        (f"P{service_user.pk:05d}", "Willow", "Amelia Quist", "amelia.quist@example.org", "Site A")
    ]


# Who may export, and the audit log --------------------------------------------------------


def test_real_names_are_offered_only_with_the_identity_permission(
    client, editor, coordinator, small_round
):
    client.force_login(editor)
    without = client.get(export_url(small_round)).content.decode()
    client.force_login(coordinator)
    with_permission = client.get(export_url(small_round)).content.decode()

    assert 'value="study_id"' in without
    assert 'value="real_names"' not in without
    assert 'value="real_names"' in with_permission


def test_a_crafted_request_for_real_names_is_refused_and_logs_nothing(editor_client, small_round):
    for format in ("csv", "xlsx"):
        response = download(editor_client, small_round, format=format, identity="real_names")
        assert response.status_code == 403
    assert not ModelLogEntry.objects.filter(action__in=[EXPORT, VIEW_IDENTITY]).exists()


def test_an_editor_who_may_not_read_comments_cannot_export(client, small_round):
    coordinator_only = UserFactory()
    coordinator_only.groups.add(Group.objects.get(name="Member coordinators"))
    client.force_login(coordinator_only)

    # Wagtail's refusal: back to the admin's home, with a message.
    assert client.get(export_url(small_round))["Location"] == reverse("wagtailadmin_home")
    assert download(client, small_round)["Location"] == reverse("wagtailadmin_home")
    assert not ModelLogEntry.objects.filter(action__in=[EXPORT, VIEW_IDENTITY]).exists()


def test_a_default_export_writes_the_export_entry_alone(editor_client, editor, small_round):
    response = download(editor_client, small_round, dataset="ratings", format="xlsx")
    assert response.status_code == 200

    (entry,) = ModelLogEntry.objects.filter(action=EXPORT)
    assert entry.user == editor
    assert entry.label == f"round-{small_round.pk}-ratings-{timezone.localdate().isoformat()}.xlsx"
    assert entry.data == {"path": export_url(small_round)}
    assert not ModelLogEntry.objects.filter(action=VIEW_IDENTITY).exists()


def test_an_export_with_real_names_is_logged_as_carrying_identities(
    coordinator_client, coordinator, small_round, service_user, professional
):
    response = download(coordinator_client, small_round, identity="real_names")
    b"".join(response.streaming_content)

    filename = f"round-{small_round.pk}-comments-identities-{timezone.localdate().isoformat()}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    (export,) = ModelLogEntry.objects.filter(action=EXPORT)
    assert export.user == coordinator
    assert export.label == filename
    assert export.data == {"path": export_url(small_round), "identities": True}
    (looked,) = ModelLogEntry.objects.filter(action=VIEW_IDENTITY)
    assert looked.user == coordinator
    assert looked.label == filename
    assert sorted(looked.data["shown"], key=lambda shown: shown["id"]) == [
        {"model": "consultations.member", "id": service_user.pk, "pseudonym": "Willow"},
        {"model": "consultations.member", "id": professional.pk, "pseudonym": "Rowan"},
    ]
    # Nothing in the log names her.
    assert service_user.user.email not in str(looked.data)


@pytest.mark.parametrize(
    ("dataset", "format", "identity", "named"),
    [
        ("comments", "csv", "pseudonym", "comments"),
        ("ratings", "xlsx", "pseudonym", "ratings"),
        ("comments", "xlsx", "study_id", "comments-study-ids"),
    ],
)
def test_file_names_say_the_round_the_dataset_and_the_day(
    editor_client, small_round, dataset, format, identity, named
):
    response = download(editor_client, small_round, dataset, format, identity)

    day = timezone.localdate().isoformat()
    assert (
        f'filename="round-{small_round.pk}-{named}-{day}.{format}"'
        in response["Content-Disposition"]
    )


# The export page --------------------------------------------------------------------------


def test_the_export_page_is_a_get_form_that_needs_no_token(editor_client, small_round):
    response = editor_client.get(export_url(small_round))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{export_url(small_round)}" method="get"' in html
    assert "csrfmiddlewaretoken" not in html.split('method="get"')[1].split("</form>")[0]


def test_a_wrong_value_shows_the_form_again(editor_client, small_round):
    response = download(editor_client, small_round, dataset="everything")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Select a valid choice" in response.content.decode()


def test_the_round_listing_and_inspect_page_link_to_the_export(editor_client, small_round):
    listing = editor_client.get(reverse("rounds:index")).content.decode()
    inspect = editor_client.get(reverse("rounds:inspect", args=[small_round.pk])).content.decode()

    assert export_url(small_round) in listing
    assert export_url(small_round) in inspect


# Streaming, the workbook, and queries -----------------------------------------------------


def test_csv_is_streamed(editor_client, small_round):
    response = download(editor_client, small_round)

    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(csv_rows(response)) == 6


@pytest.mark.parametrize("dataset", ["comments", "ratings"])
def test_the_workbook_has_the_same_rows_as_the_csv(editor_client, small_round, dataset):
    table = csv_rows(download(editor_client, small_round, dataset=dataset))
    workbook = download(editor_client, small_round, dataset=dataset, format="xlsx")

    assert workbook["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    headings, *rows = xlsx_rows(workbook)
    assert headings == list(table[0])
    assert len(rows) == len(table)
    for row, expected in zip(rows, table, strict=True):
        for heading, value in zip(headings, row, strict=True):
            if isinstance(value, datetime):
                # A date in Excel: the same moment, in UTC.
                assert value.isoformat(timespec="seconds") + "+00:00" == expected[heading]
            else:
                assert ("" if value is None else str(value)) == expected[heading]


def many_ratings(round, item_ids, count: int) -> None:
    """``count`` members, each rating every item, each rating changed once."""
    for _ in range(count):
        member = MemberFactory()
        for block_id in item_ids:
            rate(round, member, block_id, score=5)
            rate(round, member, block_id, score=6)


def queries_for(client, round, dataset, format) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = download(client, round, dataset=dataset, format=format)
        content = b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries), len(content)


@pytest.mark.parametrize("format", ["csv", "xlsx"])
@pytest.mark.parametrize("dataset", ["comments", "ratings"])
def test_the_number_of_queries_does_not_grow_with_the_rows(
    editor_client, shared_round, item_ids, dataset, format
):
    many_ratings(shared_round, item_ids, 2)
    for member in [MemberFactory() for _ in range(2)]:
        post(shared_round, member, "A comment.", block_id=item_ids[0])
    fewer, small = queries_for(editor_client, shared_round, dataset, format)

    many_ratings(shared_round, item_ids, 6)
    for member in [MemberFactory() for _ in range(6)]:
        first = post(shared_round, member, "A comment.", block_id=item_ids[1])
        post(shared_round, member, "A reply.", parent=first)
    more, large = queries_for(editor_client, shared_round, dataset, format)

    assert large > small
    assert more == fewer


def versions_add(round, member, item_ids, count: int) -> None:
    """``count`` more versions of her ratings, written at once as a seeding script would."""
    ratings = [rate(round, member, block_id, score=5).rating for block_id in item_ids]
    RatingVersion.objects.bulk_create(
        RatingVersion(
            rating=ratings[number % len(ratings)],
            kind=VersionKind.EDITED,
            score=1 + number % 9,
            reason=f"Reason number {number}, long enough to weigh something in memory.",
        )
        for number in range(count)
    )


def peak_bytes_of_export(client, round, format) -> tuple[int, int]:
    """The most memory the Python heap held above its level before the export, while the
    whole file was made and sent; and the file's size."""
    tracemalloc.start()
    try:
        response = download(client, round, dataset="ratings", format=format)
        size = sum(len(chunk) for chunk in response.streaming_content)
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("format", ["csv", "xlsx"])
def test_an_export_holds_one_chunk_of_rows_in_memory_however_many_there_are(
    editor_client, shared_round, service_user, item_ids, monkeypatch, format
):
    # Small chunks, so that the test's few thousand rows are many chunks.
    monkeypatch.setattr(exports, "CHUNK_ROWS", 100)
    versions_add(shared_round, service_user, item_ids, 400)
    # Caches what any export reads.
    b"".join(download(editor_client, shared_round, "ratings", format).streaming_content)
    few, small_file = peak_bytes_of_export(editor_client, shared_round, format)

    versions_add(shared_round, service_user, item_ids, 3600)
    many, large_file = peak_bytes_of_export(editor_client, shared_round, format)

    # Ten times the rows: the file is nearly ten times larger (a workbook's fixed parts are
    # not repeated), its peak in memory the same chunk's. Reading every row at once would
    # hold thousands of versions with their ratings and members, several times the small
    # export's peak.
    assert large_file > 8 * small_file
    assert many < 1.5 * few


def test_the_workbook_is_sent_while_its_rows_are_read(
    editor_client, shared_round, service_user, item_ids, monkeypatch
):
    monkeypatch.setattr(exports, "CHUNK_ROWS", 100)
    versions_add(shared_round, service_user, item_ids, 3000)
    read = 0
    rows = exports.RoundExport.rows

    def counted(export):
        nonlocal read
        for row in rows(export):
            read += 1
            yield row

    monkeypatch.setattr(exports.RoundExport, "rows", counted)
    response = download(editor_client, shared_round, dataset="ratings", format="xlsx")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"].startswith('attachment; filename="round-')

    chunks, read_when_sent = [], []
    for chunk in response.streaming_content:
        chunks.append(chunk)
        read_when_sent.append(read)

    # Pieces of the file leave while the rows are read, not all after the last of them.
    assert read > 3000
    assert len([count for count in read_when_sent if 0 < count < read]) >= 5
    assert len(xlsx_rows_of(b"".join(chunks))) == read + 1


def test_the_streamed_workbook_is_a_whole_xlsx_file(
    editor_client, small_round, tmp_path, service_user
):
    CommentVersion.objects.filter(comment__author=service_user).update(
        body="  Spaces kept & <tags> shown as text  "
    )
    content = b"".join(download(editor_client, small_round, format="xlsx").streaming_content)
    path = tmp_path / "comments.xlsx"
    path.write_bytes(content)

    # The zip archive is whole, each entry's checksum right, as a spreadsheet reads it.
    checked = subprocess.run(
        [sys.executable, "-m", "zipfile", "-t", str(path)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
    assert zipfile.ZipFile(path).namelist() == [
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/worksheets/sheet1.xml",
    ]
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Comments"]
    sheet = workbook.active
    headings = [cell.value for cell in sheet[1]]
    made = sheet.cell(row=2, column=headings.index("Version made") + 1)
    assert made.is_date
    assert made.number_format == "dd/mm/yyyy h:mm AM/PM"
    assert isinstance(made.value, datetime)
    comment_id = sheet.cell(row=2, column=headings.index("Comment id") + 1)
    assert (comment_id.data_type, type(comment_id.value)) == ("n", int)
    bodies = [row[headings.index("Comment")] for row in xlsx_rows_of(content)[1:]]
    assert "  Spaces kept & <tags> shown as text  " in bodies


# Withdrawn members ------------------------------------------------------------------------


def test_a_member_who_withdrew_with_deletion_has_no_rows(editor_client, small_round, service_user):
    member_withdraw(member=service_user, choice=Withdrawal.DELETED)

    comments = csv_rows(download(editor_client, small_round))
    ratings = csv_rows(download(editor_client, small_round, dataset="ratings"))

    # Her first comment stays as an empty placeholder under Rowan's reply: not a row.
    assert Comment.objects.filter(author=service_user).exists()
    assert columns(comments, "Member", "Comment", "Reply to comment") == [
        ("Rowan", "I agree with this.", str(Comment.objects.get(author=service_user).pk))
    ]
    assert columns(ratings, "Member") == [("Rowan",)]


def test_a_member_who_withdrew_keeping_her_words_appears_without_a_name(
    coordinator_client, small_round, service_user
):
    member_withdraw(member=service_user, choice=Withdrawal.ANONYMISED)
    label = f"Withdrawn member {service_user.pk}"

    pseudonymous = csv_rows(download(coordinator_client, small_round))
    named = csv_rows(download(coordinator_client, small_round, identity="real_names"))

    assert columns(pseudonymous, "Member", "Member withdrawn")[0] == (label, "Yes")
    assert columns(named, "Pseudonym", "Real name", "Email address", "Study site")[0] == (
        label,
        "",
        "",
        "",
    )
    assert columns(pseudonymous, "Study site", "Nation")[0] == ("", "")
    assert columns(named, "Study id")[0] == (f"P{service_user.pk:05d}",)


# Formula injection ------------------------------------------------------------------------


FORMULAS = ['=HYPERLINK("http://x","y")', "+44 7700 900000", "-1+1", "@SUM(A1)"]


@pytest.mark.parametrize("body", FORMULAS)
def test_text_a_spreadsheet_would_run_is_neutralised(
    editor_client, shared_round, service_user, body
):
    post(shared_round, service_user, body, quote="=1+1")

    (row,) = csv_rows(download(editor_client, shared_round))
    headings, cells = xlsx_rows(download(editor_client, shared_round, format="xlsx"))

    # CSV has no types: an apostrophe makes a spreadsheet show the cell as text. The
    # workbook keeps her words as she wrote them, in cells marked as text.
    assert row["Comment"] == f"'{body}"
    assert row["Quote"] == "'=1+1"
    assert cells[headings.index("Comment")] == body
    assert cells[headings.index("Quote")] == "=1+1"


def test_the_workbook_holds_no_formula_and_no_control_character(
    editor_client, shared_round, service_user
):
    comment = post(shared_round, service_user, "=1+1")
    Comment.objects.filter(pk=comment.pk).update(body="A bell\x07 rang")
    CommentVersion.objects.filter(comment=comment).update(body="=2+2 and a bell\x07")

    response = download(editor_client, shared_round, format="xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active

    types = {cell.data_type for row in sheet.iter_rows() for cell in row}
    assert "f" not in types
    comment_column = [cell.value for cell in sheet[1]].index("Comment")
    cell = sheet.cell(row=2, column=comment_column + 1)
    assert (cell.value, cell.data_type) == ("=2+2 and a bell", "s")
