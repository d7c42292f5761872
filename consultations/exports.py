"""Exports of a round for analysis: its comments and its ratings, as CSV or XLSX.

Each dataset has one row per version, in the order they were made: a change of mind or a
withdrawal is an observation with its own time, and a long table like this is what R,
Stata or pandas take in without reshaping. The comment's or rating's own facts (where it
is, its moderation, the team's answer) are repeated on each of its rows, so any row can
be read or filtered alone; "Current version" marks the version it stands at now, for an
analysis of final views.

Members are named by pseudonym or by a study id, with their constituency, study site and
its nation, which the study's analysis needs (the issue that asked for exports says so);
an editor without the identity permission sees sites nowhere else. Real names and email
addresses are added only to an export for an editor who holds the identity permission
(the view checks it, and the audit log says so). Members who withdrew with deletion have
no rows; those who withdrew keeping their words appear under their neutral label,
unnamed.

Rows are read with ``QuerySet.iterator`` over a fixed set of joins, so a round of any size
costs the same few queries and is never held in memory whole: both files are streamed as
they are written, CSV as lines of text, XLSX as a zip archive whose worksheet is compressed
row by row (``xlsx_stream``).
"""

import csv
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.db.models import BooleanField, Case, Exists, Model, OuterRef, Q, QuerySet, Value, When
from django.db.models.enums import TextChoices
from django.utils.translation import gettext as _

from wagtail.admin.views.mixins import Echo, ExcelDateFormatter
from wagtail.models import Revision

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from cms.spreadsheets import spreadsheet_text
from consultations.enums import (
    Abstention,
    AnswerStatus,
    Constituency,
    EnteredVia,
    ExportDataset,
    ExportFormat,
    ExportIdentity,
    ModerationState,
    VersionKind,
    Withdrawal,
)
from consultations.models import (
    Comment,
    CommentVersion,
    Member,
    Rating,
    RatingVersion,
    Round,
    RoundPage,
)

# Rows fetched from the database at a time, CSV text sent to the browser at a time, and
# worksheet XML compressed at a time (what is sent is what the compressor gave back).
CHUNK_ROWS = 2000
CSV_CHUNK_BYTES = 64 * 1024
XLSX_CHUNK_CHARS = 64 * 1024
# A cell that a spreadsheet would run as a formula starts with one of these (OWASP's list).
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv"


# Members --------------------------------------------------------------------------------


def study_id(member: Member) -> str:
    """A member's id for analysis: "P" and her member number, padded to five digits.

    The number is the database's own key: given in order of joining, never reused, never
    changed, and derived from nothing about her, so it is the same in every export of
    every round, and a withdrawn member keeps it ("Withdrawn member 12" is P00012). A
    keyed hash would hide the order of joining but change whenever the key is rotated.
    """
    return f"P{member.pk:05d}"


# What ``member_site`` reads beyond the member's own row, for ``select_related``.
MEMBER_SITE_RELATED: tuple[str, ...] = ("study_site",)


def member_site(member: Member) -> str:
    """Her study site as an export shows it: the one place exports read a site."""
    return member.study_site.name if member.study_site else ""


def member_nation(member: Member) -> str:
    """Her study site's nation, blank where it is not recorded."""
    site = member.study_site
    return site.nation_label if site else ""


# Cells ------------------------------------------------------------------------------------


def csv_cell(value: object) -> object:
    """Times in UTC, as ISO 8601 with the offset: unambiguous for any software."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, int):
        return value
    # Members write free text: "=HYPERLINK(...)" must stay words.
    return spreadsheet_text(value)


def xlsx_cell(value: object) -> object:
    """Times in UTC, as Excel dates (Excel has no time zones). Control characters, which
    a form lets through and XLSX cannot hold, are left out. Text stays as she wrote it: the
    workbook marks it as text (``xlsx_text``), so no spreadsheet runs it."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None)
    if value is None or isinstance(value, int):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


class Words:
    """The words an export repeats on every row (yes, no, the labels of choices),
    translated once, when the export is made in the editor's request, rather than once per
    cell, and not later while the file streams."""

    CHOICES = (Abstention, AnswerStatus, Constituency, EnteredVia, ModerationState, VersionKind)

    def __init__(self) -> None:
        self.yes, self.no = _("Yes"), _("No")
        self.labels = {
            choices: {key: str(name) for key, name in choices.choices} for choices in self.CHOICES
        }

    def flag(self, value: bool) -> str:
        return self.yes if value else self.no

    def label(self, choices: type[TextChoices], value: str) -> str:
        return self.labels[choices][value] if value else ""


# Columns --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Any], object]


