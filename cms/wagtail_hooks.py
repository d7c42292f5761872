from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from django.urls import URLPattern, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.staticfiles import versioned_static
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import LogActionRegistry

from cms import two_factor


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
