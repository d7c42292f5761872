"""Guessing passwords: after a few wrong ones, signing in with that name from that address
pauses for a while, on the members' sign-in page and the admin's alike."""

import re
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup

from tests.factories import PASSWORD

SIGN_IN_PAGES = [
    pytest.param("login", id="members"),
    pytest.param("wagtailadmin_login", id="admin"),
]


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def sign_in(client, page: str, username: str, password: str, address: str = "192.0.2.10"):
    return client.post(
        reverse(page), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(client, page: str, username: str, times: int, address: str = "192.0.2.10") -> None:
    """Wrong passwords, each refused on the sign-in page as usual."""
    for _ in range(times):
        response = sign_in(client, page, username, "not-the-password", address)
        assert response.status_code == 200


def lock_out(client, page: str, username: str, address: str = "192.0.2.10"):
    """As many wrong passwords as allowed: the last one is answered with the lockout."""
    fail(client, page, username, settings.AXES_FAILURE_LIMIT - 1, address)
    response = sign_in(client, page, username, "not-the-password", address)
    assert response.status_code == 429
    return response


@pytest.fixture
def account(service_user, editor):
    """Who signs in on each page: the member on hers, the editor on the admin's."""
    return {"login": service_user.user, "wagtailadmin_login": editor}


@pytest.mark.parametrize("page", SIGN_IN_PAGES)
def test_the_right_password_is_refused_once_too_many_wrong_ones_were_tried(client, account, page):
    user = account[page]
    lock_out(client, page, user.username)

    response = sign_in(client, page, user.username, PASSWORD)

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    text = text_of(response)
    assert "Signing in is paused" in text
    assert "The password was wrong too many times for this email address or username" in text
    assert "Try again in 15 minutes, after" in text
    # The site's way with times: "after 9:42am."
    assert re.search(r"after \d{1,2}:\d{2}(am|pm)\. ", text)
    assert "Trying before then starts the wait again." in text


def test_one_fewer_wrong_password_still_lets_her_in(client, service_user):
    fail(client, "login", service_user.user.username, settings.AXES_FAILURE_LIMIT - 1)

    response = sign_in(client, "login", service_user.user.username, PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(service_user.user.pk)


def test_her_email_address_and_her_username_count_as_one(client, service_user):
    user = service_user.user
    fail(client, "login", user.email, settings.AXES_FAILURE_LIMIT - 1)

    assert sign_in(client, "login", user.username, "not-the-password").status_code == 429
    assert sign_in(client, "login", user.email.upper(), PASSWORD).status_code == 429


def test_the_lockout_page_is_in_the_site_layout_for_members_and_the_admins_for_editors(
    client, account
):
    lock_out(client, "login", account["login"].username)
    lock_out(client, "wagtailadmin_login", account["wagtailadmin_login"].username)

    member_page = BeautifulSoup(
        sign_in(client, "login", account["login"].username, PASSWORD).content, "html.parser"
    )
    admin_page = BeautifulSoup(
        sign_in(
            client, "wagtailadmin_login", account["wagtailadmin_login"].username, PASSWORD
        ).content,
        "html.parser",
    )

    assert member_page.select_one("header.nhsuk-header")
    assert member_page.find("a", href=reverse("password_reset"))
    assert admin_page.select_one("body.login")
    assert admin_page.find("a", href=reverse("wagtailadmin_password_reset"))


def test_someone_else_guessing_from_elsewhere_does_not_lock_her_out(client, service_user):
    user = service_user.user
    lock_out(client, "login", user.username, address="203.0.113.66")

    response = sign_in(client, "login", user.username, PASSWORD, address="192.0.2.10")

    assert response.status_code == 302


def test_signing_in_again_is_possible_when_the_wait_is_over(client, service_user):
    user = service_user.user
    lock_out(client, "login", user.username)
    assert sign_in(client, "login", user.username, PASSWORD).status_code == 429

    # As if the quarter of an hour had passed since the last attempt.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME, seconds=1)
    )

    assert sign_in(client, "login", user.username, PASSWORD).status_code == 302


def test_signing_in_clears_the_count_of_wrong_passwords(client, service_user):
    user = service_user.user
    fail(client, "login", user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, "login", user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))

    fail(client, "login", user.username, settings.AXES_FAILURE_LIMIT - 1)

    assert sign_in(client, "login", user.username, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_behind_the_proxy_a_forged_forwarded_address_does_not_dodge_the_lockout(
    client, service_user, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    user = service_user.user

    def through_proxy(number: int, password: str):
        # The client writes what it likes; the proxy appends the address it really saw.
        forwarded = f"198.51.100.{number}, 203.0.113.66"
        return client.post(
            reverse("login"),
            {"username": user.username, "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for number in range(settings.AXES_FAILURE_LIMIT):
        through_proxy(number, "not-the-password")

    assert through_proxy(99, PASSWORD).status_code == 429
    assert AccessAttempt.objects.get().ip_address == "203.0.113.66"


def test_without_a_proxy_the_forwarded_header_is_ignored(client, service_user):
    user = service_user.user
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": user.username, "password": "not-the-password"},
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )

    assert sign_in(client, "login", user.username, PASSWORD).status_code == 429


def test_guessing_her_current_password_on_an_open_session_meets_the_lockout(client, service_user):
    """A session left open on a shared computer cannot be used to guess her password:
    wrong current passwords count as wrong sign-ins."""
    user = service_user.user
    client.force_login(user)
    url = reverse("password_change")

    def change(old_password: str):
        return client.post(
            url,
            {
                "old_password": old_password,
                "new_password1": "a-new-long-passphrase-9",
                "new_password2": "a-new-long-passphrase-9",
            },
            REMOTE_ADDR="192.0.2.10",
        )

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        refused = change("not-the-password")
        assert refused.status_code == 200
        assert "Your current password is not right" in text_of(refused)

    assert change("not-the-password").status_code == 429
    assert change(PASSWORD).status_code == 429
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_her_right_current_password_changes_it(client, service_user):
    user = service_user.user
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-9",
            "new_password2": "a-new-long-passphrase-9",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-new-long-passphrase-9")
