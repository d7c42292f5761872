"""The research team's admin for rounds, members and invitations, through the test client."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlparse

from django.contrib.auth.models import Group, Permission
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.formats import date_format

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

import pytest
from bs4 import BeautifulSoup

from consultations.admin_forms import REVISIONS_PER_PAGE
from consultations.enums import Audience, Constituency, RatingScale, YouSaidWeDid
from consultations.models import Invitation, Round
from consultations.models.members import token_digest
from consultations.selectors import invitation_find
from consultations.services import comment_post, invitation_create
from consultations.viewsets import invitation_send
from tests.factories import (
    PASSWORD,
    EditorFactory,
    FrameworkSectionPageFactory,
    MemberFactory,
    RoundFactory,
    RoundPageFactory,
    UserFactory,
    study_site,
)

from .conftest import requirements

ROUNDS_ADD = "rounds:add"


@pytest.fixture
def coordinator(db):
    user = EditorFactory()
    user.groups.add(Group.objects.get(name="Member coordinators"))
    return user


def client_with_permissions(client, *codenames: str):
    """Logged in as someone whose only permissions are these."""
    group = Group.objects.create(name="Only " + ", ".join(codenames))
    group.permissions.add(*Permission.objects.filter(codename__in=codenames))
    user = UserFactory()
    user.groups.add(group)
    client.force_login(user)
    return client


@pytest.fixture
def member_changer_client(client, db):
    """May list and change members, but not see who they are."""
    return client_with_permissions(client, "access_admin", "view_member", "change_member")


@pytest.fixture
def invitation_changer_client(client, db):
    """May list and change invitations, but not see who was invited."""
    return client_with_permissions(client, "access_admin", "view_invitation", "change_invitation")


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def round_form_data(*pages: tuple, **fields: object) -> dict:
    """The round's form as the admin posts it; each page is (page, revision id or "")."""
    now = timezone.localtime()
    data = {
        "title": "Round 2: care after birth",
        "instructions": rich_text("<p>Rate each item.</p>"),
        "opens_at": (now + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        "closes_at": (now + timedelta(days=22)).strftime("%Y-%m-%d %H:%M"),
        "rating_scale": RatingScale.NINE_POINT,
        "consensus_threshold": "70",
        "consensus_bottom_limit": "15",
        "members_see_results": "on",
        "audience": Audience.BOTH,
        "follows": "",
        "you_said_we_did": YouSaidWeDid.NOT_PUBLISHED,
        "you_said_we_did_pseudonyms": "on",
        "round_pages": inline_formset(
            [{"page": page.pk, "revision": revision} for page, revision in pages],
            min=1,
        ),
    }
    data.update(fields)
    return nested_form_data(data)


def errors_beside(response, field_name: str) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    field = soup.find(attrs={"name": field_name})
    assert field is not None, f"no field {field_name}"
    wrapper = field.find_parent(attrs={"data-field-wrapper": True}) or field.find_parent("div")
    return wrapper.get_text(" ", strip=True)


# Rounds ---------------------------------------------------------------------------------


def test_editor_creates_a_round_pinned_to_the_latest_revision_by_default(editor_client, section):
    latest = section.save_revision()

    response = editor_client.post(reverse(ROUNDS_ADD), round_form_data((section, "")))

    assert response.status_code == 302, response.content.decode()[:3000]
    round = Round.objects.get(title="Round 2: care after birth")
    round_page = round.round_pages.get()
    assert (round_page.page_id, round_page.revision_id) == (section.pk, latest.pk)


def test_round_records_who_created_it(editor_client, editor, section):
    editor_client.post(reverse(ROUNDS_ADD), round_form_data((section, "")))

    assert Round.objects.get().created_by == editor


def test_editor_can_pin_an_older_revision(editor_client, section):
    older = section.latest_revision
    section.save_revision()

    response = editor_client.post(reverse(ROUNDS_ADD), round_form_data((section, older.pk)))

    assert response.status_code == 302
    assert Round.objects.get().round_pages.get().revision == older


def test_the_revision_select_groups_revisions_by_page_newest_first(editor_client, section, editor):
    first = section.latest_revision
    second = section.save_revision(user=editor)

    response = editor_client.get(reverse(ROUNDS_ADD))

    soup = BeautifulSoup(response.content, "html.parser")
    select = soup.find("select", attrs={"name": "round_pages-__prefix__-revision"})
    group = select.find("optgroup", attrs={"label": "Working together"})
    values = [option["value"] for option in group.find_all("option")]
    assert values == [str(second.pk), str(first.pk)]
    assert f", by {editor.get_full_name()} (latest)" in str(group.find_all("option")[0])


def test_each_revision_option_names_its_page(editor_client, open_round, section, editor):
    section.save_revision(user=editor)

    response = editor_client.get(reverse("rounds:edit", args=[open_round.pk]))

    soup = BeautifulSoup(response.content, "html.parser")
    select = soup.find("select", attrs={"name": "round_pages-0-revision"})
    options = select.find("optgroup", attrs={"label": "Working together"}).find_all("option")
    # Read alone, as a screen reader or a collapsed select gives it, it still says which page.
    labels = [option.get_text(strip=True) for option in options]
    assert labels and all(label.startswith("Working together – ") for label in labels)
    assert labels[0].endswith(f", by {editor.get_full_name()} (latest)")


def test_a_revision_of_another_page_is_refused_beside_the_field(editor_client, section, framework):
    other = FrameworkSectionPageFactory(parent=framework, requirements=requirements("Other."))
    other_revision = other.save_revision()

    response = editor_client.post(
        reverse(ROUNDS_ADD), round_form_data((section, other_revision.pk))
    )

    assert response.status_code == 200
    assert "This revision belongs to another page." in errors_beside(
        response, "round_pages-0-revision"
    )
    assert not Round.objects.exists()


def test_a_page_listed_twice_is_refused(editor_client, section):
    response = editor_client.post(
        reverse(ROUNDS_ADD), round_form_data((section, ""), (section, ""))
    )

    assert response.status_code == 200
    assert "This page is already in the round." in response.text
    assert not Round.objects.exists()


def test_a_page_that_cannot_be_consulted_on_is_refused(editor_client, home_page):
    response = editor_client.post(reverse(ROUNDS_ADD), round_form_data((home_page, "")))

    assert response.status_code == 200
    # Every type that can take part is named, whichever app defines it.
    assert (
        "Members cannot comment on this type of page. Choose a page that can be consulted on: "
        "evidence summary, framework section." in errors_beside(response, "round_pages-0-page")
    )
    assert not Round.objects.exists()


def test_a_round_must_close_after_it_opens(editor_client, section):
    now = timezone.localtime()
    data = round_form_data(
        (section, ""),
        opens_at=now.strftime("%Y-%m-%d %H:%M"),
        closes_at=(now - timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
    )

    response = editor_client.post(reverse(ROUNDS_ADD), data)

    assert response.status_code == 200
    assert "The round must close after it opens." in errors_beside(response, "closes_at")
    assert "Round 2: care after birth" in response.text  # what she typed is kept


def test_a_round_with_comments_refuses_a_change_of_pinned_revision(
    editor_client, open_round, round_page, service_user, section
):
    comment_post(round=open_round, member=service_user, page_id=section.pk, body="Good plan.")
    newer = section.save_revision()
    data = round_form_data(title=open_round.title)
    data.update(
        nested_form_data(
            {
                "round_pages": inline_formset(
                    [{"id": round_page.pk, "page": section.pk, "revision": newer.pk}],
                    initial=1,
                    min=1,
                )
            }
        )
    )

    response = editor_client.post(reverse("rounds:edit", args=[open_round.pk]), data)

    assert response.status_code == 200
    assert "Members have already commented on or rated this round" in errors_beside(
        response, "round_pages-0-revision"
    )
    round_page.refresh_from_db()
    assert round_page.revision_id != newer.pk


def test_a_round_with_comments_still_takes_plain_changes(
    editor_client, open_round, round_page, service_user, section
):
    comment_post(round=open_round, member=service_user, page_id=section.pk, body="Good plan.")
    data = round_edit_data(open_round, title="Round 1, renamed")

    response = editor_client.post(reverse("rounds:edit", args=[open_round.pk]), data)

    assert response.status_code == 302
    open_round.refresh_from_db()
    assert open_round.title == "Round 1, renamed"


def test_round_listing_shows_each_rounds_status(editor_client, open_round, close_round):
    RoundFactory(
        title="Round 3",
        opens_at=timezone.now() + timedelta(days=3),
        closes_at=timezone.now() + timedelta(days=10),
    )
    close_round(RoundFactory(title="Round 0"))

    response = editor_client.get(reverse("rounds:index"))

    rows = {
        row.find("a").get_text(strip=True): row.get_text(" ", strip=True)
        for row in BeautifulSoup(response.content, "html.parser").select("tbody tr")
    }
    assert "Open" in rows["Round 1: working together"]
    assert "Not open yet" in rows["Round 3"]
    assert "Closed" in rows["Round 0"]


def test_round_listing_filters_by_status(editor_client, open_round, close_round):
    close_round(RoundFactory(title="Round 0"))

    response = editor_client.get(reverse("rounds:index"), {"status": "closed"})

    assert "Round 0" in response.text
    assert "Round 1: working together" not in response.text


def test_round_inspect_gives_times_in_uk_time_as_the_listing_and_form_do(editor_client):
    # 09:30 UTC in June is 10:30 in London.
    summer = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    round = RoundFactory(opens_at=summer, closes_at=summer + timedelta(days=14))

    inspect = editor_client.get(reverse("rounds:inspect", args=[round.pk])).content.decode()

    assert "1 Jun 2026, 10:30 a.m." in inspect
    assert "9:30 a.m." not in inspect


def test_round_inspect_links_to_a_preview_of_each_pinned_revision(
    editor_client, open_round, round_page
):
    response = editor_client.get(reverse("rounds:inspect", args=[open_round.pk]))

    preview = reverse(
        "wagtailadmin_pages:revisions_view", args=[round_page.page_id, round_page.revision_id]
    )
    assert f'href="{preview}"' in response.text
    assert editor_client.get(preview).status_code == 200


def test_a_round_with_contributions_cannot_be_deleted(
    editor_client, open_round, service_user, section
):
    comment_post(round=open_round, member=service_user, page_id=section.pk, body="Keep me.")

    response = editor_client.post(reverse("rounds:delete", args=[open_round.pk]), follow=True)

    assert "cannot be deleted" in response.text
    assert Round.objects.filter(pk=open_round.pk).exists()


def round_edit_data(round, **changes: object) -> dict:
    """The edit form of a saved round as posted, its pages as they are, with changes."""
    fields = {
        "title": round.title,
        "opens_at": timezone.localtime(round.opens_at).strftime("%Y-%m-%d %H:%M"),
        "closes_at": timezone.localtime(round.closes_at).strftime("%Y-%m-%d %H:%M"),
        "follows": round.follows_id or "",
        "rating_scale": round.rating_scale,
        "consensus_threshold": round.consensus_threshold,
        "consensus_bottom_limit": round.consensus_bottom_limit,
        "audience": round.audience,
        "comments_visible_to_members": round.comments_visible_to_members,
        "members_see_results": round.members_see_results,
        **changes,
    }
    # An unticked checkbox is not posted at all.
    for checkbox in ("comments_visible_to_members", "members_see_results"):
        fields[checkbox] = "on" if fields[checkbox] else ""
    round_pages = round.round_pages.order_by("sort_order")
    return {
        **round_form_data(**fields),
        **nested_form_data(
            {
                "round_pages": inline_formset(
                    [
                        {"id": rp.pk, "page": rp.page_id, "revision": rp.revision_id}
                        for rp in round_pages
                    ],
                    initial=len(round_pages),
                    min=1,
                )
            }
        ),
    }


SETTING_CHANGES = [
    pytest.param(
        {"rating_scale": RatingScale.NINE_POINT},
        {"rating_scale": RatingScale.FIVE_POINT},
        "rating_scale",
        # Fixed once the round opens, as a round with comments has (tests/consultations/
        # test_results.py has the rule's lock).
        "The round has opened, so this stays as it was",
        id="rating scale",
    ),
    pytest.param(
        {"audience": Audience.BOTH},
        {"audience": Audience.SERVICE_USERS},
        "audience",
        "must stay open to everyone it was open to",
        id="both to service users",
    ),
    pytest.param(
        {"audience": Audience.PROFESSIONALS},
        {"audience": Audience.SERVICE_USERS},
        "audience",
        "must stay open to everyone it was open to",
        id="professionals to service users",
    ),
    pytest.param(
        {"comments_visible_to_members": False},
        {"comments_visible_to_members": True},
        "comments_visible_to_members",
        "believing only the research team would read their comments",
        id="comments shared",
    ),
]


@pytest.mark.parametrize(("before", "after", "field", "reason"), SETTING_CHANGES)
def test_a_round_with_comments_keeps_the_settings_members_took_part_under(
    editor_client, open_round, service_user, section, before, after, field, reason
):
    comment_post(round=open_round, member=service_user, page_id=section.pk, body="Good plan.")
    Round.objects.filter(pk=open_round.pk).update(**before)
    open_round.refresh_from_db()

    response = editor_client.post(
        reverse("rounds:edit", args=[open_round.pk]), round_edit_data(open_round, **after)
    )

    assert response.status_code == 200
    assert reason in errors_beside(response, field)
    stored = Round.objects.values(field).get(pk=open_round.pk)[field]
    assert stored == getattr(open_round, field)


@pytest.mark.parametrize(("before", "after", "field", "reason"), SETTING_CHANGES)
def test_a_round_nobody_took_part_in_takes_any_setting(
    editor_client, open_round, before, after, field, reason
):
    # Not open yet: once open, the rating scale is fixed whether or not anyone took part.
    now = timezone.now()
    Round.objects.filter(pk=open_round.pk).update(
        **before, opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8)
    )
    open_round.refresh_from_db()

    response = editor_client.post(
        reverse("rounds:edit", args=[open_round.pk]), round_edit_data(open_round, **after)
    )

    assert response.status_code == 302
    assert Round.objects.values(field).get(pk=open_round.pk)[field] == after[field]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            {"audience": Audience.SERVICE_USERS},
            {"audience": Audience.BOTH},
            id="professionals added",
        ),
        pytest.param(
            {"comments_visible_to_members": True},
            {"comments_visible_to_members": False},
            id="comments made private",
        ),
    ],
)
def test_a_round_with_comments_can_widen_its_audience_or_make_comments_private(
    editor_client, open_round, service_user, section, before, after
):
    comment_post(round=open_round, member=service_user, page_id=section.pk, body="Good plan.")
    Round.objects.filter(pk=open_round.pk).update(**before)
    open_round.refresh_from_db()

    response = editor_client.post(
        reverse("rounds:edit", args=[open_round.pk]), round_edit_data(open_round, **after)
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    for field, value in after.items():
        assert Round.objects.values(field).get(pk=open_round.pk)[field] == value


def in_days(days: float) -> str:
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%d %H:%M")


def test_a_round_with_comments_cannot_move_its_opening_into_the_future(
    editor_client, open_round, service_user, section
):
    comment_post(round=open_round, member=service_user, page_id=section.pk, body="Good plan.")
    opened = open_round.opens_at

    response = editor_client.post(
        reverse("rounds:edit", args=[open_round.pk]),
        round_edit_data(open_round, opens_at=in_days(1)),
    )

    assert response.status_code == 200
    assert "they could no longer see it or what they wrote" in errors_beside(response, "opens_at")
    open_round.refresh_from_db()
    assert open_round.opens_at == opened
    # The member who took part still finds it.
    editor_client.force_login(service_user.user)
    round_url = reverse("consultations:round", args=[open_round.pk])
    assert editor_client.get(round_url).status_code == 200


@pytest.mark.parametrize("closes_in_days", [0.01, 30], ids=["closed early", "extended"])
def test_a_round_with_comments_can_still_move_its_closing_time(
    editor_client, open_round, service_user, section, closes_in_days
):
    comment_post(round=open_round, member=service_user, page_id=section.pk, body="Good plan.")
    # Worked out once: a minute may turn between the request and the check.
    closes_at = in_days(closes_in_days)

    response = editor_client.post(
        reverse("rounds:edit", args=[open_round.pk]),
        round_edit_data(open_round, opens_at=in_days(-2), closes_at=closes_at),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    open_round.refresh_from_db()
    assert timezone.localtime(open_round.closes_at).strftime("%Y-%m-%d %H:%M") == closes_at


def test_a_round_nobody_took_part_in_can_move_its_opening_into_the_future(
    editor_client, open_round
):
    response = editor_client.post(
        reverse("rounds:edit", args=[open_round.pk]),
        round_edit_data(open_round, opens_at=in_days(1)),
    )

    assert response.status_code == 302
    open_round.refresh_from_db()
    assert open_round.opens_at > timezone.now()


def test_a_round_can_follow_an_earlier_round(editor_client, open_round, section):
    response = editor_client.post(
        reverse(ROUNDS_ADD), round_form_data((section, ""), follows=open_round.pk)
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Round.objects.get(title="Round 2: care after birth").follows == open_round


def test_a_round_cannot_follow_a_round_that_opens_later(editor_client, section):
    later = RoundFactory(
        title="Round 3",
        opens_at=timezone.now() + timedelta(days=5),
        closes_at=timezone.now() + timedelta(days=9),
    )

    response = editor_client.post(
        reverse(ROUNDS_ADD), round_form_data((section, ""), follows=later.pk)
    )

    assert response.status_code == 200
    assert "A round can follow only an earlier round: “Round 3” opens on" in errors_beside(
        response, "follows"
    )
    assert "Round 2: care after birth" in response.text  # what she typed is kept
    assert not Round.objects.filter(title="Round 2: care after birth").exists()


def test_a_round_cannot_follow_itself(editor_client, open_round):
    response = editor_client.post(
        reverse("rounds:edit", args=[open_round.pk]),
        round_edit_data(open_round, follows=open_round.pk),
    )

    assert response.status_code == 200
    assert "a round cannot follow itself" in errors_beside(response, "follows")
    open_round.refresh_from_db()
    assert open_round.follows is None


def test_a_round_cannot_follow_a_round_that_follows_it(editor_client, open_round):
    second = RoundFactory(
        title="Round 2",
        follows=open_round,
        opens_at=timezone.now() + timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=9),
    )
    third = RoundFactory(
        title="Round 3",
        follows=second,
        opens_at=timezone.now() + timedelta(days=10),
        closes_at=timezone.now() + timedelta(days=19),
    )

    response = editor_client.post(
        reverse("rounds:edit", args=[open_round.pk]),
        round_edit_data(open_round, follows=third.pk),
    )

    assert response.status_code == 200
    assert "“Round 3” follows this round, directly or through other rounds" in errors_beside(
        response, "follows"
    )
    open_round.refresh_from_db()
    assert open_round.follows is None


def test_a_round_cannot_open_after_a_round_that_follows_it(editor_client, open_round):
    RoundFactory(
        title="Round 2",
        follows=open_round,
        opens_at=timezone.now() + timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=9),
    )

    response = editor_client.post(
        reverse("rounds:edit", args=[open_round.pk]),
        round_edit_data(open_round, opens_at=in_days(2), closes_at=in_days(12)),
    )

    assert response.status_code == 200
    assert "“Round 2” follows this round and opens on" in errors_beside(response, "opens_at")


def round_of_sections(framework, count: int) -> Round:
    round = RoundFactory()
    for number in range(count):
        page = FrameworkSectionPageFactory(
            parent=framework, title=f"Section {number}", requirements=requirements("An item.")
        )
        RoundPageFactory(round=round, page=page)
    return round


def test_the_round_edit_view_costs_the_same_queries_for_one_page_or_three(
    editor_client, framework
):
    one, three = round_of_sections(framework, 1), round_of_sections(framework, 3)
    # Once first, so Django's and Wagtail's once-a-process caches are not counted.
    editor_client.get(reverse("rounds:edit", args=[one.pk]))
    counts = []
    for round in (one, three):
        with CaptureQueriesContext(connection) as queries:
            response = editor_client.get(reverse("rounds:edit", args=[round.pk]))
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
    soup = BeautifulSoup(response.content, "html.parser")
    chosen = [title.get_text(strip=True) for title in soup.select("[data-chooser-title]")]
    assert [title for title in chosen if title] == ["Section 0", "Section 1", "Section 2"]


def test_the_revision_select_lists_recent_revisions_and_the_pinned_one(
    editor_client, open_round, round_page, section
):
    pinned = round_page.revision
    newer = [section.save_revision() for _ in range(REVISIONS_PER_PAGE + 5)]

    response = editor_client.get(reverse("rounds:edit", args=[open_round.pk]))

    soup = BeautifulSoup(response.content, "html.parser")
    select = soup.find("select", attrs={"name": "round_pages-0-revision"})
    group = select.find("optgroup", attrs={"label": "Working together"})
    values = [option["value"] for option in group.find_all("option")]
    assert values == [str(r.pk) for r in reversed(newer[-REVISIONS_PER_PAGE:])] + [str(pinned.pk)]
    assert select.find("option", selected=True)["value"] == str(pinned.pk)


# Members --------------------------------------------------------------------------------


@pytest.fixture
def named_member(db):
    return MemberFactory(
        pseudonym="Bluebell",
        user__first_name="Harriet",
        user__last_name="Quill",
        user__email="harriet.quill@example.org",
    )


def test_member_listing_hides_real_names_and_emails_without_the_permission(
    editor_client, named_member
):
    response = editor_client.get(reverse("members:index"))

    assert response.status_code == 200
    assert "Bluebell" in response.text
    assert "Harriet" not in response.text
    assert "harriet.quill@example.org" not in response.text


def test_member_search_by_name_finds_nobody_without_the_permission(editor_client, named_member):
    response = editor_client.get(reverse("members:index"), {"q": "Quill"})

    assert "Bluebell" not in response.text


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_member_listing_offers_no_spreadsheet_export(
    coordinator_client, named_member, file_format
):
    listing = coordinator_client.get(reverse("members:index"))
    response = coordinator_client.get(reverse("members:index"), {"export": file_format})

    assert "export=" not in listing.text
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "attachment" not in response.get("Content-Disposition", "")


def test_coordinator_sees_and_searches_real_names_and_emails(coordinator_client, named_member):
    MemberFactory(pseudonym="Kestrel")

    response = coordinator_client.get(reverse("members:index"), {"q": "Quill"})

    assert "Harriet Quill" in response.text
    assert "harriet.quill@example.org" in response.text
    assert "Kestrel" not in response.text


def test_member_edit_form_shows_no_identity_and_cannot_add_or_delete(
    coordinator_client, named_member
):
    response = coordinator_client.get(reverse("members:edit", args=[named_member.pk]))

    assert response.status_code == 200
    assert "harriet.quill@example.org" not in response.text
    assert coordinator_client.get(reverse("members:add")).status_code != 200
    assert coordinator_client.get(reverse("members:index")).context["can_add"] is False


def test_member_edit_checks_the_pseudonym(coordinator_client, named_member):
    data = {
        "pseudonym": "Harriet Q",
        "constituency": Constituency.SERVICE_USER,
        "study_site": study_site("Site B").pk,
        "professional_role": "",
    }

    response = coordinator_client.post(reverse("members:edit", args=[named_member.pk]), data)

    assert response.status_code == 200
    assert "must not include your real name" in errors_beside(response, "pseudonym")
    named_member.refresh_from_db()
    assert named_member.pseudonym == "Bluebell"


def test_member_edit_saves_the_study_details(coordinator_client, named_member):
    data = {
        "pseudonym": "Snowdrop",
        "constituency": Constituency.SERVICE_USER,
        "study_site": study_site("Site B").pk,
        "professional_role": "",
    }

    response = coordinator_client.post(reverse("members:edit", args=[named_member.pk]), data)

    assert response.status_code == 302
    named_member.refresh_from_db()
    assert (named_member.pseudonym, named_member.study_site.name) == ("Snowdrop", "Site B")


def test_member_listing_shows_who_withdrew(editor_client, named_member):
    named_member.withdrawn_at = timezone.now()
    named_member.save()

    response = editor_client.get(reverse("members:index"))

    assert "Withdrawn" in response.text


def test_member_edit_without_the_identity_permission_gives_no_hint_of_her_real_name(
    member_changer_client, named_member
):
    data = {"pseudonym": "Harriet Q", "constituency": Constituency.SERVICE_USER}

    response = member_changer_client.post(reverse("members:edit", args=[named_member.pk]), data)

    assert response.status_code == 200
    beside = errors_beside(response, "pseudonym")
    assert "Choose a different pseudonym: this one could identify her." in beside
    assert "real name" not in response.text
    named_member.refresh_from_db()
    assert named_member.pseudonym == "Bluebell"


def test_member_edit_without_the_identity_permission_still_says_a_pseudonym_is_taken(
    member_changer_client, named_member
):
    MemberFactory(pseudonym="Kestrel")
    data = {"pseudonym": "Kestrel", "constituency": Constituency.SERVICE_USER}

    response = member_changer_client.post(reverse("members:edit", args=[named_member.pk]), data)

    assert "Another member uses this pseudonym." in errors_beside(response, "pseudonym")


@pytest.fixture
def midwife(db):
    return MemberFactory(
        pseudonym="Heron", professional=True, study_site=study_site("Isle of Skye clinic")
    )


@pytest.mark.parametrize(
    ("client_fixture", "shown"), [("editor_client", False), ("coordinator_client", True)]
)
def test_member_listing_shows_study_site_and_role_only_with_the_identity_permission(
    request, midwife, client_fixture, shown
):
    client = request.getfixturevalue(client_fixture)

    response = client.get(reverse("members:index"))

    assert "Heron" in response.text
    assert ("Isle of Skye clinic" in response.text) is shown
    assert ("Midwife" in response.text) is shown


@pytest.mark.parametrize(
    ("client_fixture", "found"), [("editor_client", False), ("coordinator_client", True)]
)
def test_member_search_by_study_site_finds_her_only_with_the_identity_permission(
    request, midwife, client_fixture, found
):
    client = request.getfixturevalue(client_fixture)

    response = client.get(reverse("members:index"), {"q": "Skye"})

    assert response.status_code == 200
    assert ("Heron" in response.text) is found


def test_member_edit_form_has_no_study_site_or_role_without_the_identity_permission(
    member_changer_client, midwife
):
    response = member_changer_client.get(reverse("members:edit", args=[midwife.pk]))

    soup = BeautifulSoup(response.content, "html.parser")
    assert response.status_code == 200
    assert soup.find(attrs={"name": "pseudonym"}) is not None
    assert soup.find(attrs={"name": "study_site"}) is None
    assert soup.find(attrs={"name": "professional_role"}) is None
    assert "Isle of Skye clinic" not in response.text and "Midwife" not in response.text


def test_a_professional_with_a_role_cannot_be_made_a_service_user_by_someone_who_cannot_see_it(
    member_changer_client, midwife
):
    data = {"pseudonym": "Heron", "constituency": Constituency.SERVICE_USER}

    response = member_changer_client.post(reverse("members:edit", args=[midwife.pk]), data)

    assert response.status_code == 200
    assert "only professionals have" in errors_beside(response, "constituency")
    midwife.refresh_from_db()
    assert (midwife.constituency, midwife.professional_role) == (
        Constituency.PROFESSIONAL,
        "Midwife",
    )


def test_member_edit_without_the_identity_permission_keeps_study_site_and_role(
    member_changer_client, midwife
):
    data = {"pseudonym": "Grey Heron", "constituency": Constituency.PROFESSIONAL}

    response = member_changer_client.post(reverse("members:edit", args=[midwife.pk]), data)

    assert response.status_code == 302
    midwife.refresh_from_db()
    assert (midwife.pseudonym, midwife.study_site.name, midwife.professional_role) == (
        "Grey Heron",
        "Isle of Skye clinic",
        "Midwife",
    )


# Invitations ----------------------------------------------------------------------------

INVITATION = {
    "full_name": "Morag Testperson",
    "email": "morag@example.org",
    "constituency": Constituency.PROFESSIONAL,
    "professional_role": "Health visitor",
}


def sent_link() -> str:
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    return next(word for word in body.split() if word.startswith("http"))


def test_coordinator_invites_a_member_by_email(coordinator_client, coordinator):
    site = study_site("Site C", "scotland")
    response = coordinator_client.post(
        reverse("invitations:add"), {**INVITATION, "study_site": site.pk}, follow=True
    )

    invitation = Invitation.objects.get()
    assert invitation.study_site == site
    link = sent_link()
    token = resolve(urlparse(link).path).kwargs["token"]
    assert resolve(urlparse(link).path).view_name == "consultations:join"
    assert invitation.token_digest == token_digest(token)
    assert token not in invitation.token_digest
    assert invitation.invited_by == coordinator
    assert mail.outbox[0].to == ["morag@example.org"]
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert link in response.text  # shown once, to pass on another way

    listing = coordinator_client.get(reverse("invitations:index"))
    assert link not in listing.text


def test_the_invitation_email_says_when_the_link_expires_and_whom_to_ask(
    coordinator_client, settings
):
    settings.CONSULTATIONS_CONTACT_EMAIL = "team@stepping-stones.example"

    coordinator_client.post(reverse("invitations:add"), INVITATION)

    invitation = Invitation.objects.get()
    email = mail.outbox[0]
    expires = date_format(timezone.localtime(invitation.expires_at), "j F Y")
    assert expires in email.body
    assert "team@stepping-stones.example" in email.body
    assert "a research study of maternity and family care services" in email.body
    html = email.alternatives[0][0]
    # Read in a shared inbox, a word about drugs would say that she uses them.
    for text in (email.subject, email.body, html):
        assert "drug" not in text.lower()
    assert sent_link().replace("&", "&amp;") in html and expires in html


def test_a_professional_role_is_refused_for_a_service_user(coordinator_client):
    data = {**INVITATION, "constituency": Constituency.SERVICE_USER}

    response = coordinator_client.post(reverse("invitations:add"), data)

    assert response.status_code == 200
    assert "Only professionals have a professional role." in errors_beside(
        response, "professional_role"
    )
    assert not Invitation.objects.exists()


def test_inviting_an_address_that_has_an_account_is_refused_beside_the_field(
    coordinator_client, named_member
):
    data = {**INVITATION, "email": "harriet.quill@example.org"}

    response = coordinator_client.post(reverse("invitations:add"), data)

    assert response.status_code == 200
    assert "already has an account" in errors_beside(response, "email")
    assert "Morag Testperson" in response.text
    assert not mail.outbox


def test_a_waiting_invitation_can_be_corrected_but_not_to_an_address_with_an_account(
    coordinator_client, coordinator, named_member
):
    invitation, _token = invitation_create(**INVITATION, invited_by=coordinator)
    edit = reverse("invitations:edit", args=[invitation.pk])

    refused = coordinator_client.post(edit, {**INVITATION, "email": "harriet.quill@example.org"})
    corrected = coordinator_client.post(edit, {**INVITATION, "email": "morag.t@example.org"})

    assert "already has an account" in errors_beside(refused, "email")
    assert corrected.status_code == 302
    invitation.refresh_from_db()
    assert invitation.email == "morag.t@example.org"


def test_a_waiting_invitation_cannot_be_corrected_to_another_waiting_invitations_address(
    coordinator_client, coordinator
):
    invitation_create(**{**INVITATION, "email": "ada@example.org"}, invited_by=coordinator)
    invitation, _token = invitation_create(**INVITATION, invited_by=coordinator)
    edit = reverse("invitations:edit", args=[invitation.pk])

    refused = coordinator_client.post(edit, {**INVITATION, "email": "ADA@example.org"})
    unchanged = coordinator_client.post(edit, INVITATION)

    assert refused.status_code == 200
    assert "already has an invitation that was not accepted" in errors_beside(refused, "email")
    assert unchanged.status_code == 302
    invitation.refresh_from_db()
    assert invitation.email == "morag@example.org"


def test_send_a_new_link_makes_the_old_one_stop_working(coordinator_client, coordinator):
    invitation, old_token = invitation_create(
        full_name="Ada Example",
        email="ada@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=coordinator,
    )
    mail.outbox.clear()  # the first invitation's email
    renew = reverse("invitations:renew", args=[invitation.pk])

    assert coordinator_client.get(renew).status_code == 200
    response = coordinator_client.post(renew, follow=True)

    new_token = resolve(urlparse(sent_link()).path).kwargs["token"]
    assert invitation_find(token=old_token) is None
    assert invitation_find(token=new_token) == invitation
    assert new_token in response.text


def test_invitation_listing_shows_status_and_names_only_with_the_permission(
    coordinator, coordinator_client, client
):
    invitation, _token = invitation_create(
        full_name="Ada Example",
        email="ada@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=coordinator,
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())

    response = coordinator_client.get(reverse("invitations:index"))

    assert "Ada Example" in response.text and "Expired" in response.text


def test_send_a_new_link_has_a_breadcrumb_back_to_the_invitations(coordinator_client, coordinator):
    invitation, _token = invitation_create(
        full_name="Ada Example",
        email="ada@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=coordinator,
    )

    response = coordinator_client.get(reverse("invitations:renew", args=[invitation.pk]))

    soup = BeautifulSoup(response.content, "html.parser")
    breadcrumbs = soup.find(attrs={"data-controller": "w-breadcrumbs"})
    links = {a.get_text(" ", strip=True): a["href"] for a in breadcrumbs.find_all("a")}
    assert links.get("Invitations") == reverse("invitations:index")
    assert "Send a new link" in breadcrumbs.get_text()


def invitation_row(response, name: str) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    row = next(tr for tr in soup.select("tbody tr") if name in tr.get_text())
    return [td.get_text(" ", strip=True) for td in row.find_all("td")]


def test_invitation_listing_gives_no_expiry_for_an_accepted_invitation(
    coordinator_client, coordinator
):
    for name in ("Ada Example", "Bea Example"):
        invitation_create(
            full_name=name,
            email=f"{name.split()[0].lower()}@example.org",
            constituency=Constituency.SERVICE_USER,
            invited_by=coordinator,
        )
    Invitation.objects.filter(full_name="Ada Example").update(accepted_at=timezone.now())

    response = coordinator_client.get(reverse("invitations:index"))

    assert invitation_row(response, "Ada Example")[-1] == "—"
    waiting = Invitation.objects.get(full_name="Bea Example")
    expires = date_format(timezone.localtime(waiting.expires_at), "DATETIME_FORMAT")
    assert invitation_row(response, "Bea Example")[-1] == expires


def test_an_accepted_invitation_cannot_be_edited_or_renewed(coordinator_client, coordinator):
    invitation, _token = invitation_create(
        full_name="Ada Example",
        email="ada@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=coordinator,
    )
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    mail.outbox.clear()  # the invitation's own email

    edit = coordinator_client.get(reverse("invitations:edit", args=[invitation.pk]), follow=True)
    renew = coordinator_client.post(
        reverse("invitations:renew", args=[invitation.pk]), follow=True
    )

    assert "This invitation was accepted" in edit.text
    assert "This invitation was accepted" in renew.text
    assert not mail.outbox


def test_send_a_new_link_needs_the_identity_permission(invitation_changer_client, coordinator):
    invitation, old_token = invitation_create(
        full_name="Ada Example",
        email="ada@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=coordinator,
    )
    mail.outbox.clear()  # the first invitation's email
    renew = reverse("invitations:renew", args=[invitation.pk])

    listing = invitation_changer_client.get(reverse("invitations:index"))
    confirm = invitation_changer_client.get(renew)
    sent = invitation_changer_client.post(renew)

    assert listing.status_code == 200 and renew not in listing.text
    assert confirm.status_code in (302, 403)
    assert sent.status_code in (302, 403)
    after = invitation_changer_client.get(reverse("wagtailadmin_home"))
    assert "ada@example.org" not in after.text
    assert not mail.outbox
    assert invitation_find(token=old_token) == invitation


@pytest.mark.parametrize(("identity", "shows_address"), [(True, True), (False, False)])
def test_the_sent_message_names_her_address_only_with_the_identity_permission(
    rf, coordinator, identity, shows_address
):
    user = coordinator if identity else UserFactory()
    invitation, token = invitation_create(
        full_name="Ada Example",
        email="ada@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=coordinator,
    )
    request = rf.post("/")
    request.user = user
    request._messages = CookieStorage(request)

    invitation_send(request, invitation, token)

    (message,) = [str(message) for message in request._messages]
    assert ("ada@example.org" in message) is shows_address
    assert (f"Invitation sent to {invitation}." in message) is not shows_address


# Permissions ----------------------------------------------------------------------------


@pytest.fixture
def invitation_viewer_client(client, db):
    """Someone who may list and add invitations but not see who was invited."""
    group = Group.objects.create(name="Invitation viewers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_invitation"),
        Permission.objects.get(codename="add_invitation"),
    )
    user = UserFactory()
    user.groups.add(group)
    client.force_login(user)
    return client


