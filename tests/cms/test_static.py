"""The static files a deployment serves: the NHS.UK frontend from npm, and our own."""

import re
from io import StringIO

from django.core.management import call_command


def test_production_static_build_keeps_the_site_script_importing_a_real_file(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "cms.storage.ManifestStaticFilesStorage"},
    }

    call_command("collectstatic", "--noinput", stdout=StringIO())

    (hashed_script,) = (tmp_path / "cms" / "js").glob("site.*.js")
    imported = re.search(r'from "([^"]+)"', hashed_script.read_text()).group(1)
    assert re.search(r"nhsuk-frontend\.min\.[0-9a-f]{12}\.js$", imported)
    assert (hashed_script.parent / imported).resolve().is_file()
    assert list((tmp_path / "nhsuk").glob("nhsuk-frontend.min.*.css"))
