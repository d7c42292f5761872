"""Hostile input to signing in, passwords, joining from an invitation, her profile and
withdrawing."""

from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consultations.enums import Constituency
from consultations.models import Invitation, Member
from consultations.services import invitation_create
from tests.factories import PASSWORD, MemberFactory, study_site

from .fuzz_support import (
    as_received,
    assert_inert,
    assert_no_server_error,
    fuzz,
    hidden_inputs,
    hostile_text,
    malformed_ids,
    post_form,
    rolled_back,
)

NEW_PASSWORD = "another-long-password-42"

passwords = st.one_of(st.just(PASSWORD), st.just(NEW_PASSWORD), hostile_text)
identifiers = st.one_of(
    st.sampled_from(["alex.t@example.org", "ALEX.T@example.org"]), hostile_text
)


@pytest.fixture
def member(db) -> Member:
    member = MemberFactory(pseudonym="Willow")
    member.user.email = "alex.t@example.org"
    member.user.save()
    return member


def form_fields(client, url: str, field: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    return hidden_inputs(response.content, with_field=field)[0]


def pseudonym_as_stored(sent: str) -> str:
    return " ".join(as_received(sent).split())


def password_is(member: Member, password: str) -> bool:
    return get_user_model().objects.get(pk=member.user_id).check_password(password)


@fuzz
@given(username=identifiers, password=passwords, junk=st.dictionaries(hostile_text, hostile_text))
def test_sign_in_lets_in_only_the_right_password(client, member, username, password, junk):
    url = reverse("login")
    with rolled_back():
        data = form_fields(client, url, "username")
        response = post_form(
            client, url, {**junk, **data, "username": username, "password": password}
        )
        assert_no_server_error(response)
        signed_in = "_auth_user_id" in client.session
        assert signed_in == (
            response.status_code == 302
            and as_received(username).strip().lower() == "alex.t@example.org"
            and password == PASSWORD
        )
        if response.status_code == 200:
            assert_inert(response.content, username)
        client.logout()


@fuzz
@given(email=identifiers)
def test_a_reset_link_is_sent_only_to_her_own_address(client, member, email):
    url = reverse("password_reset")
    with rolled_back():
        mail.outbox.clear()
        data = form_fields(client, url, "email")
        response = post_form(client, url, {**data, "email": email})
        assert_no_server_error(response)
        assert all(message.to == ["alex.t@example.org"] for message in mail.outbox)
        if response.status_code == 200:
            assert_inert(response.content, email)


segments = st.one_of(malformed_ids, hostile_text).map(
    lambda text: quote(text.encode("utf-8", "surrogatepass"), safe="")[:2000]
)


@fuzz
@given(
    uid=st.one_of(st.just("valid"), segments),
    token=st.one_of(st.just("valid"), segments),
    new1=passwords,
    new2=st.one_of(st.just("same"), passwords),
)
def test_a_reset_link_sets_only_a_valid_password(client, member, uid, token, new1, new2):
    user = member.user
    uid = urlsafe_base64_encode(force_bytes(user.pk)) if uid == "valid" else uid
    token = default_token_generator.make_token(user) if token == "valid" else token
    new2 = new1 if new2 == "same" else new2
    with rolled_back():
        response = client.get(f"/accounts/password/reset/{uid}/{token}/", follow=True)
        assert_no_server_error(response)
        forms = (
            hidden_inputs(response.content, with_field="new_password1")
            if b'name="new_password1"' in response.content
            else []
        )
        if forms:
            url = response.redirect_chain[-1][0]
            response = post_form(
                client, url, {**forms[0], "new_password1": new1, "new_password2": new2}
            )
            assert_no_server_error(response)
        if response.status_code == 302 and forms:
            assert new1 == new2 and password_is(member, as_received(new1))
        else:
            assert password_is(member, PASSWORD)


@fuzz
@given(old=passwords, new1=passwords, new2=st.one_of(st.just("same"), passwords))
def test_a_password_changes_only_with_the_current_one_and_a_valid_new_one(
    client, member, old, new1, new2
):
    new2 = new1 if new2 == "same" else new2
    url = reverse("password_change")
    client.force_login(member.user)
    with rolled_back():
        data = form_fields(client, url, "old_password")
        response = post_form(
            client,
            url,
            {**data, "old_password": old, "new_password1": new1, "new_password2": new2},
        )
        assert_no_server_error(response)
        if response.status_code == 302:
            assert old == PASSWORD and new1 == new2 and password_is(member, as_received(new1))
        else:
            assert password_is(member, PASSWORD)


@pytest.fixture
def other_member(db) -> Member:
    return MemberFactory(pseudonym="Rowan")


@pytest.fixture
def invitation(db) -> tuple[Invitation, str]:
    return invitation_create(
        full_name="Jane Doe",
        email="jane.doe@example.org",
        constituency=Constituency.SERVICE_USER,
        study_site=study_site("Site B"),
        invited_by=None,
    )


@fuzz
@given(
    pseudonym=st.one_of(st.sampled_from(["Bluebell", "Jane", "Willow"]), hostile_text),
    password1=passwords,
    password2=st.one_of(st.just("same"), passwords),
    consent=st.one_of(st.sampled_from(["on", "yes", ""]), hostile_text),
)
def test_joining_makes_a_member_only_from_valid_choices(
    client, invitation, member, pseudonym, password1, password2, consent
):
    password2 = password1 if password2 == "same" else password2
    url = reverse("consultations:join", args=[invitation[1]])
    with rolled_back():
        data = form_fields(client, url, "pseudonym")
        before = Member.objects.count()
        response = post_form(
            client,
            url,
            {
                **data,
                "pseudonym": pseudonym,
                "password1": password1,
                "password2": password2,
                "consent": consent,
            },
        )
        assert_no_server_error(response)
        if response.status_code != 302:
            assert Member.objects.count() == before
            assert Invitation.objects.get(pk=invitation[0].pk).accepted_at is None
            if response.status_code == 200:
                assert_inert(response.content, pseudonym)
            return
        joined = Member.objects.latest("pk")
        assert Member.objects.count() == before + 1
        assert password1 == password2 and joined.user.check_password(as_received(password1))
        assert joined.pseudonym == pseudonym_as_stored(pseudonym)
        assert joined.pseudonym and "\x00" not in joined.pseudonym
        assert_inert(client.get(reverse("consultations:dashboard")).content, pseudonym)


@fuzz
@given(token=segments)
def test_a_malformed_invitation_link_is_not_found(client, invitation, token):
    with rolled_back():
        for method in (client.get, client.post):
            response = method(f"/consultations/join/{token}/")
            assert_no_server_error(response)
            assert response.status_code in (404, 410)


@fuzz
@given(
    pseudonym=st.one_of(st.sampled_from(["Willow", "Rowan", "Kestrel 2"]), hostile_text),
    notifications=st.one_of(
        st.lists(st.sampled_from(["new_rounds", "replies", "responses"]), max_size=3),
        st.lists(malformed_ids, max_size=3),
    ),
)
def test_her_profile_keeps_only_a_valid_pseudonym(
    client, member, other_member, pseudonym, notifications
):
    url = reverse("consultations:profile")
    client.force_login(member.user)
    with rolled_back():
        data = form_fields(client, url, "pseudonym")
        response = post_form(
            client, url, {**data, "pseudonym": pseudonym, "notifications": notifications}
        )
        assert_no_server_error(response)
        member.refresh_from_db()
        if response.status_code != 302:
            assert member.pseudonym == "Willow"
            if response.status_code == 200:
                assert_inert(response.content, pseudonym)
            return
        assert member.pseudonym == pseudonym_as_stored(pseudonym)
        assert member.pseudonym.lower() != "rowan" and "\x00" not in member.pseudonym
        for page in ("consultations:profile", "consultations:dashboard"):
            assert_inert(client.get(reverse(page)).content, pseudonym)


@fuzz
@given(junk=st.dictionaries(hostile_text, hostile_text, max_size=3))
def test_withdrawing_needs_only_her_confirmation_whatever_else_is_sent(client, member, junk):
    url = reverse("consultations:withdraw")
    client.force_login(member.user)
    with rolled_back():
        response = post_form(client, url, junk)
        assert_no_server_error(response)
        member.refresh_from_db()
        assert (member.withdrawn_at is not None) == (response.status_code == 302)