def member_columns(
    identity: str, member_of: Callable[[Any], Member], words: Words
) -> list[Column]:
    columns = []
    if identity == ExportIdentity.PSEUDONYM:
        columns.append(Column(_("Member"), lambda row: member_of(row).pseudonym))
    else:
        columns.append(Column(_("Study id"), lambda row: study_id(member_of(row))))
    if identity == ExportIdentity.REAL_NAMES:
        columns += [
            Column(_("Pseudonym"), lambda row: member_of(row).pseudonym),
            Column(_("Real name"), lambda row: member_of(row).user.get_full_name()),
            Column(_("Email address"), lambda row: member_of(row).user.email),
        ]
    return [
        *columns,
        Column(
            _("Constituency"), lambda row: words.label(Constituency, member_of(row).constituency)
        ),
        Column(_("Study site"), lambda row: member_site(member_of(row))),
        Column(_("Nation"), lambda row: member_nation(member_of(row))),
        Column(
            _("Member withdrawn"), lambda row: words.flag(member_of(row).withdrawn_at is not None)
        ),
    ]


@dataclass(frozen=True)
class PinnedPage:
    """What a contribution's pinned revision says of where it is: the page's title then,
    and each item's number and words."""

    title: str
    numbers: dict[str, str]
    texts: dict[str, str]


def pinned_pages(revision_ids: QuerySet) -> dict[int, PinnedPage]:
    """The pinned revisions the rows refer to, read once before the first row."""
    pinned = {}
    for revision in Revision.objects.filter(pk__in=revision_ids):
        items = RoundPage(revision=revision).items
        pinned[revision.pk] = PinnedPage(
            title=revision.object_str,
            numbers={item.block_id: item.number for item in items},
            texts={item.block_id: item.text for item in items},
        )
    return pinned


