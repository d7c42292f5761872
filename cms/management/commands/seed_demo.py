from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from cms.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_content_seed


class Command(BaseCommand):
    help = (
        "Build the demo site: pages with demo text and the demo accounts. Safe to run again: "
        "it only adds what is missing. Refuses to run with production settings."
    )

    def handle(self, *args, **options) -> None:
        def log(message: str) -> None:
            if options["verbosity"] >= 1:
                self.stdout.write(message)

        try:
            demo_content_seed(log=log)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error

        self.stdout.write(self.style.SUCCESS("Demo content is ready."))
        self.stdout.write(f"Demo logins, all with the password {DEMO_PASSWORD}:")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<11} {account.role}")
