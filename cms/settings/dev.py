"""Settings for `make run` on a developer's machine."""

import contextlib

from .base import *

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-not-for-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DEMO_CONTENT_ALLOWED = True
# The demo's languages: English, Polish, and Arabic to prove right-to-left pages.
LANGUAGES = content_languages(env_list("SITE_LANGUAGES", "en-gb,pl,ar"))
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# The demo editor signs in with the published password alone.
WAGTAIL_2FA_REQUIRED = False
# The demo's study contact address, which the footer shows, so members see one address.
CONSULTATIONS_CONTACT_EMAIL = os.environ.get(
    "CONSULTATIONS_CONTACT_EMAIL", "stepping-stones@example.org"
)

with contextlib.suppress(ImportError):
    from .local import *  # noqa: F401
