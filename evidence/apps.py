from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = _("Evidence and framework")

    def ready(self) -> None:
        from evidence.signal_handlers import register_signal_handlers

        register_signal_handlers()
