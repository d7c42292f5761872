from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence and framework"

    def ready(self) -> None:
        from evidence.signal_handlers import register_signal_handlers

        register_signal_handlers()
