"""Settings for the test suite (pytest-django selects them in pyproject.toml)."""

from .base import *

SECRET_KEY = "test-only-insecure-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
DEMO_CONTENT_ALLOWED = True
# The demo's languages, which the tests cover: Arabic proves right-to-left pages.
LANGUAGES = content_languages(["en-gb", "pl", "ar"])
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL

# Hashing passwords slowly protects real accounts; tests only need it to work.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The two-factor tests turn it on; other tests sign editors in with a password alone.
WAGTAIL_2FA_REQUIRED = False

# Django's test client signs in without a request, which django-axes refuses; this backend
# lets it through. Sign-in pages always pass the request, so lockouts are tested as served.
AUTHENTICATION_BACKENDS = [
    "tests.auth_backends.AxesBackendForTestClient",
    "django.contrib.auth.backends.ModelBackend",
]
