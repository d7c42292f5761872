from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evidence.models import EvidenceIndexPage
from evidence.services import (
    EvidenceImportFileError,
    EvidenceImportReport,
    ImportedSummary,
    evidence_import,
)


class Command(BaseCommand):
    help = (
        "Import a review's extraction table (CSV) as draft evidence summaries, matched on "
        "source_id. See docs/evidence-import-example.csv for the columns."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file, UTF-8 with a header row.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; save nothing."
        )
        parser.add_argument(
            "--index",
            metavar="SLUG_OR_ID",
            help="The evidence index to import into; needed only if there are several.",
        )

    def handle(self, *args, file: Path, dry_run: bool, index: str | None, **options) -> None:
        index_page = self.index_page(index)
        try:
            with file.open("rb") as csv_file:
                report = evidence_import(
                    csv_file=csv_file, index_page=index_page, user=None, dry_run=dry_run
                )
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from error
        except EvidenceImportFileError as error:
            raise CommandError(f"{file}: {error}") from error

        self.print_report(report)
        if report.errors:
            raise CommandError(
                f"{report.rows_with_errors} of the rows could not be imported; "
                "correct them and import the file again."
            )

    def index_page(self, slug_or_id: str | None) -> EvidenceIndexPage:
        pages = EvidenceIndexPage.objects.order_by("path")
        if slug_or_id and slug_or_id.isdigit():
            pages = pages.filter(pk=int(slug_or_id))
        elif slug_or_id:
            pages = pages.filter(slug=slug_or_id)
        pages = list(pages)
        if not pages:
            which = f" “{slug_or_id}”" if slug_or_id else ""
            raise CommandError(f"There is no evidence index page{which} to import into.")
        if len(pages) > 1:
            listed = ", ".join(f"{page.slug} (id {page.pk})" for page in pages)
            raise CommandError(
                f"There are several evidence index pages: {listed}. Choose one with --index."
            )
        return pages[0]

    def print_report(self, report: EvidenceImportReport) -> None:
        if report.dry_run:
            self.stdout.write("Dry run: nothing has been saved.")
        if report.ignored_columns:
            self.stdout.write(f"Ignored the columns {', '.join(report.ignored_columns)}.")
        for label, summaries in report.outcomes[:2]:  # not the unchanged: they may be many
            for summary in summaries:
                self.stdout.write(f"{label}: {self.describe(summary)}")
        for error in report.errors:
            self.stderr.write(str(error), style_func=self.style.ERROR)
        style = self.style.WARNING if report.errors else self.style.SUCCESS
        self.stdout.write(style(report.summary))

    def describe(self, summary: ImportedSummary) -> str:
        return f"{summary.page.source_id} “{summary.page.title}” (row {summary.row})"
