"""Two-factor sign-in for the admin, with real TOTP codes computed from the device's key."""

import re
from io import StringIO

from django.core.management import CommandError, call_command
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.cms.test_settings import PRODUCTION_ENV, run_with_settings
from tests.factories import PASSWORD, EditorFactory, MemberFactory, UserFactory

pytestmark = pytest.mark.django_db

ADMIN = "/admin/"
SET_UP = "/admin/2fa/devices/new"
CODE = "/admin/2fa/auth"


@pytest.fixture(autouse=True)
def two_factor_required(settings) -> None:
    settings.WAGTAIL_2FA_REQUIRED = True


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code her authenticator app shows now (or one step later), from the device's key.

    A code is accepted once; the next sign-in in the same 30 seconds uses the next step's
    code, which the device allows for clock drift.
    """
    device.refresh_from_db()
    number = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead
    )
    return f"{number:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """A code the device would refuse: none of those near the present time step."""
    near = {code_for(device, steps_ahead=step) for step in range(-2, 3)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in near)


def enter_code(client, code: str, *, next: str = ADMIN) -> object:
    """Send the code page as she would: with the device field the page holds."""
    page = client.get(f"{CODE}?next={next}").content.decode()
    device = re.search(r'name="otp_device" value="([^"]*)"', page).group(1)
    return client.post(CODE, {"otp_device": device, "otp_token": code, "next": next})


def sign_in(client, user, *, path: str = "/admin/login/") -> object:
    return client.post(path, {"username": user.username, "password": PASSWORD})


def set_up_device(client, user) -> TOTPDevice:
    page = client.get(SET_UP)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(
        SET_UP, {"name": "My phone", "otp_token": code_for(device), "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    return device


@pytest.fixture
def editor_with_device(client, editor) -> TOTPDevice:
    client.force_login(editor)
    device = set_up_device(client, editor)
    client.logout()
    return device


def test_editor_signing_in_is_sent_to_set_up_a_device(client, editor):
    response = sign_in(client, editor)
    assert response.status_code == 302

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response.url == f"{SET_UP}?next={ADMIN}"


def test_set_up_page_shows_a_qr_code_and_the_key_in_wagtails_layout(client, editor):
    client.force_login(editor)

    page = client.get(SET_UP)
    qr_code = client.get(reverse("wagtail_2fa_device_qrcode"))

    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Set up two-factor sign-in" in html
    assert 'class="w-header' in html  # Wagtail 8's page header
    assert reverse("wagtail_2fa_device_qrcode") in html
    # The key to type in by hand is the one the QR code holds.
    assert device.config_url.split("secret=")[1].split("&")[0] in html
    assert qr_code.status_code == 200
    assert qr_code["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr_code.content
    # Until she has a device, the menu offers nothing else.
    assert "Set up two-factor sign-in" in html
    assert "Consultations" not in html


def test_setting_up_a_device_with_a_wrong_code_is_refused_and_keeps_the_device_unconfirmed(
    client, editor
):
    client.force_login(editor)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    wrong = wrong_code(device)

    response = client.post(SET_UP, {"name": "My phone", "otp_token": wrong, "password": PASSWORD})

    assert response.status_code == 200
    assert response.content.decode().count("That code is not right, or it was used already.") == 1
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()
    assert client.get(ADMIN).status_code == 302


def test_set_up_straight_after_a_wrong_code_says_to_wait_rather_than_wrong(
    client, editor, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    client.force_login(editor)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    form = {"name": "My phone", "password": PASSWORD}
    client.post(SET_UP, {**form, "otp_token": wrong_code(device)})

    response = client.post(SET_UP, {**form, "otp_token": code_for(device)})

    assert "Too many wrong codes in a row" in response.content.decode()
    assert "not right" not in response.content.decode()
    assert not TOTPDevice.objects.filter(user=editor, confirmed=True).exists()


def test_full_flow_set_up_then_a_code_at_every_sign_in(client, editor):
    sign_in(client, editor)
    set_up_page = client.get(client.get(ADMIN).url)
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert set_up_page.status_code == 200

    confirmed = client.post(
        f"{SET_UP}?next={ADMIN}",
        {"name": "My phone", "otp_token": code_for(device), "password": PASSWORD},
    )

    # Setting up the device counts as her second factor: she goes on where she was going.
    assert (confirmed.status_code, confirmed.url) == (302, ADMIN)
    home = client.get(ADMIN)
    assert home.status_code == 200
    assert "Two-factor sign-in is set up" in home.content.decode()
    devices = client.get(reverse("wagtail_2fa_device_list", kwargs={"user_id": editor.pk}))
    assert "My phone" in devices.content.decode()

    client.post(reverse("wagtailadmin_logout"))
    sign_in(client, editor)
    response = client.get(ADMIN)
    assert response.status_code == 302
    assert response.url == f"{CODE}?next={ADMIN}"

    page = client.get(response.url)
    assert page.status_code == 200
    assert "Enter your sign-in code" in page.content.decode()

    response = enter_code(client, code_for(device, steps_ahead=1))
    assert response.status_code == 302
    assert response.url == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_a_password_alone_cannot_add_a_device_to_an_account_that_has_one(
    client, editor, editor_with_device
):
    sign_in(client, editor)

    response = client.get(SET_UP)

    assert response.status_code == 302
    assert response.url.startswith(CODE)
    assert list(TOTPDevice.objects.filter(user=editor)) == [editor_with_device]


def test_set_up_does_not_send_her_on_to_another_site(client, editor):
    client.force_login(editor)
    client.get(SET_UP)
    device = TOTPDevice.objects.get(user=editor, confirmed=False)

    response = client.post(
        f"{SET_UP}?next=https://evil.example/",
        {"name": "My phone", "otp_token": code_for(device), "password": PASSWORD},
    )

    assert response.url == reverse("wagtail_2fa_device_list", kwargs={"user_id": editor.pk})


def test_with_two_devices_she_chooses_the_one_she_is_holding(client, editor, editor_with_device):
    sign_in(client, editor)
    enter_code(client, code_for(editor_with_device, steps_ahead=1))
    client.get(SET_UP)
    tablet = TOTPDevice.objects.get(user=editor, confirmed=False)
    client.post(SET_UP, {"name": "Tablet", "otp_token": code_for(tablet), "password": PASSWORD})
    client.post(reverse("wagtailadmin_logout"))
    sign_in(client, editor)

    page = client.get(CODE).content.decode()
    response = client.post(
        CODE,
        {
            "otp_device": tablet.persistent_id,
            "otp_token": code_for(tablet, steps_ahead=1),
            "next": ADMIN,
        },
    )

    assert '<select name="otp_device"' in page
    assert "My phone" in page and "Tablet" in page
    assert (response.status_code, response.url) == (302, ADMIN)
    assert client.get(ADMIN).status_code == 200


def test_wrong_code_is_refused_with_a_clear_message(client, editor, editor_with_device):
    sign_in(client, editor)
    wrong = wrong_code(editor_with_device)

    response = enter_code(client, wrong)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("That code is not right, or it was used already.") == 1
    assert "Invalid token" not in page
    assert client.get(ADMIN).status_code == 302


def test_guesses_straight_after_a_wrong_code_are_held_off(
    client, editor, editor_with_device, settings
):
    # The first wait is one second times this factor; a minute keeps a slow run honest.
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    sign_in(client, editor)
    enter_code(client, wrong_code(editor_with_device))

    # Even the right code waits: guessing all million codes one after another is not possible.
    response = enter_code(client, code_for(editor_with_device, steps_ahead=1))

    assert "Too many wrong codes in a row. Wait a moment" in response.content.decode()
    assert client.get(ADMIN).status_code == 302


@pytest.mark.parametrize(
    "device, token",
    [
        ("", "123456"),
        ("otp_totp.totpdevice/999999", "123456"),
        ("auth.user/1", "123456"),
        ("otp_totp.totpdevice/x\x00", "12\x003456"),
        ("not-a-device", "<script>alert(1)</script>"),
        (None, "9" * 100_000),
    ],
)
def test_malformed_code_forms_are_refused_without_a_server_error(
    client, editor, editor_with_device, device, token
):
    sign_in(client, editor)
    data = {"otp_token": token, "next": ADMIN}
    if device is not None:
        data["otp_device"] = device

    response = client.post(CODE, data)

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert client.get(ADMIN).status_code == 302


def test_editor_signing_in_on_the_members_page_is_asked_for_her_code(
    client, editor, editor_with_device
):
    response = sign_in(client, editor, path="/accounts/login/")
    assert response.status_code == 302

    response = client.get(response.url)

    assert response.status_code == 302
    assert response.url.startswith(CODE)


def test_unverified_editor_is_asked_for_her_code_on_the_public_site_too(
    client, editor, editor_with_device
):
    # Her session carries editor powers (private framework pages, the userbar), so a
    # password alone must not unlock them anywhere.
    sign_in(client, editor)

    response = client.get("/")

    assert response.status_code == 302
    assert response.url == f"{CODE}?next=/"

    enter_code(client, code_for(editor_with_device, steps_ahead=1), next="/")
    assert client.get("/").status_code == 200


def test_members_are_never_asked_for_a_code(client):
    member = MemberFactory()

    response = sign_in(client, member.user, path="/accounts/login/")
    assert response.status_code == 302

    assert client.get("/consultations/").status_code == 200
    assert client.get("/").status_code == 200
    assert not TOTPDevice.objects.filter(user=member.user).exists()


def test_two_factor_off_lets_an_editor_in_with_her_password(client, editor, settings):
    settings.WAGTAIL_2FA_REQUIRED = False

    sign_in(client, editor)

    assert client.get(ADMIN).status_code == 200


def test_superuser_removes_a_lost_device_and_the_editor_sets_up_a_new_one(
    client, editor, editor_with_device
):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    set_up_device(client, admin)
    device_list = reverse("wagtail_2fa_device_list", kwargs={"user_id": editor.pk})

    listing = client.get(device_list)
    confirm = client.get(
        reverse("wagtail_2fa_device_remove", kwargs={"pk": editor_with_device.pk})
    )
    removed = client.post(
        reverse("wagtail_2fa_device_remove", kwargs={"pk": editor_with_device.pk})
    )

    assert listing.status_code == 200
    assert "My phone" in listing.content.decode()
    assert editor.username in listing.content.decode()
    assert confirm.status_code == 200
    assert f"Remove this device from {editor.username}" in confirm.content.decode()
    assert removed.status_code == 302
    assert removed.url == device_list
    assert not TOTPDevice.objects.filter(user=editor).exists()
    entry = ModelLogEntry.objects.get(action="cms.two_factor_reset")
    assert (entry.object_id, entry.user_id) == (str(editor.pk), admin.pk)

    client.post(reverse("wagtailadmin_logout"))
    sign_in(client, editor)
    assert client.get(ADMIN).url.startswith(SET_UP)


def test_users_listing_offers_the_devices_to_a_superuser(client):
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    set_up_device(client, admin)
    editor = EditorFactory()

    listing = client.get(reverse("wagtailusers_users:index"))

    assert listing.status_code == 200
    assert reverse("wagtail_2fa_device_list", kwargs={"user_id": editor.pk}) in (
        listing.content.decode()
    )


def test_editor_cannot_see_or_remove_another_editors_devices(client, editor_with_device):
    other = EditorFactory()
    client.force_login(other)
    set_up_device(client, other)
    owner_id = editor_with_device.user_id

    listing = client.get(reverse("wagtail_2fa_device_list", kwargs={"user_id": owner_id}))
    removal = client.post(
        reverse("wagtail_2fa_device_remove", kwargs={"pk": editor_with_device.pk})
    )
    update = client.get(reverse("wagtail_2fa_device_update", kwargs={"pk": editor_with_device.pk}))

    # Wagtail answers a refusal in the admin with its home page and a message.
    assert (listing.status_code, listing.url) == (302, ADMIN)
    assert (removal.status_code, removal.url) == (302, ADMIN)
    assert update.status_code == 404
    assert TOTPDevice.objects.filter(pk=editor_with_device.pk).exists()


def test_own_device_pages_render(client, editor):
    client.force_login(editor)
    device = set_up_device(client, editor)
    urls = [
        reverse("wagtail_2fa_device_list", kwargs={"user_id": editor.pk}),
        reverse("wagtail_2fa_device_update", kwargs={"pk": device.pk}),
        reverse("wagtail_2fa_device_remove", kwargs={"pk": device.pk}),
        reverse("wagtailadmin_account"),
    ]

    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "data-wagtail-sidebar" in response.content.decode(), url

    account = client.get(reverse("wagtailadmin_account")).content.decode()
    assert "Two-factor sign-in" in account


def test_made_up_or_stale_addresses_are_refused_without_a_server_error(client, editor):
    client.force_login(editor)
    device = set_up_device(client, editor)

    missing_device = client.get(reverse("wagtail_2fa_device_remove", kwargs={"pk": 999_999}))
    missing_user = client.get(reverse("wagtail_2fa_device_list", kwargs={"user_id": 999_999}))
    # The QR code of a device she is not setting up, and a set-up form sent twice.
    qr_code = client.get(reverse("wagtail_2fa_device_qrcode"))
    resent = client.post(SET_UP, {"name": "Again", "otp_token": "123456", "password": PASSWORD})

    assert missing_device.status_code == 404
    assert (missing_user.status_code, missing_user.url) == (302, ADMIN)
    assert qr_code.status_code == 404
    assert resent.status_code == 302
    assert resent.url == SET_UP
    assert list(TOTPDevice.objects.filter(user=editor)) == [device]


def test_reset_two_factor_command_removes_the_devices(editor_with_device):
    editor = editor_with_device.user
    out = StringIO()

    call_command("reset_two_factor", editor.username, stdout=out)

    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert "Removed 1 two-factor device" in out.getvalue()
    assert ModelLogEntry.objects.filter(
        action="cms.two_factor_reset", object_id=str(editor.pk)
    ).exists()


def test_code_page_without_a_password_sign_in_sends_her_to_sign_in(client):
    response = client.get(CODE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


def test_reset_two_factor_command_names_an_unknown_user():
    with pytest.raises(CommandError, match="No user is called nobody"):
        call_command("reset_two_factor", "nobody")


def test_production_settings_require_two_factor():
    script = (
        "from django.conf import settings; "
        "print(settings.WAGTAIL_2FA_REQUIRED, "
        "'wagtail_2fa.middleware.VerifyUserMiddleware' in settings.MIDDLEWARE)"
    )
    result = run_with_settings(
        "cms.settings.production", ["-c", script], **PRODUCTION_ENV, WAGTAIL_2FA_REQUIRED="false"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]
