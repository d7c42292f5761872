from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.staticfiles import versioned_static
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogActionRegistry
from wagtail.models import Page

from cms import translations, two_factor
from cms.languages import note_page_language
from cms.page_cache import page_cacheable


@hooks.register("insert_global_admin_js")
def admin_init_script() -> SafeString:
    # Starts the widgets whose inline start-up scripts cms/admin_scripts.py turned into data.
    return format_html(
        '<script src="{}" defer></script>', versioned_static("cms/js/admin_init.js")
    )


@hooks.register("register_admin_urls")
def register_two_factor_urls() -> list[URLPattern]:
    return two_factor.urlpatterns


@hooks.register("register_log_actions")
def register_two_factor_log_actions(actions: LogActionRegistry) -> None:
    actions.register_action(
        two_factor.RESET_ACTION,
        _("Reset two-factor sign-in"),
        _("Two-factor device removed"),
    )


@hooks.register("construct_main_menu")
def hide_menu_until_verified(request: HttpRequest, menu_items: list[MenuItem]) -> None:
    # Before her code is checked she may only set up a device; a menu of pages the
    # middleware would refuse is a dead end.
    if settings.WAGTAIL_2FA_REQUIRED and not request.user.is_verified():
        menu_items[:] = [
            MenuItem(
                _("Set up two-factor sign-in"),
                reverse("wagtail_2fa_device_new"),
                icon_name="key",
            )
        ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request: HttpRequest) -> dict:
    return {
        "url": reverse("wagtail_2fa_device_list", kwargs={"user_id": request.user.pk}),
        "label": _("Two-factor sign-in"),
        "help_text": _("Add, rename or remove the devices that give your sign-in codes."),
    }


@hooks.register("register_user_listing_buttons")
def two_factor_listing_button(
    user: AbstractBaseUser, request_user: AbstractBaseUser
) -> list[Button]:
    # wagtail-2fa lets only the account's owner and superusers see or remove its devices.
    if not (request_user.is_superuser or request_user.pk == user.pk):
        return []
    return [
        Button(
            _("Two-factor devices"),
            reverse("wagtail_2fa_device_list", kwargs={"user_id": user.pk}),
            icon_name="key",
            priority=100,
        )
    ]


@hooks.register("before_serve_page")
def serve_in_reader_language_or_fall_back(
    page: Page, request: HttpRequest, serve_args: list, serve_kwargs: dict
) -> None:
    """Note which page is served (for the language links), and whether its words are in
    another language than the reader's (for the notice)."""
    request.served_page = page
    note_page_language(page, request)


@hooks.register("before_serve_page")
def serve_from_page_cache(
    page: Page, request: HttpRequest, serve_args: list, serve_kwargs: dict
) -> None:
    """A page is the same for every reader not signed in: cms.page_cache may keep it.
    Private pages are not kept: Wagtail marks them ``no-store``."""
    page_cacheable(request)


@hooks.register("register_admin_urls")
def register_translation_report_urls() -> list[URLPattern]:
    view = translations.OutOfDateTranslationsView
    return [
        path("reports/translations-out-of-date/", view.as_view(), name=view.index_url_name),
        path(
            "reports/translations-out-of-date/results/",
            view.as_view(results_only=True),
            name=view.index_results_url_name,
        ),
    ]


@hooks.register("register_reports_menu_item")
def translation_report_menu_item() -> MenuItem:
    return MenuItem(
        _("Translations out of date"),
        reverse("cms_translations_out_of_date"),
        icon_name="warning",
        order=9010,
    )


# Before wagtail-localize's own hook, which answers with its translation editor.
@hooks.register("before_edit_page", order=-1)
def warn_translations_out_of_date(request: HttpRequest, page: Page) -> None:
    """Tell whoever opens a translation, or its source page, that the source has changed
    since the translation was last brought up to date, and how to update it."""
    if request.method != "GET":
        return
    out_of_date = list(translations.translations_out_of_date_of(page))
    if not out_of_date:
        return
    source = out_of_date[0].source
    update_url = reverse("wagtail_localize:update_translations", args=[source.pk])
    if out_of_date[0].target_locale_id == page.locale_id:
        text = _(
            "This translation is out of date: the %(language)s page changed on %(date)s, "
            "after the translation was last brought up to date."
        ) % {
            "language": source.locale.get_display_name(),
            "date": date_format(timezone.localtime(out_of_date[0].source_published_at)),
        }
    else:
        text = _("Translations of this page are out of date: %(languages)s.") % {
            "languages": ", ".join(t.target_locale.get_display_name() for t in out_of_date)
        }
    messages.warning(
        request,
        text,
        buttons=[messages.button(update_url, _("Sync translated pages"))],
    )
