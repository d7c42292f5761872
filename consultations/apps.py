from django.apps import AppConfig

from wagtail.users import apps as wagtail_users


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "Consultations"

    def ready(self) -> None:
        from consultations.results_cache import register_signal_handlers

        register_signal_handlers()


class AuditedUsersConfig(wagtail_users.WagtailUsersAppConfig):
    """Wagtail's user admin (Settings → Users), which shows every account's real name and
    address to whoever manages users: its views of members' accounts are audited (see
    ``consultations.user_admin``). It takes the place of ``wagtail.users``."""

    default = False
    user_viewset = "consultations.user_admin.UserViewSet"
