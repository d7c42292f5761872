from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cms.two_factor import two_factor_devices_delete


class Command(BaseCommand):
    help = (
        "Remove a user's two-factor devices, for a lost or replaced phone: at her next "
        "sign-in to the admin she sets up a new one. Kept in the audit log."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, **options) -> None:
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(options["username"])
        except User.DoesNotExist as error:
            raise CommandError(f"No user is called {options['username']}.") from error

        removed = two_factor_devices_delete(user=user, by=None)
        if removed:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Removed {removed} two-factor device(s) of {user.get_username()}: "
                    "she sets up a new one at her next sign-in."
                )
            )
        else:
            self.stdout.write(f"{user.get_username()} has no two-factor device; nothing to do.")
