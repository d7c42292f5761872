"""Settings are read in a fresh interpreter, as a server would read them at start-up."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CONFIG_VARIABLES = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "DJANGO_SETTINGS_MODULE",
    "WAGTAILADMIN_BASE_URL",
    "REDIS_URL",
    "CSP_REPORT_URI",
    "TRUSTED_PROXY_COUNT",
    "EMAIL_HOST",
    "DEFAULT_FROM_EMAIL",
    "PAGE_CACHE_SECONDS",
    "PAGE_CACHE_SHARED_MAX_AGE",
    "PAGE_CACHE_REDIS_URL",
    "PAGE_CACHE_LOCAL_MB",
    "FRONTEND_CACHE_CLOUDFLARE_ZONE_ID",
    "FRONTEND_CACHE_CLOUDFLARE_TOKEN",
    "FRONTEND_CACHE_PURGE_URL",
)
GOOD_KEY = "k3y-" + "x7Q9" * 15
PRODUCTION_ENV = {
    "SECRET_KEY": GOOD_KEY,
    "ALLOWED_HOSTS": "consult.example.org, www.consult.example.org",
    "DATABASE_URL": "postgres://someone:pw@db.internal/study",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "EMAIL_HOST": "smtp.example.org",
    "DEFAULT_FROM_EMAIL": "stepping-stones@consult.example.org",
}


def run_with_settings(module: str, args: list[str], **env: str) -> subprocess.CompletedProcess:
    """Run Python with only the given configuration in the environment."""
    clean_env = {key: value for key, value in os.environ.items() if key not in CONFIG_VARIABLES}
    clean_env.update(env, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_settings(module: str, **env: str) -> subprocess.CompletedProcess:
    script = (
        "import json; from django.conf import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), "
        "'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS, "
        "'demo': settings.DEMO_CONTENT_ALLOWED, 'base_url': settings.WAGTAILADMIN_BASE_URL}))"
    )
    return run_with_settings(module, ["-c", script], **env)


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


EXPLANATIONS = {
    "SECRET_KEY": "SECRET_KEY as a random string of at least 50 characters",
    "ALLOWED_HOSTS": "ALLOWED_HOSTS as the site's host names separated by commas",
    "DATABASE_URL": "DATABASE_URL naming the PostgreSQL database",
    "REDIS_URL": "REDIS_URL naming the Redis cache",
}


@pytest.mark.parametrize(
    "missing",
    [
        ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"),
        ("SECRET_KEY",),
        ("ALLOWED_HOSTS",),
        ("DATABASE_URL",),
        ("REDIS_URL",),
    ],
)
def test_production_settings_refuse_to_start_without_their_configuration(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key not in missing}

    result = load_settings("cms.settings.production", **env)

    assert result.returncode != 0
    assert "Production settings need these environment variables:" in result.stderr
    for name, explanation in EXPLANATIONS.items():
        assert (explanation in result.stderr) is (name in missing)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SECRET_KEY", "   "),
        ("SECRET_KEY", "too-short"),
        ("SECRET_KEY", "dev-only-insecure-key-not-for-production" + "x" * 20),
        ("ALLOWED_HOSTS", " , "),
    ],
)
def test_production_settings_refuse_placeholder_values(variable, value):
    result = load_settings("cms.settings.production", **{**PRODUCTION_ENV, variable: value})

    assert result.returncode != 0
    assert f"{variable} as" in result.stderr


def test_production_settings_start_with_their_configuration():
    settings = loaded(load_settings("cms.settings.production", **PRODUCTION_ENV))

    assert settings["debug"] is False
    assert settings["hosts"] == ["consult.example.org", "www.consult.example.org"]
    assert settings["demo"] is False
    assert settings["base_url"] == "https://consult.example.org"


def test_production_settings_pass_djangos_deployment_checks():
    result = run_with_settings(
        "cms.settings.production",
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION_ENV,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deployment_checks_warn_of_a_missing_mail_server():
    env = {key: value for key, value in PRODUCTION_ENV.items() if not key.endswith("EMAIL")}
    del env["EMAIL_HOST"]

    result = run_with_settings(
        "cms.settings.production",
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **env,
    )

    assert result.returncode != 0
    assert "cms.W002" in result.stderr and "EMAIL_HOST" in result.stderr
    assert "stepping-stones@localhost" in result.stderr


def test_production_settings_share_a_redis_cache_and_keep_cookies_to_https():
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'cache': s.CACHES['default'], 'proxies': s.TRUSTED_PROXY_COUNT, "
        "'cookies': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE], "
        "'hsts': [s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.SECURE_HSTS_PRELOAD], "
        "'csp': s.CONTENT_SECURITY_POLICY['DIRECTIVES'].get('report-uri')}))"
    )
    settings = loaded(
        run_with_settings(
            "cms.settings.production",
            ["-c", script],
            **PRODUCTION_ENV,
            CSP_REPORT_URI="https://reports.example.org/csp",
        )
    )

    assert settings["cache"] == {
        "BACKEND": "cms.cache.RedisCache",
        "LOCATION": "redis://cache.internal:6379/0",
    }
    assert settings["proxies"] == 1
    assert settings["cookies"] == [True, True]
    assert settings["hsts"] == [60 * 60 * 24 * 365, True, True]
    assert settings["csp"] == ["https://reports.example.org/csp"]


@pytest.mark.parametrize(
    ("module", "env", "expected"),
    [
        ("cms.settings.production", {}, 60),
        ("cms.settings.production", {"DATABASE_CONN_MAX_AGE": "0"}, 0),
        ("cms.settings.dev", {}, 0),
    ],
)
def test_production_workers_keep_their_database_connection_for_a_minute(module, env, expected):
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps([s.DATABASES['default']['CONN_MAX_AGE'], "
        "s.DATABASES['default']['CONN_HEALTH_CHECKS']]))"
    )
    settings = loaded(run_with_settings(module, ["-c", script], **PRODUCTION_ENV, **env))

    assert settings == [expected, True]


@pytest.mark.parametrize(
    ("module", "env", "expected"),
    [
        ("cms.settings.production", {}, 32 * 1024 * 1024),
        ("cms.settings.production", {"PAGE_CACHE_LOCAL_MB": "0"}, 0),
        ("cms.settings.dev", {}, 0),
    ],
)
def test_production_processes_keep_copies_of_pages_they_sent(module, env, expected):
    script = "from django.conf import settings as s; print(s.PAGE_CACHE_LOCAL_BYTES)"
    settings = loaded(run_with_settings(module, ["-c", script], **PRODUCTION_ENV, **env))

    assert settings == expected


def production_page_cache(**env: str) -> dict:
    script = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'pages': s.CACHES['pages'], 'cdn': s.WAGTAILFRONTENDCACHE}))"
    )
    return loaded(
        run_with_settings("cms.settings.production", ["-c", script], **PRODUCTION_ENV, **env)
    )


def test_production_keeps_public_pages_in_redis_under_their_own_prefix_without_a_cdn():
    settings = production_page_cache()

    assert settings["pages"] == {
        "BACKEND": "cms.cache.RedisCache",
        "LOCATION": "redis://cache.internal:6379/0",
        "KEY_PREFIX": "pages",
        "TIMEOUT": 3600,
    }
    assert settings["cdn"] == {}


def test_production_purges_the_cdn_it_is_given():
    settings = production_page_cache(
        PAGE_CACHE_REDIS_URL="redis://pages.internal:6379/0",
        FRONTEND_CACHE_CLOUDFLARE_ZONE_ID="zone-1",
        FRONTEND_CACHE_CLOUDFLARE_TOKEN="token-1",
        FRONTEND_CACHE_PURGE_URL="http://varnish.internal:8000",
    )

    assert settings["pages"]["LOCATION"] == "redis://pages.internal:6379/0"
    assert settings["cdn"] == {
        "cloudflare": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
            "ZONEID": "zone-1",
            "BEARER_TOKEN": "token-1",
        },
        "http": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": "http://varnish.internal:8000",
        },
    }


def test_production_refuses_a_cloudflare_zone_without_a_token():
    result = run_with_settings(
        "cms.settings.production",
        ["-c", "import django.conf; django.conf.settings.DEBUG"],
        **PRODUCTION_ENV,
        FRONTEND_CACHE_CLOUDFLARE_ZONE_ID="zone-1",
    )

    assert result.returncode != 0
    assert "FRONTEND_CACHE_CLOUDFLARE_TOKEN" in result.stderr
