"""Demo content for trying the site: accounts here, pages in each app's ``demo`` module.

Each installed app of the project may have a ``demo`` module with a function
``seed(*, log)`` that creates what is missing and changes nothing already there. They run
in ``INSTALLED_APPS`` order, so an app can rely on the content of the apps listed before it.
Then a few pages are translated into the site's other languages, from the PO files in
``cms/demo_translations/``, the way a translator working offline would.
"""

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from wagtail.models import Locale, Page, Site

import polib
from wagtail_localize.models import Translation, TranslationSource

DEMO_PASSWORD = "stepping-stones-demo"  # noqa: S105 - published in the README on purpose


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    role: str
    groups: tuple[str, ...] = ()


DEMO_ACCOUNTS = (
    # Moderators is Wagtail's own group of editors who may publish; Member coordinators
    # (from the consultations app) invite members and may see who they are.
    DemoAccount(
        "editor",
        "Erin",
        "Editor",
        "Wagtail editor (research team)",
        ("Moderators", "Member coordinators"),
    ),
    DemoAccount("member-su", "Sam", "Demo", "advisory member, service user"),
    DemoAccount("member-pro", "Priya", "Demo", "advisory member, professional"),
)

Log = Callable[[str], None]

DEMO_TRANSLATIONS_DIR = Path(__file__).resolve().parent / "demo_translations"
# The pages translated in the demo, by their path below the home page, parents first:
# the home page, the lay findings index and one lay findings page.
DEMO_TRANSLATED_PAGES = ("", "findings/", "findings/what-women-told-us-about-their-care/")


def demo_content_seed(*, log: Log) -> None:
    """Build the demo site: refuses unless the settings allow demo content."""
    if not settings.DEMO_CONTENT_ALLOWED:
        raise ImproperlyConfigured(
            "seed_demo creates accounts whose password is published, so it only runs with "
            "the dev or test settings, never with production settings."
        )
    with transaction.atomic():
        for account in DEMO_ACCOUNTS:
            demo_account_ensure(account=account, log=log)
        for app_config in apps.get_app_configs():
            is_project_app = Path(app_config.path).parent == settings.BASE_DIR
            if app_config.name == "cms" or not is_project_app:
                continue
            if module_has_submodule(app_config.module, "demo"):
                import_module(f"{app_config.name}.demo").seed(log=log)
        demo_translations_seed(log=log)


def demo_account_ensure(*, account: DemoAccount, log: Log) -> AbstractUser:
    """Create a demo account if it is missing; an existing one is left as it is."""
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=account.username,
        defaults={
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": f"{account.username}@example.org",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.set(Group.objects.filter(name__in=account.groups))
        log(f"Created the demo account {account.username}.")
    return user


def demo_translations_seed(*, log: Log) -> None:
    """A locale for each of the site's languages, and the demo pages translated into
    those with a PO file here; a page already translated is left as it is."""
    home = Site.objects.get(is_default_site=True).root_page
    for code, _name in settings.LANGUAGES:
        locale, created = Locale.objects.get_or_create(language_code=code)
        if created:
            log(f"Added the locale {code}.")
        catalogue_path = DEMO_TRANSLATIONS_DIR / f"{code}.po"
        if code == home.locale.language_code or not catalogue_path.exists():
            continue
        catalogue = polib.pofile(str(catalogue_path))
        for relative_path in DEMO_TRANSLATED_PAGES:
            page = Page.objects.filter(
                url_path=home.url_path + relative_path, locale_id=home.locale_id
            ).first()
            if page is None or page.has_translation(locale):
                continue
            demo_page_translate(page=page.specific, locale=locale, catalogue=catalogue)
            log(f"Translated {page.title} into {code}.")


def demo_page_translate(*, page: Page, locale: Locale, catalogue: polib.POFile) -> Page:
    """Translate a page with wagtail-localize: its strings go out as a PO file, come back
    with the catalogue's translations, and the translation is published."""
    source, _created = TranslationSource.get_or_create_from_instance(page)
    translation, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
    po = translation.export_po()
    for entry in po:
        translated = catalogue.find(entry.msgid)
        if translated is not None and translated.msgstr:
            entry.msgstr = translated.msgstr
    translation.import_po(po, tool_name="seed_demo")
    # wagtail-localize publishes a translation when the transaction commits, from the page
    # as it was then; the demo is one transaction, and by its end the page would be saved
    # over its children's count. So: save a draft, and publish it from the database now.
    translation.save_target(publish=False)
    target = translation.get_target_instance()
    target.get_latest_revision().publish()
    return target
