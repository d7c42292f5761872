"""Every URL refuses a state-changing request that carries no CSRF token, and changes
nothing; with the token, the same request goes through.

The URLs are the access matrix's own cases, so a URL added there is checked here too.
Each is posted to as every role the matrix lets in (a 200, or a 405 for a view that takes
only POST), so the refusal is the token's doing, not the role's; a URL that lets nobody in
is posted to as the superuser.
"""

from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.http import HttpResponse

from wagtail.models import ModelLogEntry, Page, PageLogEntry, Revision

import pytest

from consultations.models import Invitation, Member, Round
from tests.security.access_table import E405, OK
from tests.security.conftest import ROLES, Cast
from tests.security.state import contributions_state
from tests.security.test_access_matrix import cases_for

pytestmark = pytest.mark.django_db

# Wagtail's APIs are built on Django REST framework, which checks the token itself, for
# signed-in users only; the public API is read-only and refuses to be written to (405).
READ_ONLY_APIS = {
    "wagtailapi:pages:listing",
    "wagtailapi:pages:detail",
    "wagtailapi:pages:find",
}
# Django's refusal, and Django REST framework's.
CSRF_REFUSALS = ("CSRF verification failed", "CSRF Failed")


def is_csrf_refusal(response: HttpResponse) -> bool:
    content = response.content.decode()
    return response.status_code == 403 and any(text in content for text in CSRF_REFUSALS)


# Unsubscribing from an email's link takes a POST with no CSRF token by design: mail
# programs post there for one-click unsubscribe (RFC 8058), with no cookie or form. The
# signed token in the address is what a forger would need; tests/consultations/
# test_notifications.py checks that a POST with it works and one without it changes nothing.
NO_CSRF_BY_DESIGN = {"consultations:unsubscribe"}

# Whatever else the URL configuration holds, these must be among the URLs checked.
MUST_REFUSE = {
    "login",
    "logout",
    "password_change",
    "password_reset",
    "password_reset_confirm",
    "consultations:join",
    "consultations:profile",
    "consultations:withdraw",
    "consultations:rate",
    "consultations:comment",
    "consultations:comment_edit",
    "consultations:comment_withdraw",
    "evidence_import",
    "evidence_lay_text_readability",
    "wagtailadmin_logout",
    "wagtailsnippets_evidence_theme:add",
    "wagtailsnippets_evidence_theme:edit",
    "wagtailsnippets_evidence_theme:delete",
    *(
        f"{viewset}:{view}"
        for viewset in ("rounds", "members", "invitations")
        for view in ("index", "add", "edit", "delete", "history", "usage")
    ),
    "rounds:inspect",
    "rounds:changes",
    "invitations:renew",
    "consultations:you_said_we_did",
}

# What a forged form might carry: enough for most of the site's forms to be valid.
FORGED = {
    "body": "Sent from another site.",
    "quote": "",
    "choice": "1",
    "reason": "",
    "pseudonym": "Forged",
    "password1": "a-long-forged-password",
    "password2": "a-long-forged-password",
    "consent": "on",
    "email": "forged@example.org",
    "username": "forged@example.org",
    "password": "a-long-forged-password",
    "title": "Forged",
}


def world_state() -> dict:
    return {
        **contributions_state(),
        "counts": [
            model.objects.count()
            for model in (
                get_user_model(),
                Member,
                Invitation,
                Round,
                Page,
                Revision,
                PageLogEntry,
                ModelLogEntry,
            )
        ],
        "members": list(Member.objects.order_by("pk").values_list("pseudonym", "withdrawn_at")),
        "invitations": list(
            Invitation.objects.order_by("pk").values_list("token_digest", "accepted_at")
        ),
        "passwords": list(get_user_model().objects.order_by("pk").values_list("password")),
    }


def users_of(case_outcomes: tuple) -> list[str]:
    """The roles that get in: a page, or a refusal of GET by a view that takes POST."""
    roles = [
        role for role, outcome in zip(ROLES, case_outcomes, strict=True) if outcome in (OK, E405)
    ]
    # Wagtail's own admin views, declared as a family, and views that refuse everyone (such
    # as adding a member): the superuser is the one who could come closest.
    return roles or ["superuser"]


