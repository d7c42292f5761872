"""Settings are read in a fresh interpreter, as a server would read them at start-up."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CONFIG_VARIABLES = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")


def load_settings(module: str, **env: str) -> subprocess.CompletedProcess:
    """Import a settings module with only the given configuration in the environment."""
    clean_env = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    clean_env.update(env, DJANGO_SETTINGS_MODULE=module)
    script = (
        "import json; from django.conf import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), "
        "'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS, "
        "'demo': settings.DEMO_CONTENT_ALLOWED}))"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def loaded(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_database_defaults_to_an_sqlite_file_under_var():
    settings = loaded(load_settings("cms.settings.dev"))

    assert settings["engine"] == "django.db.backends.sqlite3"
    assert Path(settings["name"]) == BASE_DIR / "var" / "db.sqlite3"


def test_database_url_selects_postgresql():
    settings = loaded(
        load_settings("cms.settings.dev", DATABASE_URL="postgres://someone:pw@db.internal/study")
    )

    assert settings["engine"] == "django.db.backends.postgresql"
    assert settings["name"] == "study"


def test_base_settings_are_safe_by_default():
    settings = loaded(load_settings("cms.settings.base"))

    assert settings["debug"] is False
    assert settings["hosts"] == []
    assert settings["demo"] is False


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SECRET_KEY and ALLOWED_HOSTS"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "consult.example.org"}, "SECRET_KEY"),
        ({"SECRET_KEY": "  ", "ALLOWED_HOSTS": "consult.example.org"}, "SECRET_KEY"),
    ],
)
def test_production_settings_refuse_to_start_without_their_secrets(env, missing):
    result = load_settings("cms.settings.production", **env)

    assert result.returncode != 0
    assert f"Production settings need {missing} in the environment" in result.stderr


def test_production_settings_start_with_their_secrets():
    settings = loaded(
        load_settings(
            "cms.settings.production",
            SECRET_KEY="x" * 50,
            ALLOWED_HOSTS="consult.example.org, www.consult.example.org",
        )
    )

    assert settings["debug"] is False
    assert settings["hosts"] == ["consult.example.org", "www.consult.example.org"]
    assert settings["demo"] is False
