import csv
import io
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from wagtail.models import PageLogEntry, Revision

import pytest

from evidence.forms import EVIDENCE_IMPORT_COLUMNS, EvidenceImportForm
from evidence.models import EvidenceSummaryPage
from evidence.services import EvidenceImportFileError, evidence_import
from tests.factories import (
    PASSWORD,
    EvidenceIndexPageFactory,
    EvidenceSummaryPageFactory,
    UserFactory,
)

EXAMPLE_FILE = Path(settings.BASE_DIR) / "docs" / "evidence-import-example.csv"
IMPORT_URL = "/admin/evidence/import/"

ROW = {
    "source_id": "S001",
    "title": "Stigma in antenatal care",
    "kind": "Research study",
    "nation": "Scotland",
    "year": "2019",
    "authors": "Reid A, Campbell S",
    "source_title": "Being judged: antenatal care when using drugs",
    "publisher": "Journal of Example Midwifery",
    "doi": "10.5555/jem.2019.1",
    "source_url": "",
    "themes": "stigma; Mental health",
    "lay_summary": "Women said they felt judged.",
    "technical_summary": "Interviews with 24 women.\nAnalysed thematically.",
    "implications_for_care": "Keep the same midwife.",
    "key_findings": "Women felt judged | Some missed appointments",
}


def row(**changes: str) -> dict[str, str]:
    return {**ROW, **changes}


