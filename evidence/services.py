"""Business rules of the evidence app that write."""

import csv
import io
from dataclasses import dataclass, field
from typing import IO

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import transaction
from django.utils.translation import gettext, ngettext

from wagtail.log_actions import log
from wagtail.models import PageLogEntry, Revision

from evidence.forms import (
    EVIDENCE_IMPORT_COLUMNS,
    EVIDENCE_IMPORT_OPTIONAL_COLUMNS,
    EvidenceImportRowForm,
)
from evidence.models import EvidenceIndexPage, EvidenceSummaryPage, LayTextPageMixin
from evidence.readability import readability_of

LAY_TEXT_BELOW_TARGET = "evidence.lay_text_below_target"
LAY_TEXT_BELOW_TARGET_SCHEDULE = "evidence.lay_text_below_target.schedule"


def lay_text_below_target_record(
    *, page: LayTextPageMixin, user: AbstractBaseUser | None, reason: str
) -> PageLogEntry | None:
    """Keep in the audit log why lay text below the reading target was published.

    Called once the page's latest revision is published or scheduled. Published now: the
    entry says so. Scheduled for later: an entry says that it is scheduled, and
    lay_text_scheduled_publish_record() writes the published entry when it goes live.
    Nothing is written without a reason, or for lay text that meets the target.
    """
    reason = reason.strip()
    revision = page.latest_revision
    if not reason or revision is None:
        return None
    if page.live and page.live_revision_id == revision.pk:
        action, lay_text_page = LAY_TEXT_BELOW_TARGET, page
    elif revision.approved_go_live_at:
        # A live page keeps its live content until then; the revision holds what will go live.
        action, lay_text_page = LAY_TEXT_BELOW_TARGET_SCHEDULE, revision.as_object()
    else:
        return None
    readability = readability_of(lay_text_page.lay_text)
    if readability.meets_target:
        return None
    return log(
        page,
        action,
        user=user,
        revision=revision,
        data={
            "reading_ease": readability.reading_ease,
            "grade": readability.grade,
            "target_reading_ease": readability.target.reading_ease,
            "target_grade": readability.target.grade,
            "reason": reason,
        },
    )


def lay_text_scheduled_publish_record(
    *, page: LayTextPageMixin, revision: Revision
) -> PageLogEntry | None:
    """When a revision scheduled with a reason to publish below target goes live, log that."""
    if not (page.live and page.live_revision_id == revision.pk):
        return None
    scheduled = (
        PageLogEntry.objects.filter(
            page=page, revision=revision, action=LAY_TEXT_BELOW_TARGET_SCHEDULE
        )
        .order_by("-timestamp")
        .first()
    )
    if scheduled is None:
        return None
    return log(
        page, LAY_TEXT_BELOW_TARGET, user=scheduled.user, revision=revision, data=scheduled.data
    )


class EvidenceImportFileError(ValueError):
    """The file as a whole cannot be imported: nothing in it was."""


