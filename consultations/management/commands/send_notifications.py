from django.core.management.base import BaseCommand

from consultations.services import notifications_due_queue


class Command(BaseCommand):
    help = (
        "Queue the emails that time brings (a round opening, reminders before a round "
        "closes, editors' daily digest) and send again those that failed and are due. Run "
        "it from cron every few minutes: it never queues the same email twice."
    )

    def handle(self, *args: object, **options: object) -> None:
        sweep = notifications_due_queue()
        self.stdout.write(
            f"Queued {sweep.round_openings} round opening, {sweep.reminders} reminder and "
            f"{sweep.digests} digest emails; tried {sweep.retried} failed or waiting emails "
            "again."
        )
        if sweep.waiting:
            self.stderr.write(
                f"{sweep.waiting} emails are still waiting for the task worker: is "
                "`manage.py db_worker` running?"
            )
