import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cms.demo import DEMO_PASSWORD
from cms.scale import scale_content_seed


class Command(BaseCommand):
    help = (
        "Add the study's volume of content (factor 1: about 300 evidence summaries, 20 "
        "framework sections, 80 members, 5 rounds, 20,000 comments, 100,000 ratings), or a "
        "multiple or fraction of it, to the database DATABASE_URL names. Each run adds a new "
        "copy. With --export-rows, also one closed round whose ratings export has at least that "
        "many rows (at --factor 0, that round alone, on the sections of an earlier run). "
        "Refuses to run with production settings."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--factor", type=float, default=1.0)
        parser.add_argument(
            "--hot-page-comments",
            type=int,
            default=None,
            help="Comments on the busiest round page (500 at factor 1 and above).",
        )
        parser.add_argument(
            "--export-rows",
            type=int,
            default=0,
            help=(
                "Add one closed round on one copy's framework sections, rated on every item "
                "by enough new members that its ratings export has at least this many rows."
            ),
        )

    def handle(self, *args, **options) -> None:
        def log(message: str) -> None:
            if options["verbosity"] >= 1:
                self.stdout.write(message)

        started = time.monotonic()
        try:
            report = scale_content_seed(
                factor=options["factor"],
                log=log,
                hot_page_comments=options["hot_page_comments"],
                export_rows=options["export_rows"],
            )
        except (ImproperlyConfigured, ValueError) as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Made at factor {options['factor']:g} in {elapsed:.1f} s:")
        )
        for kind, count in report.made.items():
            self.stdout.write(f"  {count:>9,} {kind}")
        for app, seconds in report.seconds.items():
            self.stdout.write(f"  {app}: {seconds:.1f} s")
        self.stdout.write(f"Members sign in with the password {DEMO_PASSWORD}.")
