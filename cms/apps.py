from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Stepping Stones site")

    def ready(self) -> None:
        from cms import checks  # noqa: F401 - registers the checks
        from cms.admin_scripts import chooser_scripts_as_data_install
        from cms.page_cache import register_signal_handlers
        from cms.spreadsheets import csv_formula_guard_install

        csv_formula_guard_install()
        chooser_scripts_as_data_install()
        register_signal_handlers()
