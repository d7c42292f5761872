"""The audit log of every look at members' identities and every export: one entry per
page or download, naming who looked and what, never her name or address."""

import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from consultations.models import Invitation, Member
from consultations.services import invitation_create
from tests.factories import (
    EditorFactory,
    EvidenceIndexPageFactory,
    MemberFactory,
    UserFactory,
    study_site,
)

VIEW_IDENTITY = "consultations.view_identity"
EXPORT = "consultations.export"


@pytest.fixture
def coordinator(db):
    """An editor in the Member coordinators group: she may see who members are."""
    user = EditorFactory()
    user.groups.add(Group.objects.get(name="Member coordinators"))
    return user


@pytest.fixture
def member(db) -> Member:
    return MemberFactory(
        pseudonym="Bluebell",
        user__first_name="Harriet",
        user__last_name="Quinn",
        user__email="harriet.quinn@example.org",
        # As for every invited member: her address is her user name.
        user__username="harriet.quinn@example.org",
        study_site=study_site("Leeds"),
    )


@pytest.fixture
def invitation(coordinator) -> Invitation:
    invitation, _token = invitation_create(
        full_name="Jordan Example",
        email="jordan.example@example.org",
        constituency="professional",
        study_site=study_site("Leeds"),
        professional_role="Midwife",
        invited_by=coordinator,
    )
    return invitation


def entries(action: str) -> list[ModelLogEntry]:
    return list(ModelLogEntry.objects.filter(action=action))


def identity_pages(member: Member, invitation: Invitation) -> dict[str, str]:
    return {
        "member listing": reverse("members:index"),
        "member search": reverse("members:index_results") + "?q=Harriet",
        "member": reverse("members:edit", args=[member.pk]),
        "invitation listing": reverse("invitations:index"),
        "invitation": reverse("invitations:edit", args=[invitation.pk]),
        "new link for an invitation": reverse("invitations:renew", args=[invitation.pk]),
    }


@pytest.mark.parametrize(
    "page",
    [
        "member listing",
        "member search",
        "member",
        "invitation listing",
        "invitation",
        "new link for an invitation",
    ],
)
def test_each_look_at_identities_writes_one_entry_naming_who_looked(
    client, coordinator, member, invitation, page
):
    client.force_login(coordinator)
    ModelLogEntry.objects.filter(action=VIEW_IDENTITY).delete()

    response = client.get(identity_pages(member, invitation)[page])

    assert response.status_code == 200
    (entry,) = entries(VIEW_IDENTITY)
    assert entry.user == coordinator
    logged = f"{entry.label} {json.dumps(entry.data)}"
    for secret in ("Harriet", "Quinn", "harriet.quinn", "Jordan", "jordan.example", "Leeds"):
        assert secret not in logged


def test_a_member_listing_entry_names_her_by_pseudonym(client, coordinator, member):
    client.force_login(coordinator)

    client.get(reverse("members:index"))

    (entry,) = entries(VIEW_IDENTITY)
    assert {"model": "consultations.member", "id": member.pk, "pseudonym": "Bluebell"} in (
        entry.data["shown"]
    )


def test_a_look_at_one_member_is_in_her_history(client, coordinator, member):
    client.force_login(coordinator)

    client.get(reverse("members:edit", args=[member.pk]))
    history = client.get(reverse("members:history", args=[member.pk]))

    (entry,) = entries(VIEW_IDENTITY)
    assert entry.object_id == str(member.pk)
    assert "View identities" in history.content.decode()


def test_an_editor_without_the_identity_permission_writes_no_entry(client, member, invitation):
    client.force_login(EditorFactory())

    listing = client.get(reverse("members:index"))
    client.get(reverse("members:edit", args=[member.pk]))
    client.get(reverse("invitations:index"))

    assert listing.status_code == 200
    assert entries(VIEW_IDENTITY) == []


def test_the_site_history_shows_looks_and_exports_with_readable_labels(client, coordinator):
    client.force_login(coordinator)
    client.get(reverse("members:index"))
    client.get(reverse("rounds:index") + "?export=csv")
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)

    history = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()

    assert "real names or contact details shown" in history
    assert "Spreadsheet downloaded" in history
    assert "consultations_round.csv" in history