def test_every_url_refuses_a_post_without_a_csrf_token(cast: Cast) -> None:
    cases, _problems = cases_for(cast)
    clients = {role: cast.client(role, enforce_csrf_checks=True) for role in ROLES}
    before = world_state()
    sessions_before = Session.objects.count()
    unexpected = []
    checked = 0
    patterns_checked = set()
    for case in cases:
        if case.pattern in NO_CSRF_BY_DESIGN:
            continue
        for role in users_of(case.outcomes):
            client = clients[role]
            response = client.post(case.url(), FORGED)
            checked += 1
            patterns_checked.add(case.pattern)
            refused = is_csrf_refusal(response) or (
                case.pattern in READ_ONLY_APIS and response.status_code == 405
            )
            if not refused:
                unexpected.append(
                    f"{case.pattern:<40} {case.url():<60} {role:<13} got {response.status_code}"
                )
            if cast.users[role] is not None and "_auth_user_id" not in client.session:
                unexpected.append(f"{case.pattern:<40} {case.url():<60} {role:<13} signed out")
                client.force_login(cast.users[role])

    assert checked > 250
    assert patterns_checked >= MUST_REFUSE, MUST_REFUSE - patterns_checked
    assert not unexpected, "\n" + "\n".join(unexpected)
    assert world_state() == before
    assert Session.objects.count() == sessions_before


# The same requests with the token that the site's own page gave her: each goes through, so
# the refusals above are the missing token's doing. (role, page with the form, URL posted to)
WITH_TOKEN = [
    ("anonymous", "/accounts/login/", "/accounts/login/"),
    ("anonymous", "/consultations/join/{pending_token}/", "/consultations/join/{pending_token}/"),
    ("anonymous", "/accounts/password/reset/", "/accounts/password/reset/"),
    ("service_user", "/consultations/profile/", "/accounts/logout/"),
    ("service_user", "/consultations/profile/", "/consultations/profile/"),
    ("service_user", "/consultations/profile/withdraw/", "/consultations/profile/withdraw/"),
    ("service_user", "/accounts/password/change/", "/accounts/password/change/"),
    (
        "service_user",
        "/consultations/{shared_round}/pages/{section}/",
        "/consultations/{shared_round}/pages/{section}/rate/",
    ),
    (
        "service_user",
        "/consultations/{shared_round}/pages/{section}/",
        "/consultations/{shared_round}/pages/{section}/comment/",
    ),
    (
        "service_user",
        "/consultations/{shared_round}/comments/{su_comment}/edit/",
        "/consultations/{shared_round}/comments/{su_comment}/edit/",
    ),
    (
        "service_user",
        "/consultations/{shared_round}/comments/{su_comment}/withdraw/",
        "/consultations/{shared_round}/comments/{su_comment}/withdraw/",
    ),
    ("coordinator", "/admin/rounds/new/", "/admin/rounds/new/"),
    ("coordinator", "/admin/members/edit/{service_user}/", "/admin/members/edit/{service_user}/"),
    ("coordinator", "/admin/invitations/new/", "/admin/invitations/new/"),
    (
        "superuser",
        "/admin/invitations/delete/{pending_invitation}/",
        "/admin/invitations/delete/{pending_invitation}/",
    ),
    ("editor", "/admin/evidence/import/", "/admin/evidence/import/"),
    # Linking a change to the comments it answers.
    ("editor", "/admin/rounds/changes/{shared_round}/", "/admin/rounds/changes/{shared_round}/"),
    ("editor", "/admin/", "/admin/logout/"),
]


@pytest.mark.parametrize(("role", "form_page", "url"), WITH_TOKEN)
def test_the_same_post_with_her_token_goes_through(
    cast: Cast, role: str, form_page: str, url: str
) -> None:
    client = cast.client(role, enforce_csrf_checks=True)
    page = client.get(form_page.format(**cast.ids))
    token = client.cookies["csrftoken"].value

    response = client.post(
        url.format(**cast.ids),
        {**FORGED, "block_id": cast.item_ids[1], "csrfmiddlewaretoken": token},
    )

    assert page.status_code == 200
    assert not is_csrf_refusal(response)
    assert response.status_code < 500
