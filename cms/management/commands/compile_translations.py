"""Compile the site's translation catalogues (.po) into the files Django reads (.mo).

Django's own ``compilemessages`` needs GNU gettext's msgfmt; this uses polib (which
wagtail-localize already brings), so the set-up works on a machine with Python alone.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

import polib


def catalogue_dirs() -> list[Path]:
    """LOCALE_PATHS and the locale/ folder of each of the project's own apps."""
    own_apps = [
        Path(config.path)
        for config in apps.get_app_configs()
        if Path(config.path).parent == settings.BASE_DIR
    ]
    dirs = [Path(path) for path in settings.LOCALE_PATHS]
    dirs += [app / "locale" for app in own_apps]
    return [path for path in dirs if path.is_dir()]


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po) that changed into .mo files."

    def handle(self, *args, **options) -> None:
        compiled = 0
        for directory in catalogue_dirs():
            for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
                compiled += 1
        if options["verbosity"] > 0:
            self.stdout.write(f"Compiled {compiled} translation catalogue(s).")