def csv_bytes(*rows: dict[str, str], columns=EVIDENCE_IMPORT_COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def run_import(index_page, *rows, user=None, dry_run=False, columns=EVIDENCE_IMPORT_COLUMNS):
    return evidence_import(
        csv_file=io.BytesIO(csv_bytes(*rows, columns=columns)),
        index_page=index_page,
        user=user,
        dry_run=dry_run,
    )


def latest(source_id: str) -> EvidenceSummaryPage:
    return EvidenceSummaryPage.objects.get(source_id=source_id).get_latest_revision_as_object()


@pytest.fixture
def evidence_index(home_page):
    return EvidenceIndexPageFactory(parent=home_page)


# The service


def test_example_file_imports_as_draft_summaries_under_the_index(evidence_index, editor):
    with EXAMPLE_FILE.open("rb") as csv_file:
        report = evidence_import(
            csv_file=csv_file, index_page=evidence_index, user=editor, dry_run=False
        )

    assert report.errors == []
    assert [summary.page.source_id for summary in report.created] == ["G901", "S901", "P901"]
    pages = EvidenceSummaryPage.objects.child_of(evidence_index)
    assert pages.count() == 3
    for page in pages:
        assert not page.live
        assert page.has_unpublished_changes
        assert page.owner == editor
        assert page.latest_revision.user == editor
        actions = set(PageLogEntry.objects.filter(page=page).values_list("action", flat=True))
        assert {"wagtail.create", "wagtail.edit"} <= actions


def test_imported_summary_has_every_field_with_its_themes_and_findings(evidence_index):
    run_import(evidence_index, row())

    page = EvidenceSummaryPage.objects.get(source_id="S001")
    assert page.title == "Stigma in antenatal care"
    assert page.slug == "stigma-in-antenatal-care"
    assert (page.kind, page.nation, page.year) == ("research", "scotland", 2019)
    assert page.authors == "Reid A, Campbell S"
    assert page.source_title == "Being judged: antenatal care when using drugs"
    assert page.publisher == "Journal of Example Midwifery"
    assert (page.doi, page.source_url) == ("10.5555/jem.2019.1", "")
    assert sorted(page.themes.values_list("slug", flat=True)) == ["mental-health", "stigma"]
    assert page.lay_summary == "Women said they felt judged."
    assert (
        page.technical_summary == "<p>Interviews with 24 women.</p><p>Analysed thematically.</p>"
    )
    assert page.implications_for_care == "<p>Keep the same midwife.</p>"
    assert [block.value["finding"] for block in page.key_findings] == [
        "Women felt judged",
        "Some missed appointments",
    ]
    assert page.latest_revision.user is None


def test_key_findings_may_each_be_on_their_own_line(evidence_index):
    run_import(evidence_index, row(key_findings="Women felt judged\n\nSome missed appointments\n"))

    findings = [block.value["finding"] for block in latest("S001").key_findings]
    assert findings == ["Women felt judged", "Some missed appointments"]


@pytest.mark.parametrize(
    ("kind", "nation"),
    [
        ("research", "scotland"),
        ("RESEARCH STUDY", "SCOTLAND"),
        ("  Research study ", "Scotland"),
    ],
)
def test_kind_and_nation_are_matched_by_value_or_label_in_any_case(evidence_index, kind, nation):
    report = run_import(evidence_index, row(kind=kind, nation=nation))

    assert report.errors == []
    page = latest("S001")
    assert (page.kind, page.nation) == ("research", "scotland")


def test_importing_the_same_file_again_changes_nothing(evidence_index, editor):
    rows = [row(), row(source_id="S002", title="Another study", themes="")]
    run_import(evidence_index, *rows, user=editor)
    revisions, log_entries = Revision.objects.count(), PageLogEntry.objects.count()

    report = run_import(evidence_index, *rows, user=editor)

    assert [summary.row for summary in report.unchanged] == [2, 3]
    assert (report.created, report.updated, report.errors) == ([], [], [])
    assert EvidenceSummaryPage.objects.count() == 2
    assert Revision.objects.count() == revisions
    assert PageLogEntry.objects.count() == log_entries


def test_changed_row_saves_a_new_draft_revision_and_leaves_the_live_page_alone(
    evidence_index, editor
):
    run_import(evidence_index, row())
    page = EvidenceSummaryPage.objects.get(source_id="S001")
    page.latest_revision.publish()

    report = run_import(
        evidence_index, row(lay_summary="Women felt judged by staff."), user=editor
    )

    assert [summary.page.pk for summary in report.updated] == [page.pk]
    page.refresh_from_db()
    assert page.live
    assert page.lay_summary == "Women said they felt judged."
    assert page.has_unpublished_changes
    assert page.revisions.count() == 2
    assert page.latest_revision.user == editor
    assert latest("S001").lay_summary == "Women felt judged by staff."
    assert PageLogEntry.objects.filter(page=page, action="wagtail.edit", user=editor).exists()
    assert not PageLogEntry.objects.filter(action="wagtail.publish", user=editor).exists()


def test_summary_is_matched_on_source_id_whatever_its_title(evidence_index):
    existing = EvidenceSummaryPageFactory(parent=evidence_index, source_id="S001")

    report = run_import(evidence_index, row())

    assert [summary.page.pk for summary in report.updated] == [existing.pk]
    assert EvidenceSummaryPage.objects.count() == 1
    assert latest("S001").title == "Stigma in antenatal care"


def test_an_import_keeps_formatting_and_finding_details_added_in_wagtail(evidence_index):
    run_import(evidence_index, row())
    page = latest("S001")
    page.technical_summary = "<p>Interviews with <b>24</b> women.</p><p>Analysed thematically.</p>"
    first_finding = page.key_findings.raw_data[0]
    first_finding["value"]["detail"] = "<p>At all three sites.</p>"
    page.key_findings = [first_finding, *list(page.key_findings.raw_data)[1:]]
    page.save_revision()

    unchanged = run_import(evidence_index, row())
    changed = run_import(evidence_index, row(key_findings="Women felt judged | A new finding"))

    assert len(unchanged.unchanged) == 1
    assert len(changed.updated) == 1
    page = latest("S001")
    assert "<b>24</b>" in page.technical_summary
    assert page.key_findings[0].id == first_finding["id"]
    assert page.key_findings[0].value["detail"].source == "<p>At all three sites.</p>"
    assert page.key_findings[1].value["finding"] == "A new finding"


def test_a_finding_given_twice_becomes_two_blocks_with_their_own_ids(evidence_index):
    run_import(evidence_index, row(key_findings="Women felt judged"))

    run_import(evidence_index, row(key_findings="Women felt judged | Women felt judged"))

    assert len({block.id for block in latest("S001").key_findings}) == 2


def test_a_file_without_the_optional_columns_leaves_themes_and_findings_alone(evidence_index):
    run_import(evidence_index, row())
    columns = [c for c in EVIDENCE_IMPORT_COLUMNS if c not in ("themes", "key_findings")]

    report = run_import(evidence_index, row(title="Stigma, retitled"), columns=columns)

    assert len(report.updated) == 1
    page = latest("S001")
    assert page.title == "Stigma, retitled"
    assert {theme.slug for theme in page.themes.all()} == {"stigma", "mental-health"}
    assert len(page.key_findings) == 2


def test_dry_run_saves_nothing_and_reports_what_a_real_run_would(evidence_index, editor):
    run_import(evidence_index, row(), row(source_id="S002", title="Unchanged study"))
    rows = [
        row(lay_summary="Changed."),
        row(source_id="S002", title="Unchanged study"),
        row(source_id="S003", title="A new study"),
        row(source_id="S004", title="A bad row", year="soon"),
    ]
    counts = (EvidenceSummaryPage.objects.count(), Revision.objects.count())
    log_entries = PageLogEntry.objects.count()

    dry = run_import(evidence_index, *rows, user=editor, dry_run=True)

    assert (EvidenceSummaryPage.objects.count(), Revision.objects.count()) == counts
    assert PageLogEntry.objects.count() == log_entries
    assert latest("S001").lay_summary == "Women said they felt judged."
    real = run_import(evidence_index, *rows, user=editor)
    for outcome in ("created", "updated", "unchanged"):
        dry_rows = [(s.row, s.page.source_id) for s in getattr(dry, outcome)]
        assert dry_rows == [(s.row, s.page.source_id) for s in getattr(real, outcome)]
    assert dry.errors == real.errors
    assert dry.summary == "1 would be created, 1 would be updated, 1 unchanged, 1 row with errors."
    assert real.summary == "1 created, 1 updated, 1 unchanged, 1 row with errors."


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"year": "twenty"}, "year", "Enter a whole number."),
        ({"year": "1850"}, "year", "Ensure this value is greater than or equal to 1900."),
        ({"kind": "Review"}, "kind", "“Review” is not one of: Clinical guideline, Research"),
        ({"nation": "Wales"}, "nation", "“Wales” is not one of: England, Scotland"),
        ({"themes": "stigma; Housing"}, "themes", "There is no theme “Housing”."),
        ({"title": ""}, "title", "This field is required."),
        ({"authors": ""}, "authors", "This field is required."),
        ({"technical_summary": " "}, "technical_summary", "This field is required."),
        ({"doi": "https://doi.org/10.1/x"}, "doi", "Enter a DOI such as 10.1136/bmj.k1234"),
        ({"doi": "", "source_url": ""}, "source_url", "Give the source's DOI or a URL"),
        ({"source_url": "not a web address"}, "source_url", "Enter a valid URL."),
    ],
)
def test_bad_row_is_reported_by_row_and_column_and_good_rows_still_import(
    evidence_index, changes, column, message
):
    report = run_import(
        evidence_index,
        row(),
        row(source_id="S002", **changes),
        row(source_id="S003", title="Good row"),
    )

    assert [(error.row, error.column) for error in report.errors] == [(3, column)]
    assert str(report.errors[0]).startswith(f"Row 3, column {column}: {message}")
    assert [summary.row for summary in report.created] == [2, 4]
    assert set(EvidenceSummaryPage.objects.values_list("source_id", flat=True)) == {
        "S001",
        "S003",
    }


