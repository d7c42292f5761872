"""Signing in and out at /accounts/, and resetting or changing a password, as a member or
an editor would."""

import re

from django.core import mail
from django.urls import reverse

import pytest
from bs4 import BeautifulSoup

from tests.factories import PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase"


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text_of(response) -> str:
    return " ".join(soup_of(response).get_text(" ").split())


def sign_in(client, username: str, password: str = PASSWORD, next: str = ""):
    url = reverse("login") + (f"?next={next}" if next else "")
    return client.post(url, {"username": username, "password": password})


def test_sign_in_page_asks_for_email_address_or_username(client, db):
    soup = soup_of(client.get(reverse("login")))

    label = soup.find("label", attrs={"for": "id_username"})
    assert label.get_text(strip=True) == "Email address or username"
    assert soup.find(id="id_password")["type"] == "password"
    assert soup.find("a", href=reverse("password_reset"))


def test_a_member_signs_in_with_her_email_address_in_any_case_and_sees_her_dashboard(
    client, service_user
):
    email = service_user.user.email.upper()

    response = sign_in(client, email)

    assert response.status_code == 302
    assert response["Location"] == reverse("consultations:dashboard")
    assert client.get(reverse("consultations:dashboard")).status_code == 200


def test_wrong_details_are_refused_clearly_and_what_she_typed_stays(client, service_user):
    email = service_user.user.email

    response = sign_in(client, email, password="not-her-password")

    assert response.status_code == 200
    assert "The email address, username or password is not right" in text_of(response)
    soup = soup_of(response)
    assert soup.find(id="id_username")["value"] == email
    assert not soup.find(id="id_password").has_attr("value")
    assert "_auth_user_id" not in client.session


def test_empty_sign_in_says_what_is_missing_beside_each_box(client, db):
    soup = soup_of(client.post(reverse("login"), {"username": "", "password": ""}))

    assert "Enter your email address or username" in soup.find(id="id_username-error").text
    assert "Enter your password" in soup.find(id="id_password-error").text


def test_sign_in_goes_back_to_the_page_she_asked_for(client, service_user, open_round):
    wanted = reverse("consultations:profile")
    page = client.get(f"{reverse('login')}?next={wanted}")
    assert soup_of(page).find("input", attrs={"name": "next"})["value"] == wanted

    response = sign_in(client, service_user.user.username, next=wanted)

    assert response["Location"] == wanted


def test_sign_in_ignores_a_next_address_on_another_site(client, service_user):
    response = sign_in(client, service_user.user.username, next="https://evil.example/")

    assert response["Location"] == reverse("consultations:dashboard")


def test_an_editor_who_is_not_a_member_lands_in_the_admin(client, editor):
    response = sign_in(client, editor.username)

    assert response["Location"] == reverse("wagtailadmin_home")


def test_an_editor_asked_for_a_page_goes_there(client, editor):
    response = sign_in(client, editor.username, next="/search/")

    assert response["Location"] == "/search/"


def test_sign_out_needs_a_post_and_then_says_she_has_signed_out(client, service_user):
    client.force_login(service_user.user)

    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert "You have signed out" in text_of(response)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("consultations:dashboard")).status_code == 302


def reset_link(message: mail.EmailMessage) -> str:
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)


def test_a_forgotten_password_is_reset_through_an_emailed_link(client, service_user):
    email = service_user.user.email

    response = client.post(reverse("password_reset"), {"email": email}, follow=True)

    assert "Check your email" in text_of(response)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [email]
    assert message.subject == "Reset your Stepping Stones password"
    assert not message.alternatives, "the email is plain text"
    assert "<" not in message.body

    form_page = client.get(reset_link(message), follow=True)
    assert "Choose a new password" in text_of(form_page)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert "Your password has been changed" in text_of(done)

    assert sign_in(client, email, password=NEW_PASSWORD)["Location"] == reverse(
        "consultations:dashboard"
    )


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert "Check your email" in text_of(response)
    assert mail.outbox == []


def test_a_reset_link_works_only_once(client, service_user):
    client.post(reverse("password_reset"), {"email": service_user.user.email})
    link = reset_link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    response = client.get(link, follow=True)

    assert "This link does not work any more" in text_of(response)
    assert soup_of(response).find("a", href=reverse("password_reset"))


def test_an_invalid_email_address_is_explained_beside_the_box(client, db):
    response = client.post(reverse("password_reset"), {"email": "not an address"})

    soup = soup_of(response)
    assert "Enter an email address in the right format" in soup.find(id="id_email-error").text
    assert soup.find(id="id_email")["value"] == "not an address"


def test_a_member_changes_her_password(client, service_user):
    client.force_login(service_user.user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("consultations:profile"), 302)]
    assert "Your password has been changed" in text_of(response)
    service_user.user.refresh_from_db()
    assert service_user.user.check_password(NEW_PASSWORD)
    assert "_auth_user_id" in client.session, "changing the password keeps her signed in"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {
                "old_password": "wrong",
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            "id_old_password",
            "Your current password is not right",
        ),
        (
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": "other"},
            "id_new_password2",
            "The passwords do not match",
        ),
        (
            {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
            "id_new_password1",
            "entirely numeric",
        ),
    ],
)
def test_a_password_change_that_cannot_be_made_is_explained_beside_the_box(
    client, service_user, data, field, message
):
    client.force_login(service_user.user)

    response = client.post(reverse("password_change"), data)

    assert response.status_code == 200
    assert message in soup_of(response).find(id=f"{field}-error").text
    service_user.user.refresh_from_db()
    assert service_user.user.check_password(PASSWORD)


def test_password_change_is_for_signed_in_members(client, editor):
    assert client.get(reverse("password_change")).status_code == 302
    client.force_login(editor)
    assert client.get(reverse("password_change")).status_code == 403
