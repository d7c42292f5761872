"""Settings for a deployed site. They refuse to load without what a deployment must set."""

from django.core.exceptions import ImproperlyConfigured

from .base import *

DEV_SECRET_KEY_PREFIX = "dev-only-insecure"  # noqa: S105 - refused, not used
MIN_SECRET_KEY_LENGTH = 50

_problems = []
_secret_key = os.environ.get("SECRET_KEY", "").strip()
if len(_secret_key) < MIN_SECRET_KEY_LENGTH or _secret_key.startswith(DEV_SECRET_KEY_PREFIX):
    _problems.append(
        f"SECRET_KEY as a random string of at least {MIN_SECRET_KEY_LENGTH} characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))' makes one)"
    )
if not env_list("ALLOWED_HOSTS"):
    _problems.append(
        "ALLOWED_HOSTS as the site's host names separated by commas "
        "(for example ALLOWED_HOSTS=consult.example.org)"
    )
if not os.environ.get("DATABASE_URL", "").strip():
    _problems.append("DATABASE_URL naming the PostgreSQL database (postgres://user:pw@host/db)")
if not os.environ.get("REDIS_URL", "").strip():
    _problems.append(
        "REDIS_URL naming the Redis cache the app servers share (redis://host:6379/0)"
    )
if (
    os.environ.get("FRONTEND_CACHE_CLOUDFLARE_ZONE_ID", "").strip()
    and not os.environ.get("FRONTEND_CACHE_CLOUDFLARE_TOKEN", "").strip()
):
    _problems.append(
        "FRONTEND_CACHE_CLOUDFLARE_TOKEN, a Cloudflare API token allowed to purge the zone "
        "FRONTEND_CACHE_CLOUDFLARE_ZONE_ID names"
    )
if _problems:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + "; ".join(_problems) + "."
    )

# Each gunicorn worker keeps its connection for a minute (checked before reuse) rather than
# opening one per request: that took 9 to 15 ms of an uncached page on PostgreSQL.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
DEMO_CONTENT_ALLOWED = False
# Deliberately no environment variable turns this off: a lost device is reset with
# `manage.py reset_two_factor`, not by switching two-factor sign-in off for everyone.
WAGTAIL_2FA_REQUIRED = True
# Links in emails and the admin point at the public address unless told otherwise.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL

STORAGES["staticfiles"] = {"BACKEND": "cms.storage.ManifestStaticFilesStorage"}

# HTTPS only, behind a proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() != "false"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Browsers reach the app through one proxy unless told otherwise; lockouts count the
# address that proxy saw (see cms.security.client_ip).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
_csp_report_uri = os.environ.get("CSP_REPORT_URI", "").strip()
if _csp_report_uri:
    for _policy in (CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_ADMIN):
        _policy["DIRECTIVES"] = {**_policy["DIRECTIVES"], "report-uri": [_csp_report_uri]}

# One cache for every app server, so a rate limit holds whichever server answers; public
# pages kept in it under their own prefix (cms/page_cache.py never flushes, it moves on to
# a new generation), or in a Redis of their own. Django's Redis backend, keeping its
# redis-py client (cms/cache.py).
CACHES = {
    "default": {
        "BACKEND": "cms.cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    },
    "pages": {
        "BACKEND": "cms.cache.RedisCache",
        "LOCATION": os.environ.get("PAGE_CACHE_REDIS_URL", "").strip() or os.environ["REDIS_URL"],
        "KEY_PREFIX": "pages",
        "TIMEOUT": CACHES["pages"]["TIMEOUT"],
    },
}

# Each process's own copies of the pages it sent, told of changes by PostgreSQL
# (cms/page_copies.py).
PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("PAGE_CACHE_LOCAL_MB", "32")) * 1024 * 1024

# A CDN in front of the site, purged by Wagtail's front-end cache when pages change:
# Cloudflare (a zone and an API token allowed to purge it), or any cache that takes HTTP
# PURGE requests (Varnish, nginx), or neither.
WAGTAILFRONTENDCACHE = {}
if os.environ.get("FRONTEND_CACHE_CLOUDFLARE_ZONE_ID", "").strip():
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": os.environ["FRONTEND_CACHE_CLOUDFLARE_ZONE_ID"].strip(),
        "BEARER_TOKEN": os.environ.get("FRONTEND_CACHE_CLOUDFLARE_TOKEN", "").strip(),
    }
if os.environ.get("FRONTEND_CACHE_PURGE_URL", "").strip():
    WAGTAILFRONTENDCACHE["http"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": os.environ["FRONTEND_CACHE_PURGE_URL"].strip(),
    }

if os.environ.get("EMAIL_HOST"):
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "true").lower() != "false"