def test_every_bad_column_of_a_row_is_reported(evidence_index):
    report = run_import(evidence_index, row(year="soon", kind="Review", themes="Housing"))

    assert [(error.row, error.column) for error in report.errors] == [
        (2, "kind"),
        (2, "year"),
        (2, "themes"),
    ]


def test_a_source_on_two_rows_is_reported_on_the_second(evidence_index):
    report = run_import(evidence_index, row(), row(title="The same source again"))

    assert len(report.created) == 1
    assert [str(error) for error in report.errors] == [
        "Row 3, column source_id: S001 is also on row 2; each source has one row."
    ]


def test_rows_are_numbered_as_the_spreadsheet_numbers_them(evidence_index):
    data = csv_bytes(row(technical_summary="Two\nlines"), row(source_id="S002", year="x"))
    data = data.replace(b"\r\nS002", b"\r\n,,,\r\nS002")  # a blank row between them

    report = evidence_import(
        csv_file=io.BytesIO(data), index_page=evidence_index, user=None, dry_run=True
    )

    assert [(error.row, error.column) for error in report.errors] == [(4, "year")]


def test_a_file_with_a_byte_order_mark_and_unknown_columns_imports(evidence_index):
    columns = [*EVIDENCE_IMPORT_COLUMNS, "Notes"]
    data = "\ufeff".encode() + csv_bytes(row(Notes="Checked by AB"), columns=columns)

    report = evidence_import(
        csv_file=io.BytesIO(data), index_page=evidence_index, user=None, dry_run=False
    )

    assert len(report.created) == 1
    assert report.ignored_columns == ["notes"]


