"""Study sites: the list the research team keeps, made from the free text members' sites
were typed in before; a site in use stays; other members never learn who is where."""

from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

import pytest
from bs4 import BeautifulSoup

from consultations.models import StudySite
from tests.factories import EditorFactory, MemberFactory, study_site

BEFORE = [("consultations", "0009_traceability")]
AFTER = [("consultations", "0012_study_sites_names_removed")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


# Migrating needs real transactions; the data the migrations made is put back afterwards,
# with the same ids, for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_data_put_back")
def test_the_migration_makes_one_site_per_typed_name_and_can_be_undone():
    apps = migrate(BEFORE)
    User = apps.get_model("auth", "User")
    Member = apps.get_model("consultations", "Member")
    Invitation = apps.get_model("consultations", "Invitation")
    now = timezone.now()
    typed = {"ash": "Leeds clinic", "birch": " leeds  CLINIC", "cedar": "Dundee", "damson": ""}
    for name, site in typed.items():
        user = User.objects.create(username=name)
        Member.objects.create(
            user=user, constituency="service_user", pseudonym=name, study_site=site
        )
    Invitation.objects.create(
        full_name="Elder Example",
        email="elder@example.org",
        constituency="professional",
        study_site="Fife team",
        token_digest="x" * 64,
        expires_at=now,
    )

    apps = migrate(AFTER)
    Site = apps.get_model("consultations", "StudySite")
    Member = apps.get_model("consultations", "Member")
    Invitation = apps.get_model("consultations", "Invitation")
    assert sorted(Site.objects.values_list("name", "nation")) == [
        ("Dundee", ""),
        ("Fife team", ""),
        ("Leeds clinic", ""),
    ]
    sites = dict(Member.objects.values_list("pseudonym", "study_site__name"))
    assert sites == {
        "ash": "Leeds clinic",
        "birch": "Leeds clinic",
        "cedar": "Dundee",
        "damson": None,
    }
    assert Invitation.objects.get().study_site.name == "Fife team"
    Group = apps.get_model("auth", "Group")
    assert (
        Group.objects.get(name="Moderators")
        .permissions.filter(codename="change_studysite")
        .exists()
    )

    apps = migrate(BEFORE)
    Member = apps.get_model("consultations", "Member")
    names = dict(Member.objects.values_list("pseudonym", "study_site"))
    assert names == {
        "ash": "Leeds clinic",
        "birch": "Leeds clinic",
        "cedar": "Dundee",
        "damson": "",
    }
    assert apps.get_model("consultations", "Invitation").objects.get().study_site == "Fife team"
    # Back to the latest schema of every app, for the tests that follow.
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_editors_keep_the_list_of_sites_with_their_nations(editor_client):
    url = reverse("wagtailsnippets_consultations_studysite:add")

    response = editor_client.post(url, {"name": "Glasgow clinic", "nation": "scotland"})

    assert response.status_code == 302
    site = StudySite.objects.get()
    assert (site.name, site.nation_label) == ("Glasgow clinic", "Scotland")
    listing = editor_client.get(reverse("wagtailsnippets_consultations_studysite:list"))
    assert "Glasgow clinic" in listing.text and "Scotland" in listing.text


def test_a_site_without_a_nation_is_reported_as_not_recorded(db):
    assert study_site("Somewhere", "").nation_label == "Not recorded"


def test_a_second_site_of_the_same_name_is_refused_whatever_its_capitals(editor_client):
    study_site("Glasgow clinic", "scotland")
    url = reverse("wagtailsnippets_consultations_studysite:add")

    response = editor_client.post(url, {"name": "GLASGOW CLINIC", "nation": "scotland"})

    assert response.status_code == 200
    assert StudySite.objects.count() == 1


def test_a_site_members_are_at_is_not_deleted_and_the_refusal_names_nobody(editor_client):
    site = study_site("Leeds clinic")
    MemberFactory(pseudonym="Willow", study_site=site)
    url = reverse("wagtailsnippets_consultations_studysite:delete", args=[site.pk])

    response = editor_client.post(url, follow=True)

    assert StudySite.objects.filter(pk=site.pk).exists()
    assert "Nothing was deleted" in response.text and "Willow" not in response.text


def test_a_site_nobody_is_at_is_deleted(editor_client):
    site = study_site("Old clinic")

    editor_client.post(reverse("wagtailsnippets_consultations_studysite:delete", args=[site.pk]))

    assert not StudySite.objects.exists()


def test_the_usage_of_a_site_lists_no_member(editor_client):
    site = study_site("Leeds clinic")
    MemberFactory(pseudonym="Willow", study_site=site)

    response = editor_client.get(
        reverse("wagtailsnippets_consultations_studysite:usage", args=[site.pk])
    )

    assert response.status_code == 200
    assert "Willow" not in response.text


def test_her_profile_tells_her_own_site(db, client):
    member = MemberFactory(pseudonym="Willow", study_site=study_site("Leeds clinic"))
    client.force_login(member.user)

    response = client.get(reverse("consultations:profile"))

    assert "Leeds clinic" in response.text


@pytest.fixture
def coordinator_client(client, db):
    user = EditorFactory()
    user.groups.add(Group.objects.get(name="Member coordinators"))
    client.force_login(user)
    return client


def test_a_coordinator_picks_a_members_site_from_a_plain_list(coordinator_client):
    study_site("Leeds clinic")
    study_site("Dundee clinic", "scotland")
    member = MemberFactory(pseudonym="Willow")
    url = reverse("members:edit", args=[member.pk])

    page = coordinator_client.get(url)
    refused = coordinator_client.post(
        url, {"pseudonym": "Willow", "constituency": "service_user", "study_site": "Leeds"}
    )

    soup = BeautifulSoup(page.content, "html.parser")
    options = [option.text for option in soup.select("select[name=study_site] option")]
    assert options == ["---------", "Dundee clinic", "Leeds clinic", "Site A"]
    # Anything but a site on the list is refused beside the field, not a server error.
    assert refused.status_code == 200
    member.refresh_from_db()
    assert member.study_site.name == "Site A"
