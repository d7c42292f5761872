"""Two-factor sign-in for everyone who may use the admin, with wagtail-2fa's TOTP devices.

wagtail-2fa 1.8.0's own ``wagtail_hooks`` imports ``wagtail.users.widgets``, which Wagtail 8
removed, so the package is not an installed app: ``cms/wagtail_hooks.py`` registers these
views at the package's own URLs and names, and ``templates/wagtail_2fa/`` gives them Wagtail
8's layout. The subclasses below make the code form work with django-otp 1.7, say why a
code is refused, and answer a stale or made-up address with a 404 or a fresh start rather
than a server error.
"""

from base64 import b32encode

from django import forms
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, re_path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail_2fa import forms as two_factor_forms
from wagtail_2fa import utils as two_factor_utils
from wagtail_2fa import views as two_factor_views

RESET_ACTION = "cms.two_factor_reset"

WRONG_CODE = _(
    "That code is not right, or it was used already. Enter the code your app shows now."
)
TOO_MANY_WRONG_CODES = _(
    "Too many wrong codes in a row. Wait a moment, then enter the code your app shows now."
)


def two_factor_devices_delete(
    *, user: AbstractBaseUser, by: AbstractBaseUser | None, pk: int | None = None
) -> int:
    """Remove ``user``'s devices (every one, or the one numbered ``pk``): without a device,
    at her next sign-in she must set up a new one.

    For a lost or replaced phone. The removal is kept in the audit log, with who did it.
    """
    devices = TOTPDevice.objects.filter(user=user)
    if pk is not None:
        devices = devices.filter(pk=pk)
    with transaction.atomic():
        deleted, _per_model = devices.delete()
        if deleted:
            log(instance=user, action=RESET_ACTION, user=by, data={"devices": deleted})
    return deleted


class TokenForm(two_factor_forms.TokenForm):
    """wagtail-2fa's code form, with the device named.

    django-otp 1.7 no longer tries a code against each of her devices in turn, so a form
    without a device refuses every code ("Please select a device"). One device is chosen
    for her; with several, she picks the one she is holding.
    """

    otp_device = forms.ChoiceField(label=_("Device"))

    # django-otp's own words speak of "tokens" and count failures; these say what to do.
    otp_error_messages = {
        **two_factor_forms.TokenForm.otp_error_messages,
        "token_required": _("Enter the code from your authenticator app."),
        "invalid_token": WRONG_CODE,
        "n_failed_attempts": TOO_MANY_WRONG_CODES,
        "verification_not_allowed": TOO_MANY_WRONG_CODES,
        "device_required": _("Choose the device you are holding."),
    }

    def __init__(self, user: AbstractBaseUser, *args: object, **kwargs: object) -> None:
        super().__init__(user, *args, **kwargs)
        self.order_fields(["otp_device", "otp_token"])
        self.fields["otp_token"].label = _("Code from your authenticator app")
        self.fields["otp_token"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "one-time-code"}
        )
        devices = (
            list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
            if user.is_authenticated
            else []
        )
        device_field = self.fields["otp_device"]
        device_field.choices = [(device.persistent_id, device.name) for device in devices]
        if devices:
            device_field.initial = devices[0].persistent_id
        if len(devices) <= 1:
            device_field.widget = forms.HiddenInput()


class DeviceForm(two_factor_forms.DeviceForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name of the device")
        self.fields["name"].help_text = _("For example, “My phone”: it tells your devices apart.")
        if "otp_token" in self.fields:
            self.fields["otp_token"].label = _("Code from your authenticator app")
            self.fields["otp_token"].help_text = ""

    def clean_otp_token(self) -> str:
        # After a wrong code django-otp refuses every code for a while; saying "invalid"
        # to the right code would send her looking for a mistake she did not make.
        allowed, _details = self.instance.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(TOO_MANY_WRONG_CODES, code="throttled")
        token = self.cleaned_data.get("otp_token")
        if token and self.instance.verify_token(token):
            return token
        raise forms.ValidationError(WRONG_CODE, code="invalid")


class LoginView(two_factor_views.LoginView):
    form_class = TokenForm

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        # A code only completes a password sign-in; without one, start with the password.
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        return super().dispatch(request, *args, **kwargs)


class DeviceListView(two_factor_views.DeviceListView):
    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["device_owner"] = get_object_or_404(get_user_model(), pk=context["user_id"])
        return context


class DeviceCreateView(two_factor_views.DeviceCreateView):
    form_class = DeviceForm

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        # The key she scanned is made when the page is shown; without one (a form sent
        # twice, or from a stale tab) show the page again with a fresh key to scan.
        if two_factor_utils.get_unconfirmed_device(request.user) is None:
            messages.warning(request, _("Scan the new QR code, then enter the code it shows."))
            return HttpResponseRedirect(request.get_full_path())
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: object) -> dict:
        # For an app that cannot scan: the same secret the QR code holds, as it would type it.
        return super().get_context_data(
            device_key=b32encode(self.device.bin_key).decode(), **kwargs
        )

    def form_valid(self, form: two_factor_forms.DeviceForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Two-factor sign-in is set up for your account."))
        return response

    def get_success_url(self) -> str:
        # Sent here on her way to an admin page: go on there once the device is confirmed.
        next_url = self.request.GET.get(REDIRECT_FIELD_NAME, "")
        if url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return next_url
        return super().get_success_url()


class DeviceUpdateView(two_factor_views.DeviceUpdateView):
    form_class = DeviceForm


class DeviceDeleteView(two_factor_views.DeviceDeleteView):
    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        get_object_or_404(TOTPDevice, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: object) -> HttpResponse:
        device = self.object
        two_factor_devices_delete(user=device.user, by=self.request.user, pk=device.pk)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self) -> str:
        # The package reads the owner from a hidden field; the device itself is surer.
        return reverse("wagtail_2fa_device_list", kwargs={"user_id": self.object.user_id})


class DeviceQRCodeView(two_factor_views.DeviceQRCodeView):
    def get(self, request: HttpRequest) -> HttpResponse:
        if two_factor_utils.get_unconfirmed_device(request.user) is None:
            raise Http404
        return super().get(request)


urlpatterns = [
    path("2fa/auth", LoginView.as_view(), name="wagtail_2fa_auth"),
    re_path(
        r"^2fa/devices/(?P<user_id>\d+)$",
        DeviceListView.as_view(),
        name="wagtail_2fa_device_list",
    ),
    path("2fa/devices/new", DeviceCreateView.as_view(), name="wagtail_2fa_device_new"),
    re_path(
        r"^2fa/devices/(?P<pk>\d+)/update$",
        DeviceUpdateView.as_view(),
        name="wagtail_2fa_device_update",
    ),
    re_path(
        r"^2fa/devices/(?P<pk>\d+)/remove$",
        DeviceDeleteView.as_view(),
        name="wagtail_2fa_device_remove",
    ),
    re_path(
        r"^2fa/devices/qr-code$",
        DeviceQRCodeView.as_view(),
        name="wagtail_2fa_device_qrcode",
    ),
]