def test_column_names_may_be_written_as_words(evidence_index):
    data = (
        csv_bytes(row())
        .replace(b"source_id", b"Source ID")
        .replace(b"lay_summary", b"Lay summary")
    )

    report = evidence_import(
        csv_file=io.BytesIO(data), index_page=evidence_index, user=None, dry_run=False
    )

    assert len(report.created) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\r\n,,\r\n", "The file is empty."),
        ("source_id,title\r\nS1,Café".encode("cp1252"), "The file is not UTF-8 text."),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xe5", "The file is not UTF-8 text."),
        (b"source_id,title\r\nS001,A study\r\n", "it has no kind, nation, year, authors"),
        (csv_bytes(), "The file has column names but no rows of evidence."),
        (b"year," + csv_bytes(row()), "The first row names year twice."),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_whole(evidence_index, data, message):
    with pytest.raises(EvidenceImportFileError, match=message):
        evidence_import(
            csv_file=io.BytesIO(data), index_page=evidence_index, user=None, dry_run=False
        )


def test_a_user_who_may_not_edit_a_matched_summary_gets_an_error_for_its_row(evidence_index):
    other = EvidenceSummaryPageFactory(parent=evidence_index, source_id="S001")
    author = UserFactory()
    group = author.groups.create(name="Evidence authors")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    evidence_index.group_permissions.create(group=group, permission_type="add")

    report = run_import(evidence_index, row(), row(source_id="S002"), user=author)

    assert [str(error) for error in report.errors] == [
        f"Row 2, column source_id: “{other.title}” has this identifier, and you may not edit it."
    ]
    assert [summary.page.source_id for summary in report.created] == ["S002"]


def test_a_user_who_may_not_add_summaries_under_the_index_cannot_import(evidence_index):
    with pytest.raises(PermissionDenied):
        run_import(evidence_index, row(), user=UserFactory())

    assert not EvidenceSummaryPage.objects.exists()


# The management command


def write_csv(tmp_path: Path, *rows: dict[str, str]) -> Path:
    path = tmp_path / "extraction.csv"
    path.write_bytes(csv_bytes(*rows))
    return path


def test_command_imports_the_file_and_reports_what_it_did(evidence_index, tmp_path):
    out = io.StringIO()

    call_command("import_evidence", str(write_csv(tmp_path, row())), stdout=out)

    assert "Created: S001 “Stigma in antenatal care” (row 2)" in out.getvalue()
    assert "1 created, 0 updated, 0 unchanged." in out.getvalue()
    assert EvidenceSummaryPage.objects.get(source_id="S001").latest_revision.user is None


def test_command_dry_run_saves_nothing(evidence_index, tmp_path):
    out = io.StringIO()

    call_command("import_evidence", str(write_csv(tmp_path, row())), "--dry-run", stdout=out)

    assert "Dry run: nothing has been saved." in out.getvalue()
    assert "1 would be created" in out.getvalue()
    assert not EvidenceSummaryPage.objects.exists()


def test_command_fails_when_a_row_fails_but_imports_the_good_rows(evidence_index, tmp_path):
    path = write_csv(tmp_path, row(), row(source_id="S002", year="soon"))
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError, match="1 of the rows could not be imported") as failure:
        call_command("import_evidence", str(path), stdout=out, stderr=err)

    assert failure.value.returncode == 1
    assert "Row 3, column year: Enter a whole number." in err.getvalue()
    assert "1 created, 0 updated, 0 unchanged, 1 row with errors." in out.getvalue()
    assert EvidenceSummaryPage.objects.filter(source_id="S001").exists()


