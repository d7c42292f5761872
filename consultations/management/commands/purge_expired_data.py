from django.conf import settings
from django.core.management.base import BaseCommand

from consultations.services.retention import data_expired_purge


class Command(BaseCommand):
    help = (
        "Delete personal data past its retention period: unused invitations, identities "
        "left on withdrawn members, and the comments and ratings of rounds closed longer "
        "than CONSULTATIONS_RETENTION_DAYS ago, and members' unsent drafts of rounds closed "
        "more than CONSULTATIONS_DRAFT_DAYS ago; clear expired sessions. Safe to run from "
        "cron as often as you like."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be deleted, and delete nothing.",
        )

    def handle(self, *args, **options) -> None:
        dry_run = options["dry_run"]
        report = data_expired_purge(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {report.invitations} invitation(s) not accepted "
            f"{settings.CONSULTATIONS_UNUSED_INVITATION_DAYS} days after their link expired."
        )
        self.stdout.write(
            f"{'Would erase' if dry_run else 'Erased'} the identity of {report.members} "
            "withdrawn member(s), keeping their contributions without their names."
        )
        self.stdout.write(
            f"{verb} what {report.late_deletions} member(s) who withdrew with deletion "
            "sent from another device as they withdrew."
        )
        self.stdout.write(
            f"{verb} {report.comments} comment(s) and {report.ratings} rating(s), with their "
            f"versions, from {report.rounds} round(s) closed more than "
            f"{settings.CONSULTATIONS_RETENTION_DAYS} days ago."
        )
        self.stdout.write(
            f"{verb} {report.drafts} draft(s) members kept and did not send, from rounds "
            f"closed more than {settings.CONSULTATIONS_DRAFT_DAYS} days ago."
        )
        if report.sessions:
            self.stdout.write("Cleared expired sessions.")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
