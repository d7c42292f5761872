"""Settings shared by every environment; safe by default.

Secrets and hosts come from the environment. ``dev`` and ``test`` relax these settings,
``production`` tightens them.
"""

import os
import warnings
from pathlib import Path

import dj_database_url

# textstat 0.7.4 (pinned: newer releases fetch a word list at run time) imports
# pkg_resources, which warns on every start; setuptools is pinned below 81 to keep it.
warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = BASE_DIR / "var"


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# seed_demo creates accounts with a published password; only dev and test allow it.
DEMO_CONTENT_ALLOWED = False

INSTALLED_APPS = [
    "cms",
    "home",
    "evidence",
    "consultations",
    # wagtail-2fa itself is not listed: its wagtail_hooks module imports what Wagtail 8
    # removed, so cms/wagtail_hooks.py wires up its views, forms and middleware instead.
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Translations: wagtail-localize, and its version of wagtail.locales (same app label,
    # with locale synchronisation added) for the Locales admin.
    "wagtail_localize",
    "wagtail_localize.locales",
    # Background work (emails, Wagtail's reference index) through Django's task framework;
    # the database queue and its `db_worker` command for production.
    "django_tasks",
    "django_tasks_db",
    "wagtail.api.v2",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.sites",
    # Wagtail's user admin, with its looks at members' accounts in the audit log.
    "consultations.apps.AuditedUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "django_filters",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and everything that reads the database: a kept public page is sent
    # without a query.
    "cms.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: whoever may use the admin must also give a code from her device.
    "wagtail_2fa.middleware.VerifyUserMiddleware",
    "cms.middleware.PrivateWhenSignedInMiddleware",
    "consultations.middleware.ExportAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.security.SiteCSPMiddleware",
    "cms.security.PermissionsPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Finds the site and page for Wagtail's serve view from what was kept.
    "cms.routing.KeptRouteMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# django-axes refuses a sign-in while its username and address are locked out, before the
# password is checked; Django's backend then checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL in production and CI), else an SQLite file under var/.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Catalogues for templates/ and cms/; each app keeps its own in <app>/locale/.
LOCALE_PATHS = [BASE_DIR / "locale"]


def content_languages(codes: list[str]) -> list[tuple[str, str]]:
    """The site's languages, from language codes, default first: ``[("en-gb", "English
    (United Kingdom)"), ...]``. Any code Django knows will do; it needs a catalogue in
    locale/ (``make messages``) for the site's own words to be translated."""
    from django.conf.locale import LANG_INFO
    from django.core.exceptions import ImproperlyConfigured

    unknown = [code for code in codes if code.lower() not in LANG_INFO]
    if unknown:
        raise ImproperlyConfigured(f"SITE_LANGUAGES has codes Django does not know: {unknown}")
    chosen = [LANGUAGE_CODE, *(code.lower() for code in codes if code.lower() != LANGUAGE_CODE)]
    return [(code, LANG_INFO[code]["name"]) for code in chosen]


# Which languages pages can be translated into and the site is offered in, by code:
# SITE_LANGUAGES=en-gb,pl,ar. English (United Kingdom) is always there, and is the default.
LANGUAGES = content_languages(env_list("SITE_LANGUAGES", LANGUAGE_CODE))
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# Static files: our own from the apps, plus the NHS.UK frontend that `npm ci` installs.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Wagtail's page editor can exceed Django's default of 1,000 fields per form.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "stepping-stones@localhost")
# A mail server that stops answering fails the send (which is tried again later) rather
# than holding the worker for good.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))

# Tasks wait in the database for `manage.py db_worker` (django-tasks-db). dev and test run
# them at once, in the request that queued them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Django gives its own logger a console handler too; without this, lines print twice.
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

WAGTAIL_SITE_NAME = "Stepping Stones"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# The API's own links; without it they use the Site record's host, "localhost" in the demo.
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# What /search/ looks through; other page types (framework drafts, indexes) stay out.
SITE_SEARCH_PAGE_TYPES = [
    "home.StandardPage",
    "evidence.EvidenceSummaryPage",
    "evidence.LayFindingsPage",
]
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]

# Readability of lay text (lay summaries and lay findings), scored with textstat: the
# editor sees the scores, and publishing text that misses either target asks for a reason.
# Flesch reading ease 60 is where "plain English" begins; Flesch-Kincaid grade 8 is a reading
# age of about 13. UK guidance aims lower (a reading age of 9 to 11), but the formulas count
# familiar long words (pregnancy, midwife, methadone) as hard, so these are the line below
# which text needs rewriting, not the aim. None turns a check off.
LAY_TEXT_TARGET_READING_EASE = 60
LAY_TEXT_TARGET_GRADE = 8

# Local memory is enough for one process; production shares Redis between app servers, so
# that rate limits hold whichever server answers.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # The full-page cache of public pages (cms/page_cache.py), apart from everything else.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "TIMEOUT": int(os.environ.get("PAGE_CACHE_SECONDS", "3600")),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# How long a CDN may keep a public page (Cache-Control s-maxage). Wagtail's front-end cache
# purges a page and the pages above it when they change; listings, search results and
# menus elsewhere may show the old title for this long.
PAGE_CACHE_SHARED_MAX_AGE = int(os.environ.get("PAGE_CACHE_SHARED_MAX_AGE", "300"))
# Each app server process's own copies of the pages it sent, up to this many bytes, so a
# page read again needs no round trip to Redis (cms/page_copies.py). Off with one process
# and a local-memory cache, where they would be the same pages twice.
PAGE_CACHE_LOCAL_BYTES = 0
# Besides pages, what public pages show or obey: a change to any of these reads every page
# afresh (and purges every public page from the CDN).
PAGE_CACHE_INVALIDATED_BY = [
    "wagtailcore.PageViewRestriction",
    "wagtailcore.Site",
    "wagtailcore.Locale",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "evidence.Theme",
    "evidence.Domain",
    "evidence.GlossaryTerm",
    "home.StudySettings",
]

# Security headers. Production adds HTTPS-only cookies, HSTS and the redirect to HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True
# Taking part is special-category health data: a session left open on a shared computer
# ends after two hours without use and when the browser closes.
SESSION_COOKIE_AGE = 2 * 60 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Content Security Policy (django-csp): our own scripts and styles only, never inline.
# The NHS.UK frontend loads its Frutiger font from assets.nhs.uk.
_CSP_BASE = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "https://assets.nhs.uk"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_BASE}
# The Wagtail admin runs only scripts from this site too: cms/admin_scripts.py turns its
# inline start-up scripts into data. Its rich text editor (Draftail) adds <style> elements
# (the empty-line hint, nested list numbers), so it allows inline styles; it shows uploaded
# images as blob: previews and frames its own page previews.
CONTENT_SECURITY_POLICY_ADMIN = {
    "PATH_PREFIXES": ["/admin/"],
    # Pages shown before she is fully signed in have no inline code: they keep the strict policy.
    "STRICT_PREFIXES": ["/admin/login/", "/admin/password_reset/", "/admin/2fa/auth"],
    "DIRECTIVES": {
        **_CSP_BASE,
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

# No avatars from gravatar.com: the admin would send a hash of each editor's email address
# to a third party, and the admin's policy allows images from this site only.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# Nor does the admin ask releases.wagtail.org for news of a new release: the site contacts
# no outside server, and the admin's policy allows connections to this site only.
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Sign-in lockout (django-axes), on both sign-in pages. Failures count per username and
# address together, so one attacker cannot lock a member out from everywhere; a correct
# password during the lockout is refused, and a failure then starts the wait again.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours: a quarter of an hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cms.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "cms.security.client_ip"
# Who signed in when is not kept: failures alone, and only until the wait ends.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# How many proxies in front of the app append to X-Forwarded-For; 0 trusts none of it.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Messages live in the session, not a cookie: one carries a new member's invitation link
# to the editor who sent it.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Members sign in here, never in the Wagtail admin; private pages send readers here too.
# URL names, not paths, so that each is reversed in the reader's language (/pl/accounts/...).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "consultations:dashboard"
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL

# Two-factor sign-in (wagtail-2fa, TOTP devices from django-otp) for everyone who may use
# the admin: editors can see members' identities. dev and test turn it off.
WAGTAIL_2FA_REQUIRED = True
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME

# Consultations: how long an invitation link works, and where members write for help.
CONSULTATIONS_INVITATION_DAYS = int(os.environ.get("CONSULTATIONS_INVITATION_DAYS", "14"))
CONSULTATIONS_CONTACT_EMAIL = os.environ.get("CONSULTATIONS_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)
# Retention, applied by `manage.py purge_expired_data` (run it daily from cron): a round's
# comments and ratings are deleted this many days after it closes (10 years, the usual
# university research-data period); an invitation never accepted is deleted this many
# days after its link expired, long enough to send a new link to someone who was away.
CONSULTATIONS_RETENTION_DAYS = int(os.environ.get("CONSULTATIONS_RETENTION_DAYS", "3650"))
# What a member typed and did not send is kept for her until this many days after its
# round closed; she is not offered it after the round closes.
CONSULTATIONS_DRAFT_DAYS = int(os.environ.get("CONSULTATIONS_DRAFT_DAYS", "30"))
CONSULTATIONS_UNUSED_INVITATION_DAYS = int(
    os.environ.get("CONSULTATIONS_UNUSED_INVITATION_DAYS", "90")
)
# Members (and anyone outside the research team) never see the results of a group of
# fewer raters than this: "too few to show", so no one's rating can be picked out.
CONSULTATIONS_MIN_GROUP_SIZE = int(os.environ.get("CONSULTATIONS_MIN_GROUP_SIZE", "5"))
# Emails (`manage.py send_notifications`, from cron every few minutes): members who have
# not rated every item are reminded this many hours before a round closes; editors' digest
# of the day before goes from this hour (site time); a send that fails is tried this many
# times in all (5 minutes, 30 minutes, 3 hours apart) before editors see it as not sent.
CONSULTATIONS_REMINDER_HOURS = int(os.environ.get("CONSULTATIONS_REMINDER_HOURS", "48"))
CONSULTATIONS_DIGEST_HOUR = int(os.environ.get("CONSULTATIONS_DIGEST_HOUR", "8"))
CONSULTATIONS_EMAIL_ATTEMPTS = int(os.environ.get("CONSULTATIONS_EMAIL_ATTEMPTS", "4"))
# How many comments (replies included) and ratings (changes included) one member may send
# in ten minutes: a person reading and typing stays far below; a script does not.
# Drafts are saved as she types (a pause of a second or two), so their limit is higher.
CONSULTATIONS_RATE_LIMITS = {"comment": "20/10m", "rating": "60/10m", "draft": "600/10m"}