@dataclass(frozen=True)
class EvidenceImportError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            # Translators: where an imported file has a problem, the column named as in the file.
            text = gettext("Row %(row)s, column %(column)s: %(message)s")
        else:
            text = gettext("Row %(row)s: %(message)s")
        return text % {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class ImportedSummary:
    row: int
    page: EvidenceSummaryPage  # not saved, in a dry run of a new summary


@dataclass
class EvidenceImportReport:
    dry_run: bool
    created: list[ImportedSummary] = field(default_factory=list)
    updated: list[ImportedSummary] = field(default_factory=list)
    unchanged: list[ImportedSummary] = field(default_factory=list)
    errors: list[EvidenceImportError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def rows_with_errors(self) -> int:
        return len({error.row for error in self.errors})

    @property
    def outcomes(self) -> list[tuple[str, list[ImportedSummary]]]:
        """Each list of summaries with its heading, for the report's tables."""
        if self.dry_run:
            # Translators: headings over the evidence summaries a dry run would make or change.
            created, updated = gettext("Would be created"), gettext("Would be updated")
        else:
            # Translators: headings over the evidence summaries an import made or changed.
            created, updated = gettext("Created"), gettext("Updated")
        return [
            (created, self.created),
            (updated, self.updated),
            (gettext("Unchanged"), self.unchanged),
        ]

    @property
    def summary(self) -> str:
        """What the import did in one line: "2 created, 1 updated, 0 unchanged"."""
        if self.dry_run:
            # Translators: a part of the one-line summary of a dry run of an evidence import.
            created = ngettext(
                "%(count)s would be created", "%(count)s would be created", len(self.created)
            )
            updated = ngettext(
                "%(count)s would be updated", "%(count)s would be updated", len(self.updated)
            )
        else:
            # Translators: a part of the one-line summary of an evidence import.
            created = ngettext("%(count)s created", "%(count)s created", len(self.created))
            updated = ngettext("%(count)s updated", "%(count)s updated", len(self.updated))
        unchanged = ngettext("%(count)s unchanged", "%(count)s unchanged", len(self.unchanged))
        parts = [
            created % {"count": len(self.created)},
            updated % {"count": len(self.updated)},
            unchanged % {"count": len(self.unchanged)},
        ]
        if self.errors:
            parts.append(
                ngettext(
                    "%(count)s row with errors",
                    "%(count)s rows with errors",
                    self.rows_with_errors,
                )
                % {"count": self.rows_with_errors}
            )
        # Translators: the one-line summary of an evidence import, as a sentence: its parts
        # ("2 created", "1 updated") separated by the second string.
        return gettext("%(parts)s.") % {"parts": gettext(", ").join(parts)}


def evidence_import(
    *,
    csv_file: IO[bytes],
    index_page: EvidenceIndexPage,
    user: AbstractBaseUser | None,
    dry_run: bool = False,
) -> EvidenceImportReport:
    """Turn a review's extraction table into draft evidence summaries under the index.

    A row whose source identifier no summary in the index's locale has becomes a new draft
    page; a row matching one saves a new draft revision of it, unless no field would change.
    Nothing is ever published. A row that fails the page's validation is reported by row and
    column and skipped; the other rows still import. A dry run validates every row and
    reports the same, but saves nothing. Raises EvidenceImportFileError when the file as a
    whole is unusable (not UTF-8 CSV, empty, missing columns).
    """
    if user is not None and not index_page.permissions_for_user(user).can_add_subpage():
        raise PermissionDenied
    columns, rows = _read_table(csv_file)
    report = EvidenceImportReport(
        dry_run=dry_run,
        ignored_columns=[name for name in columns if name and name not in EVIDENCE_IMPORT_COLUMNS],
    )
    existing = {
        page.source_id: page
        for page in EvidenceSummaryPage.objects.filter(
            locale_id=index_page.locale_id,
            source_id__in={row["source_id"] for _number, row in rows},
            alias_of__isnull=True,
        )
    }
    first_row_of: dict[str, int] = {}

    with transaction.atomic():
        for number, row in rows:
            source_id = row["source_id"]
            if source_id in first_row_of:
                first = first_row_of[source_id]
                message = gettext(
                    "%(source_id)s is also on row %(row)s; each source has one row."
                ) % {"source_id": source_id, "row": first}
                report.errors.append(EvidenceImportError(number, "source_id", message))
                continue
            if source_id:
                first_row_of[source_id] = number
            _import_row(
                number=number,
                row=row,
                page=existing.get(source_id),
                index_page=index_page,
                user=user,
                report=report,
            )
        if dry_run:
            # Nothing above saves in a dry run; this makes sure of it.
            transaction.set_rollback(True)
    return report


def _import_row(
    *,
    number: int,
    row: dict[str, str],
    page: EvidenceSummaryPage | None,
    index_page: EvidenceIndexPage,
    user: AbstractBaseUser | None,
    report: EvidenceImportReport,
) -> None:
    if page is not None and user is not None and not page.permissions_for_user(user).can_edit():
        message = gettext("“%(title)s” has this identifier, and you may not edit it.") % {
            "title": page.title
        }
        report.errors.append(EvidenceImportError(number, "source_id", message))
        return

    if page is None:
        summary = EvidenceSummaryPage(owner=user, locale_id=index_page.locale_id, live=False)
        before = None
    else:
        summary = page.get_latest_revision_as_object()
        before = summary.serializable_data()

    form = EvidenceImportRowForm(row, instance=summary, columns=row.keys())
    if not form.is_valid():
        for column, errors in form.errors.as_data().items():
            message = " ".join(message for error in errors for message in error.messages)
            column = "" if column == NON_FIELD_ERRORS else column
            report.errors.append(EvidenceImportError(number, column, message))
        return
    # The form has already set the fields on the page; this sets its themes, in memory only.
    form.save(commit=False)
    form.save_m2m()

    if before is None:
        if not report.dry_run:
            index_page.add_child(instance=summary)
            summary.save_revision(user=user, log_action=True)
        report.created.append(ImportedSummary(number, summary))
    elif before == summary.serializable_data():
        report.unchanged.append(ImportedSummary(number, summary))
    else:
        if not report.dry_run:
            summary.save_revision(user=user, log_action=True)
        report.updated.append(ImportedSummary(number, summary))


def _read_table(csv_file: IO[bytes]) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The file's column names, and its rows numbered as a spreadsheet numbers them."""
    try:
        text = csv_file.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise EvidenceImportFileError(
            gettext("The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.")
        ) from error
    try:
        table = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise EvidenceImportFileError(
            gettext("The file cannot be read as CSV: %(error)s.") % {"error": error}
        ) from error
    numbered = [
        (number, [cell.replace("\r\n", "\n").strip() for cell in cells])
        for number, cells in enumerate(table, start=1)
        if any(cell.strip() for cell in cells)
    ]
    if not numbered:
        raise EvidenceImportFileError(gettext("The file is empty."))

    (_header_row, header), *rows = numbered
    columns = [name.casefold().replace(" ", "_").replace("-", "_") for name in header]
    missing = [
        name
        for name in EVIDENCE_IMPORT_COLUMNS
        if name not in columns and name not in EVIDENCE_IMPORT_OPTIONAL_COLUMNS
    ]
    if missing:
        raise EvidenceImportFileError(
            gettext("The first row must name the columns; it has no %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    repeated = sorted({name for name in columns if name and columns.count(name) > 1})
    if repeated:
        raise EvidenceImportFileError(
            gettext("The first row names %(columns)s twice.") % {"columns": ", ".join(repeated)}
        )
    if not rows:
        raise EvidenceImportFileError(
            gettext("The file has column names but no rows of evidence.")
        )

    def cells_by_column(cells: list[str]) -> dict[str, str]:
        cells = cells + [""] * (len(columns) - len(cells))  # spreadsheets may drop empty cells
        return {
            name: cell
            for name, cell in zip(columns, cells, strict=False)
            if name in EVIDENCE_IMPORT_COLUMNS
        }

    return columns, [(number, cells_by_column(cells)) for number, cells in rows]