def test_command_refuses_a_file_it_cannot_read(evidence_index, tmp_path):
    path = tmp_path / "extraction.csv"
    path.write_bytes(b"")

    with pytest.raises(CommandError, match="The file is empty."):
        call_command("import_evidence", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_evidence", str(tmp_path / "missing.csv"))


def test_command_needs_an_evidence_index(db, tmp_path):
    with pytest.raises(CommandError, match="There is no evidence index page to import into."):
        call_command("import_evidence", str(write_csv(tmp_path, row())))


def test_command_asks_which_index_when_there_are_several(home_page, tmp_path):
    EvidenceIndexPageFactory(parent=home_page, slug="evidence")
    other = EvidenceIndexPageFactory(parent=home_page.get_parent(), slug="other-evidence")
    path = write_csv(tmp_path, row())

    with pytest.raises(CommandError, match="several evidence index pages: evidence"):
        call_command("import_evidence", str(path))
    call_command("import_evidence", str(path), "--index", "other-evidence", stdout=io.StringIO())

    assert EvidenceSummaryPage.objects.get().get_parent().pk == other.pk


# The admin view


@pytest.fixture
def editor_client(client, editor):
    client.login(username=editor.username, password=PASSWORD)
    return client


def upload(client, data: bytes, name="extraction.csv", follow=False, **fields):
    return client.post(
        IMPORT_URL,
        {"csv_file": SimpleUploadedFile(name, data, "text/csv"), **fields},
        follow=follow,
    )


def test_editor_finds_the_import_in_the_admin_menu(editor_client, evidence_index):
    response = editor_client.get("/admin/")

    assert IMPORT_URL in response.text


def test_editor_uploads_a_file_and_sees_what_it_did(editor_client, editor, evidence_index):
    existing = EvidenceSummaryPageFactory(parent=evidence_index, source_id="S002")

    response = upload(
        editor_client, csv_bytes(row(), row(source_id="S002"), row(source_id="S003", year="x"))
    )

    assert response.status_code == 200
    created = EvidenceSummaryPage.objects.get(source_id="S001")
    assert created.latest_revision.user == editor
    assert f'href="/admin/pages/{created.pk}/edit/"' in response.text
    assert f'href="/admin/pages/{existing.pk}/edit/"' in response.text
    assert "1 created, 1 updated, 0 unchanged, 1 row with errors." in response.text
    assert "<td>4</td><td>year</td><td>Enter a whole number.</td>" in response.text


def test_editor_tries_a_file_with_a_dry_run(editor_client, evidence_index):
    response = upload(editor_client, csv_bytes(row()), dry_run="on")

    assert "Dry run: nothing has been saved" in response.text
    assert "1 would be created" in response.text
    assert not EvidenceSummaryPage.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("evidence.xlsx", b"PK\x03\x04", "Choose a CSV file (its name ends .csv)."),
        ("evidence.csv", "source_id\r\nCafé".encode("cp1252"), "The file is not UTF-8 text."),
        ("evidence.csv", b"source_id,title\r\nS1,A\r\n", "it has no kind, nation"),
        ("evidence.csv", b"", "The submitted file is empty."),
    ],
)
def test_a_file_that_is_not_an_evidence_table_gets_a_message(
    editor_client, evidence_index, name, data, message
):
    response = upload(editor_client, data, name=name)

    assert response.status_code == 200
    assert "The file could not be imported." in response.text
    assert message in response.text
    assert not EvidenceSummaryPage.objects.exists()


def test_a_file_over_the_size_limit_gets_a_message(editor_client, evidence_index, monkeypatch):
    monkeypatch.setattr(EvidenceImportForm, "MAX_UPLOAD_SIZE", 100)

    response = upload(editor_client, csv_bytes(row()))

    assert "the largest file you can import is 100\xa0bytes" in response.text
    assert not EvidenceSummaryPage.objects.exists()


def test_editor_chooses_the_index_when_there_are_several(editor_client, home_page):
    EvidenceIndexPageFactory(parent=home_page)
    second = EvidenceIndexPageFactory(parent=home_page.get_parent())

    upload(editor_client, csv_bytes(row()), index_page=second.pk)

    assert EvidenceSummaryPage.objects.get().get_parent().pk == second.pk


def assert_refused(response) -> None:
    """Refused as Wagtail refuses: back to the dashboard, with a message."""
    assert response.redirect_chain == [("/admin/", 302)]
    assert "Sorry, you do not have permission to access this area." in response.text


def test_user_who_may_not_add_evidence_is_refused(client, evidence_index):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.login(username=user.username, password=PASSWORD)

    assert_refused(client.get(IMPORT_URL, follow=True))
    assert_refused(upload(client, csv_bytes(row()), follow=True))
    assert IMPORT_URL not in client.get("/admin/").text
    assert not EvidenceSummaryPage.objects.exists()


def test_editor_is_refused_while_there_is_no_evidence_index(editor_client):
    assert_refused(editor_client.get(IMPORT_URL, follow=True))


def test_example_file_names_no_source_the_demo_already_has():
    from evidence.demo import SUMMARIES

    with EXAMPLE_FILE.open(encoding="utf-8-sig") as example:
        example_ids = {row["source_id"] for row in csv.DictReader(example)}

    assert example_ids
    assert example_ids.isdisjoint({summary.source_id for summary in SUMMARIES})
