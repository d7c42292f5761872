"""System checks of the project's own set-up."""

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

from cms.management.commands.compile_translations import catalogue_dirs


@register(deploy=True)
def translations_compiled(app_configs: object, **kwargs: object) -> list[CheckMessage]:
    """Each of the site's languages has its catalogues compiled: without the .mo files,
    its pages show every word of the site's own in English, with no error."""
    missing = []
    for code, _name in settings.LANGUAGES:
        if code == settings.LANGUAGE_CODE:
            continue
        for directory in catalogue_dirs():
            po_path = directory / code / "LC_MESSAGES" / "django.po"
            if po_path.exists() and not po_path.with_suffix(".mo").exists():
                missing.append(str(po_path.relative_to(settings.BASE_DIR)))
    if not missing:
        return []
    return [
        Warning(
            f"Translation catalogues not compiled: {', '.join(missing)}.",
            hint="Run `manage.py compile_translations` after installing.",
            id="cms.W001",
        )
    ]


@register(deploy=True)
def email_configured(app_configs: object, **kwargs: object) -> list[CheckMessage]:
    """Emails go through a real mail server, from a real address: otherwise invitations
    and reminders fail (or leave from an address nobody can answer), tried again and
    then listed in Emails not sent, with nobody told why before."""
    if settings.EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend":
        return []
    problems = []
    if settings.EMAIL_HOST in ("", "localhost", "127.0.0.1"):
        problems.append("no mail server (EMAIL_HOST)")
    if settings.DEFAULT_FROM_EMAIL.endswith("@localhost"):
        problems.append(f"a sender address nobody can reply to ({settings.DEFAULT_FROM_EMAIL})")
    if not problems:
        return []
    return [
        Warning(
            f"Emails have {' and '.join(problems)}.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) and "
            "DEFAULT_FROM_EMAIL in the environment.",
            id="cms.W002",
        )
    ]