def test_invitations_name_nobody_without_the_identity_permission(
    invitation_viewer_client, coordinator
):
    invitation, _token = invitation_create(
        full_name="Ada Example",
        email="ada@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=coordinator,
    )

    listing = invitation_viewer_client.get(reverse("invitations:index"))

    assert listing.status_code == 200
    assert f"Invitation {invitation.pk}" in listing.text and "Waiting" in listing.text
    assert "Ada Example" not in listing.text and "ada@example.org" not in listing.text
    # Writing an invitation means typing her name and address.
    assert invitation_viewer_client.get(reverse("invitations:add")).status_code == 302


def test_moderator_can_list_members_but_not_change_them(editor_client, named_member):
    response = editor_client.get(reverse("members:edit", args=[named_member.pk]))

    assert response.status_code in (302, 403)


def test_moderator_without_coordinator_group_cannot_reach_invitations(editor_client, coordinator):
    invitation, _token = invitation_create(
        full_name="Ada Example",
        email="ada@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=coordinator,
    )

    for url in (
        reverse("invitations:index"),
        reverse("invitations:add"),
        reverse("invitations:edit", args=[invitation.pk]),
        reverse("invitations:renew", args=[invitation.pk]),
    ):
        response = editor_client.get(url)
        assert response.status_code in (302, 403), url
        assert "Ada Example" not in response.content.decode()


def test_the_consultations_menu_lists_what_the_user_may_use(editor_client):
    editor_menu = editor_client.get(reverse("wagtailadmin_home")).text

    assert reverse("rounds:index") in editor_menu
    assert reverse("members:index") in editor_menu
    assert reverse("invitations:index") not in editor_menu


def test_a_member_without_admin_access_is_refused_the_admin(client, service_user):
    client.login(username=service_user.user.username, password=PASSWORD)

    for url in (reverse("rounds:index"), reverse("members:index"), reverse("invitations:index")):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert "Willow" not in response.content.decode()
