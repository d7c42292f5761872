import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError

from wagtail.models import Page, PageLogEntry, ReferenceIndex, Revision

import pytest

from cms.demo import DEMO_PASSWORD
from evidence.models import GlossaryTerm
from home.models import HomePage, StandardPage, StudySettings


@pytest.fixture
def demo_site(demo_seeded_once, db):
    """The demo, loaded once for this module (see ``demo_seeded_once``)."""
    return demo_seeded_once


BASE_DIR = Path(__file__).resolve().parents[2]


def snapshot() -> dict[str, object]:
    User = get_user_model()
    return {
        "pages": sorted(Page.objects.values_list("url_path", flat=True)),
        "revisions": Revision.objects.count(),
        "log entries": PageLogEntry.objects.count(),
        "users": sorted(User.objects.values_list("username", flat=True)),
        "memberships": User.groups.through.objects.count(),
        "study settings": list(StudySettings.objects.values()),
        "group permissions": Group.permissions.through.objects.count(),
        "glossary": sorted(GlossaryTerm.objects.values_list("term", flat=True)),
        "references": ReferenceIndex.objects.count(),
    }


def test_seed_demo_builds_the_pages_a_visitor_can_explore(demo_site, client):
    home = client.get("/")
    assert "A research study on care for women who use drugs in pregnancy" in home.text
    for path in (
        "/",
        "/about/",
        "/get-involved/",
        "/privacy-notice/",
        "/accessibility-statement/",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "Demo content." in page.text, f"{path} is not marked as demo content"


def test_seed_demo_prints_the_demo_logins(demo_site):
    assert f"password {DEMO_PASSWORD}" in demo_site
    for username in ("editor", "member-su", "member-pro"):
        assert username in demo_site


def test_seed_demo_run_twice_doubles_nothing(demo_site):
    before = snapshot()

    call_command("seed_demo", stdout=StringIO())

    assert snapshot() == before


def test_seed_demo_leaves_what_editors_changed(demo_site):
    about = StandardPage.objects.get(slug="about")
    about.title = "About Stepping Stones"
    about.save_revision().publish()
    home = HomePage.objects.get(locale__language_code="en-gb")
    home.introduction = "Our own words."
    home.save_revision().publish()
    get_user_model().objects.filter(username="editor").update(first_name="Rename")

    call_command("seed_demo", stdout=StringIO())

    assert StandardPage.objects.get(slug="about").title == "About Stepping Stones"
    assert HomePage.objects.get(locale__language_code="en-gb").introduction == "Our own words."
    assert get_user_model().objects.get(username="editor").first_name == "Rename"


def test_seed_demo_leaves_study_details_that_editors_cleared(demo_site, site):
    study = StudySettings.for_site(site)
    study.contact_email = ""
    study.privacy_notice = None
    study.save()

    call_command("seed_demo", stdout=StringIO())

    study = StudySettings.objects.get(site=site)
    assert study.contact_email == ""
    assert study.privacy_notice is None


def test_seed_demo_leaves_a_home_page_that_editors_emptied(demo_site):
    home = HomePage.objects.get(locale__language_code="en-gb")
    home.introduction = ""
    home.body = []
    home.save_revision().publish()

    call_command("seed_demo", stdout=StringIO())

    assert HomePage.objects.get(locale__language_code="en-gb").introduction == ""


def test_demo_editor_signs_in_to_the_wagtail_admin_and_may_publish(demo_site, client):
    assert client.login(username="editor", password=DEMO_PASSWORD)

    assert client.get("/admin/").status_code == 200
    editor = get_user_model().objects.get(username="editor")
    home = HomePage.objects.get(locale__language_code="en-gb")
    assert home.permissions_for_user(editor).can_publish()


@pytest.mark.parametrize("username", ["member-su", "member-pro"])
def test_demo_members_sign_in_but_are_kept_out_of_the_admin(demo_site, client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_seed_demo_refuses_without_demo_content_allowed(db, settings):
    settings.DEMO_CONTENT_ALLOWED = False
    before = snapshot()

    with pytest.raises(CommandError, match="never with production settings"):
        call_command("seed_demo", stdout=StringIO())

    assert snapshot() == before


def test_seed_demo_refuses_to_run_with_production_settings(tmp_path):
    database = tmp_path / "production.sqlite3"
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="consult.example.org",
        DATABASE_URL=f"sqlite:///{database}",
        REDIS_URL="redis://cache.internal:6379/0",
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "never with production settings" in result.stderr
    assert not database.exists() or database.stat().st_size == 0