def current_version(model: type[Model], parent: str) -> Case:
    """True for the version its comment or rating stands at: the newest made on time, or
    the first if all came late (a late change is kept but changes nothing)."""
    siblings = model.objects.filter(**{parent: OuterRef(parent)})
    return Case(
        When(
            Q(late=False) & ~Exists(siblings.filter(late=False, pk__gt=OuterRef("pk"))),
            then=Value(True),
        ),
        When(
            Q(late=True)
            & ~Exists(siblings.filter(late=False))
            & ~Exists(siblings.filter(pk__lt=OuterRef("pk"))),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


# The export -------------------------------------------------------------------------------


@dataclass
class RoundExport:
    round: Round
    dataset: str
    identity: str = ExportIdentity.PSEUDONYM
    pinned: dict[int, PinnedPage] = field(default_factory=dict, init=False)
    words: Words = field(default_factory=Words, init=False)

    @property
    def carries_identities(self) -> bool:
        return self.identity == ExportIdentity.REAL_NAMES

    @property
    def is_comments(self) -> bool:
        return self.dataset == ExportDataset.COMMENTS

    @property
    def member_path(self) -> str:
        return "comment__author" if self.is_comments else "rating__member"

    def versions(self) -> QuerySet:
        parent = "comment" if self.is_comments else "rating"
        model = CommentVersion if self.is_comments else RatingVersion
        related = [parent, self.member_path]
        related += [f"{self.member_path}__{path}" for path in MEMBER_SITE_RELATED]
        if self.carries_identities:
            related.append(f"{self.member_path}__user")
        return (
            model.objects.filter(**{f"{parent}__round": self.round})
            # Withdrawal with deletion removed every version already; a comment others
            # replied to stays as an empty placeholder, with no version, and no row here.
            .exclude(**{f"{self.member_path}__withdrawal": Withdrawal.DELETED})
            .select_related(*related)
            .annotate(is_current=current_version(model, parent))
            .order_by(f"{parent}_id", "pk")
        )

    def members(self) -> QuerySet[Member]:
        """The members who have rows in the export."""
        return Member.objects.filter(pk__in=self.versions().values(f"{self.member_path}_id"))

    @cached_property
    def columns(self) -> list[Column]:
        if self.is_comments:
            return self.comment_columns()
        return self.rating_columns()

    def sheet_title(self) -> str:
        return _("Comments") if self.is_comments else _("Ratings")

    def headings(self) -> list[str]:
        return [str(column.heading) for column in self.columns]

    def rows(self) -> Iterator[list[object]]:
        contributions = Comment if self.is_comments else Rating
        self.pinned = pinned_pages(
            contributions.objects.filter(round=self.round).values("revision_id")
        )
        for version in self.versions().iterator(chunk_size=CHUNK_ROWS):
            yield [column.value(version) for column in self.columns]

    def filename(self, export_format: str, day: date) -> str:
        named = {
            ExportIdentity.PSEUDONYM: "",
            ExportIdentity.STUDY_ID: "-study-ids",
            ExportIdentity.REAL_NAMES: "-identities",
        }[ExportIdentity(self.identity)]
        return f"round-{self.round.pk}-{self.dataset}{named}-{day.isoformat()}.{export_format}"

    def page_title(self, contribution: Comment | Rating) -> str:
        pinned = self.pinned.get(contribution.revision_id)
        return pinned.title if pinned else ""

    def item_number(self, contribution: Comment | Rating) -> str:
        pinned = self.pinned.get(contribution.revision_id)
        if not contribution.block_id or pinned is None:
            return ""
        return pinned.numbers.get(contribution.block_id, "")

    def item_text(self, contribution: Comment | Rating) -> str:
        """The item's words as she read them, in the revision she commented on or rated."""
        pinned = self.pinned.get(contribution.revision_id)
        if not contribution.block_id or pinned is None:
            return ""
        return pinned.texts.get(contribution.block_id, "")

    def where_columns(self, of: Callable[[Any], Comment | Rating]) -> list[Column]:
        round_id, round_title = self.round.pk, self.round.title
        return [
            Column(_("Round id"), lambda row: round_id),
            Column(_("Round"), lambda row: round_title),
            Column(_("Page"), lambda row: self.page_title(of(row))),
            Column(_("Page id"), lambda row: of(row).page_id),
            Column(_("Item"), lambda row: self.item_number(of(row))),
            Column(_("Item block id"), lambda row: of(row).block_id),
            Column(_("Item words"), lambda row: self.item_text(of(row))),
            Column(_("Pinned revision"), lambda row: of(row).revision_id),
        ]

    def version_columns(self) -> list[Column]:
        return [
            Column(_("Version"), lambda row: self.words.label(VersionKind, row.kind)),
            Column(_("Version made"), lambda row: row.created_at),
            Column(_("Current version"), lambda row: self.words.flag(row.is_current)),
            Column(_("Version late"), lambda row: self.words.flag(row.late)),
            Column(
                _("Entered for her after"),
                lambda row: self.words.label(EnteredVia, row.entered_via),
            ),
        ]

    def comment_columns(self) -> list[Column]:
        def comment(row: CommentVersion) -> Comment:
            return row.comment

        return [
            Column(_("Comment id"), lambda row: row.comment_id),
            Column(_("Reply to comment"), lambda row: row.comment.parent_id),
            *member_columns(self.identity, lambda row: row.comment.author, self.words),
            *self.where_columns(comment),
            *self.version_columns(),
            Column(_("Quote"), lambda row: row.quote),
            Column(_("Comment"), lambda row: row.body),
            Column(_("Comment made"), lambda row: row.comment.created_at),
            Column(_("Comment changed"), lambda row: row.comment.edited_at),
            Column(_("Comment withdrawn"), lambda row: row.comment.withdrawn_at),
            Column(_("Comment late"), lambda row: self.words.flag(row.comment.late)),
            Column(
                _("Moderation state"),
                lambda row: self.words.label(ModerationState, row.comment.moderation_state),
            ),
            Column(_("Why hidden"), lambda row: row.comment.hidden_reason),
            Column(
                _("Answer"), lambda row: self.words.label(AnswerStatus, row.comment.answer_status)
            ),
            Column(_("Response"), lambda row: row.comment.answer),
            Column(_("Answered"), lambda row: row.comment.answered_at),
        ]

    def rating_columns(self) -> list[Column]:
        def rating(row: RatingVersion) -> Rating:
            return row.rating

        return [
            Column(_("Rating id"), lambda row: row.rating_id),
            *member_columns(self.identity, lambda row: row.rating.member, self.words),
            *self.where_columns(rating),
            *self.version_columns(),
            Column(_("Score"), lambda row: row.score),
            Column(_("Not scored"), lambda row: self.words.label(Abstention, row.abstention)),
            Column(_("Reason"), lambda row: row.reason),
            Column(_("Rating first given"), lambda row: row.rating.created_at),
            Column(_("Rating late"), lambda row: self.words.flag(row.rating.late)),
        ]


# Files ----------------------------------------------------------------------------------


def csv_stream(export: RoundExport) -> Iterator[bytes]:
    """The CSV file in UTF-8, in pieces of about ``CSV_CHUNK_BYTES``, for a
    StreamingHttpResponse (Wagtail's ``Echo`` hands each line back encoded). The headings
    are made now, in the editor's language; the rows as the file is sent."""
    writer = csv.writer(Echo())
    headings = writer.writerow(export.headings())
    return _csv_chunks(export, writer, headings)


def _csv_chunks(export: RoundExport, writer: Any, headings: bytes) -> Iterator[bytes]:
    yield headings
    chunk: list[bytes] = []
    size = 0
    for row in export.rows():
        line = writer.writerow([csv_cell(value) for value in row])
        chunk.append(line)
        size += len(line)
        if size >= CSV_CHUNK_BYTES:
            yield b"".join(chunk)
            chunk, size = [], 0
    if chunk:
        yield b"".join(chunk)


# The parts of the XLSX file other than its worksheet: the least a spreadsheet needs, with
# one cell format beyond the default, for dates (``XLSX_DATE_STYLE``).
XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XLSX_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSX_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
XLSX_DATE_STYLE = 1
XLSX_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{XLSX_PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{XLSX_RELATIONSHIP}/officeDocument" '
        'Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{XLSX_MAIN}" xmlns:r="{XLSX_RELATIONSHIP}">'
        '<sheets><sheet name={title} sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{XLSX_PACKAGE_RELATIONSHIPS}">'
        f'<Relationship Id="rId1" Type="{XLSX_RELATIONSHIP}/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{XLSX_RELATIONSHIP}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{XLSX_MAIN}">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode={date_format}/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
        "</borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
XLSX_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters a sheet's name may not hold, and its longest length, in Excel.
SHEET_TITLE_FORBIDDEN = str.maketrans("", "", "\\/?*[]:")
SHEET_TITLE_LENGTH = 31


class Collected:
    """A file that keeps what is written to it until it is taken: ``zipfile`` writes the
    archive into it, and the stream sends what it holds after each piece."""

    def __init__(self) -> None:
        self.pieces: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.pieces)
        self.pieces = []
        return data


def xlsx_text(value: str) -> str:
    """A cell of text, inline (the file needs no table of shared strings, which would have
    to be written after every row). Never a formula, whatever it starts with."""
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f'" t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>'


def xlsx_date(value: datetime) -> str:
    """A time as Excel's serial number of days, to the millisecond that Excel keeps (a
    reader rounds to it, which could otherwise carry it into the next second)."""
    serial = to_excel(value.replace(microsecond=value.microsecond // 1000 * 1000))
    return f'" s="{XLSX_DATE_STYLE}"><v>{serial!r}</v></c>'


def xlsx_row(number: int, letters: list[str], row: list[object]) -> str:
    """One row of the worksheet's XML; empty cells (None or no text) are left out, blank."""
    cells = [f'<row r="{number}">']
    for letter, raw in zip(letters, row, strict=True):
        value = xlsx_cell(raw)
        if value is None or value == "":
            continue
        cells.append(f'<c r="{letter}{number}')
        if isinstance(value, str):
            cells.append(xlsx_text(value))
        elif isinstance(value, bool):
            cells.append(f'" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, datetime):
            cells.append(xlsx_date(value))
        else:
            cells.append(f'"><v>{value!r}</v></c>')
    cells.append("</row>")
    return "".join(cells)


def xlsx_stream(export: RoundExport) -> Iterator[bytes]:
    """The XLSX workbook, a zip archive, in pieces as it is compressed, for a
    StreamingHttpResponse. ``zipfile`` writes to a file it cannot seek in by putting each
    entry's size after its data, so nothing written is revisited; the worksheet is one
    entry written row by row (ZIP64, so its size has no limit). The headings, the sheet's
    name and the date format are made now, in the editor's language; the rows as the file
    is sent."""
    title = export.sheet_title().translate(SHEET_TITLE_FORBIDDEN)[:SHEET_TITLE_LENGTH]
    parts = {
        name: XLSX_XML_DECLARATION
        + text.replace("{title}", quoteattr(title)).replace(
            "{date_format}", quoteattr(ExcelDateFormatter().get())
        )
        for name, text in XLSX_PARTS.items()
    }
    return _xlsx_chunks(export, export.headings(), parts)


def _xlsx_chunks(
    export: RoundExport, headings: list[str], parts: dict[str, str]
) -> Iterator[bytes]:
    output = Collected()
    letters = [get_column_letter(number) for number in range(1, len(headings) + 1)]
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        yield output.take()
        # Dated now, as writestr dates the other entries.
        entry = zipfile.ZipInfo("xl/worksheets/sheet1.xml", time.localtime()[:6])
        entry.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(entry, "w", force_zip64=True) as sheet:
            pending = [
                XLSX_XML_DECLARATION,
                f'<worksheet xmlns="{XLSX_MAIN}"><sheetData>',
                xlsx_row(1, letters, headings),
            ]
            size = 0
            for number, row in enumerate(export.rows(), start=2):
                line = xlsx_row(number, letters, row)
                pending.append(line)
                size += len(line)
                if size >= XLSX_CHUNK_CHARS:
                    sheet.write("".join(pending).encode())
                    pending, size = [], 0
                    if data := output.take():
                        yield data
            pending.append("</sheetData></worksheet>")
            sheet.write("".join(pending).encode())
    yield output.take()


CONTENT_TYPES = {ExportFormat.CSV: CSV_CONTENT_TYPE, ExportFormat.XLSX: XLSX_CONTENT_TYPE}