@pytest.mark.parametrize(
    "export",
    [
        "rounds:index",
        "wagtailadmin_reports:site_history",
        "wagtailadmin_reports:aging_pages",
    ],
)
@pytest.mark.parametrize("spreadsheet", ["csv", "xlsx"])
def test_each_admin_export_writes_one_entry_naming_who_took_it(client, db, export, spreadsheet):
    editor = UserFactory(is_superuser=True)
    client.force_login(editor)

    response = client.get(f"{reverse(export)}?export={spreadsheet}")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    (entry,) = entries(EXPORT)
    assert entry.user == editor
    assert entry.label.endswith(f".{spreadsheet}")
    assert entry.data == {"path": reverse(export)}


def test_an_editor_downloading_the_evidence_table_is_logged(client, home_page, editor):
    index = EvidenceIndexPageFactory(parent=home_page)
    client.force_login(editor)

    response = client.get(f"{index.url}csv/?q=anything")
    b"".join(response.streaming_content)

    (entry,) = entries(EXPORT)
    assert entry.user == editor
    assert entry.label == "stepping-stones-evidence.csv"
    # Without the query string: a search term could be anything, a name included.
    assert entry.data == {"path": f"{index.url}csv/"}


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_the_public_and_members_downloading_the_evidence_table_are_not_logged(
    client, home_page, member, who
):
    index = EvidenceIndexPageFactory(parent=home_page)
    if who == "member":
        client.force_login(member.user)

    response = client.get(f"{index.url}csv/")

    assert response.status_code == 200
    assert entries(EXPORT) == []


def test_a_page_that_is_not_a_spreadsheet_writes_no_export_entry(client, editor):
    client.force_login(editor)

    client.get(reverse("rounds:index"))

    assert entries(EXPORT) == []


@pytest.fixture
def user_manager(db):
    """A superuser, who manages accounts in Settings → Users: it shows real names."""
    return UserFactory(is_superuser=True)


@pytest.mark.parametrize("view", ["index", "edit", "delete", "history", "usage"])
def test_wagtails_user_admin_logs_each_view_of_a_members_account(
    client, user_manager, member, view
):
    client.force_login(user_manager)
    args = [] if view == "index" else [member.user_id]

    response = client.get(reverse(f"wagtailusers_users:{view}", args=args))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Harriet" in page or "harriet.quinn" in page
    (entry,) = entries(VIEW_IDENTITY)
    assert entry.user == user_manager
    assert "Bluebell" in json.dumps(entry.data)
    assert "Harriet" not in f"{entry.label} {json.dumps(entry.data)}"


def test_wagtails_user_admin_logs_nothing_for_accounts_of_non_members(client, user_manager):
    client.force_login(user_manager)
    colleague = EditorFactory()

    client.get(reverse("wagtailusers_users:index"))
    client.get(reverse("wagtailusers_users:edit", args=[colleague.pk]))

    assert entries(VIEW_IDENTITY) == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_wagtails_user_admin_will_not_copy_a_members_account_nor_show_it(
    client, user_manager, member, method
):
    client.force_login(user_manager)
    accounts = get_user_model().objects.count()
    url = reverse("wagtailusers_users:copy", args=[member.user_id])
    data = {
        "username": "copy@example.org",
        "email": "copy@example.org",
        "first_name": "Copy",
        "last_name": "Member",
        "password1": "a-long-test-password",
        "password2": "a-long-test-password",
    }

    response = getattr(client, method)(url, data if method == "post" else None)

    assert (response.status_code, response["Location"]) == (
        302,
        reverse("wagtailusers_users:index"),
    )
    assert "Harriet" not in response.content.decode()
    assert get_user_model().objects.count() == accounts
    # Nothing was shown, so nothing is logged.
    assert entries(VIEW_IDENTITY) == []
    listing = client.get(response["Location"]).content.decode()
    assert "A member&#x27;s account cannot be copied" in listing
    # Nor do the listing and her account's page offer to copy it.
    assert url not in listing
    edit = reverse("wagtailusers_users:edit", args=[member.user_id])
    assert url not in client.get(edit).content.decode()


def test_wagtails_user_admin_still_copies_an_editors_account(client, user_manager, member):
    client.force_login(user_manager)
    colleague = EditorFactory(first_name="Priya")
    url = reverse("wagtailusers_users:copy", args=[colleague.pk])

    response = client.get(url)

    assert response.status_code == 200
    assert 'value="Priya"' in response.content.decode()
    assert url in client.get(reverse("wagtailusers_users:index")).content.decode()
