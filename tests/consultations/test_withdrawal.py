"""Withdrawal with a choice: her identity goes either way; her comments and ratings stay
without her name, or go with every version. Afterwards nothing in the database leads back
to her, and no device stays signed in."""

import threading

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

import pytest
from bs4 import BeautifulSoup

from consultations.enums import Constituency, Withdrawal
from consultations.models import Comment, CommentVersion, Invitation, Member, Rating, RatingVersion
from consultations.services import (
    comment_edit,
    comment_post,
    identity_listing_log,
    invitation_accept,
    invitation_create,
    member_update,
    member_withdraw,
    pseudonym_clean,
    rating_set,
)
from tests.factories import EditorFactory, study_site

PASSWORD = "a-long-test-password"
WITHDRAW_URL = reverse("consultations:withdraw")

# Markers with digits, so that full-text search indexes store them unstemmed too.
IDENTITY = {
    "first_name": "Marnie4471x",
    "last_name": "Quillfeather4471y",
    "email": "mq4471z@example.org",
    "pseudonym": "Hazelnut8823",
}
# Her site is a name on the team's list, which stays: what withdrawal erases is that she
# was there.
SITE = "Sitemark4471w"
# The pseudonym she changes to in her profile before she withdraws.
RENAMED = "Bramble8824"
WORDS = {
    "body": "bodymark5512a",
    "edited_body": "editmark5512b",
    "quote": "quotemark5512c",
    "reply": "replymark5512d",
    "reason": "reasonmark5512e",
    "changed_reason": "reasonmark5512f",
}


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def text_of(response) -> str:
    return " ".join(soup_of(response).get_text(" ").split())


@pytest.fixture
def coordinator(db):
    user = EditorFactory()
    user.groups.add(Group.objects.get(name="Member coordinators"))
    return user


@pytest.fixture
def marnie(db) -> Member:
    """A service user who joined from her invitation, as every member does."""
    invitation, _token = invitation_create(
        full_name=f"{IDENTITY['first_name']} {IDENTITY['last_name']}",
        email=IDENTITY["email"],
        constituency=Constituency.SERVICE_USER,
        study_site=study_site(SITE),
        invited_by=None,
    )
    return invitation_accept(
        invitation=invitation, pseudonym=IDENTITY["pseudonym"], password=PASSWORD
    )


@pytest.fixture
def contributions(shared_round, round_page, item_ids, marnie, professional) -> dict:
    """Her comments (one edited), her reply to another member, another member's reply to
    her, and her rating, changed once."""
    page_id = round_page.page_id
    hers = comment_post(
        round=shared_round,
        member=marnie,
        page_id=page_id,
        block_id=item_ids[0],
        body=WORDS["body"],
        quote=WORDS["quote"],
    ).comment
    comment_edit(comment=hers, member=marnie, body=WORDS["edited_body"], quote=WORDS["quote"])
    alone = comment_post(
        round=shared_round, member=marnie, page_id=page_id, body=f"{WORDS['body']} alone"
    ).comment
    theirs = comment_post(
        round=shared_round, member=professional, page_id=page_id, body="Rowan's own view."
    ).comment
    her_reply = comment_post(
        round=shared_round, member=marnie, page_id=page_id, body=WORDS["reply"], parent=theirs
    ).comment
    answer = comment_post(
        round=shared_round,
        member=professional,
        page_id=page_id,
        body="Rowan agrees with that.",
        parent=hers,
    ).comment
    for reason in (WORDS["reason"], WORDS["changed_reason"]):
        rating_set(
            round=shared_round,
            member=marnie,
            page_id=page_id,
            block_id=item_ids[0],
            score=8,
            reason=reason,
        )
    return {
        "hers": hers,
        "alone": alone,
        "theirs": theirs,
        "her_reply": her_reply,
        "answer": answer,
    }


def database_rows_containing(needles: list[str]) -> dict[str, list[str]]:
    """Every needle found anywhere in the database: each table's rows as text (so every
    column, JSON included) and each session's decoded data."""
    found: dict[str, list[str]] = {}
    lowered = [needle.lower() for needle in needles]
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608
            for columns in cursor.fetchall():
                row = " | ".join(str(column) for column in columns)
                for needle in lowered:
                    if needle in row.lower():
                        found.setdefault(needle, []).append(f"{table}: {row[:200]}")
    for session in Session.objects.all():
        decoded = str(session.get_decoded()).lower()
        for needle in lowered:
            if needle in decoded:
                found.setdefault(needle, []).append(f"django_session (decoded): {decoded[:200]}")
    return found


def sessions_of(user_id: int) -> list[Session]:
    return [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user_id)
    ]


def signed_in_as(client, user) -> object:
    """Signed in through the real sign-in form, as she would be on her phone."""
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302, "could not sign in"
    return client


# The member's withdraw page ---------------------------------------------------------------


def test_the_withdraw_page_explains_both_choices_and_links_the_privacy_notice(
    home_demo, client, marnie
):
    client.force_login(marnie.user)

    response = client.get(WITHDRAW_URL)

    text = text_of(response)
    assert "Keep my comments and ratings without my name" in text
    assert "Delete my comments and ratings" in text
    assert "They show as written by “Withdrawn member” and a number" in text
    assert "their replies stay" in text
    assert "What other members wrote stays, their replies to your comments included" in text
    assert "a reply may still repeat what you wrote or mention your pseudonym" in text
    assert "You will be signed out and your account will be closed" in text
    radios = soup_of(response).find_all("input", attrs={"name": "choice", "type": "radio"})
    assert [radio["value"] for radio in radios] == ["anonymised", "deleted"]
    assert not any(radio.has_attr("checked") for radio in radios)
    assert soup_of(response).find("main").find("a", href="/privacy-notice/")


def test_withdrawing_without_choosing_is_refused_plainly_and_changes_nothing(client, marnie):
    client.force_login(marnie.user)

    response = client.post(WITHDRAW_URL, {})

    assert response.status_code == 200
    soup = soup_of(response)
    message = "Choose whether to keep your comments and ratings or delete them."
    assert message in soup.find(class_="nhsuk-error-summary").get_text()
    assert message in soup.find(id="id_choice-error").get_text()
    assert soup.title.get_text().startswith("Error:")
    marnie.refresh_from_db()
    assert marnie.withdrawn_at is None and marnie.user.is_active
    assert client.get(reverse("consultations:dashboard")).status_code == 200


def test_an_unknown_choice_is_refused_and_changes_nothing(client, marnie):
    client.force_login(marnie.user)

    response = client.post(WITHDRAW_URL, {"choice": "both"})

    assert "Choose whether to keep" in soup_of(response).find(id="id_choice-error").get_text()
    marnie.refresh_from_db()
    assert marnie.withdrawn_at is None


def test_keeping_her_contributions_erases_her_identity_and_signs_her_out(
    client, marnie, contributions
):
    signed_in_as(client, marnie.user)

    response = client.post(WITHDRAW_URL, {"choice": "anonymised"})

    assert response.status_code == 200
    assert "You have left the study" in text_of(response)
    assert "stay in the study without your name" in text_of(response)
    marnie.refresh_from_db()
    user = marnie.user
    label = f"Withdrawn member {marnie.pk}"
    assert (marnie.pseudonym, marnie.withdrawal) == (label, Withdrawal.ANONYMISED)
    assert marnie.withdrawn_at is not None
    assert (marnie.study_site, marnie.professional_role) == (None, "")
    assert marnie.constituency == Constituency.SERVICE_USER
    assert not (marnie.notify_new_rounds or marnie.notify_replies or marnie.notify_responses)
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert user.username == f"withdrawn-member-{marnie.pk}"
    assert not user.is_active and not user.has_usable_password()
    invitation = Invitation.objects.get(member=marnie)
    assert (invitation.full_name, invitation.email, invitation.study_site) == ("", "", None)
    # Her words stay, every version of them.
    assert Comment.objects.get(pk=contributions["hers"].pk).body == WORDS["edited_body"]
    assert CommentVersion.objects.filter(comment__author=marnie).count() == 4
    assert RatingVersion.objects.filter(rating__member=marnie).count() == 2
    entry = ModelLogEntry.objects.get(action="consultations.member_withdraw")
    assert (entry.label, entry.data, entry.user) == (label, {"choice": "anonymised"}, None)
    # Signed out, and she cannot sign back in.
    assert client.get(reverse("consultations:dashboard")).status_code == 302
    assert not client.login(username=IDENTITY["email"], password=PASSWORD)


def test_others_see_her_kept_comments_under_the_neutral_label(
    client, marnie, contributions, professional, round_page
):
    member_withdraw(member=marnie, choice=Withdrawal.ANONYMISED)
    client.force_login(professional.user)

    page = text_of(
        client.get(
            reverse("consultations:round_page", args=[round_page.round_id, round_page.page_id])
        )
    )

    assert WORDS["edited_body"] in page
    assert f"Withdrawn member {marnie.pk}" in page
    assert IDENTITY["pseudonym"] not in page


def test_deleting_her_contributions_keeps_others_replies_under_a_withdrawn_placeholder(
    client, marnie, contributions, professional, round_page
):
    client.force_login(marnie.user)

    response = client.post(WITHDRAW_URL, {"choice": "deleted"})

    assert "Your comments and ratings have been deleted" in text_of(response)
    assert not Rating.objects.filter(member=marnie).exists()
    assert not RatingVersion.objects.filter(rating__member=marnie).exists()
    assert not CommentVersion.objects.filter(comment__author=marnie).exists()
    # Only the comment Rowan answered stays, emptied, so his answer keeps its thread.
    assert list(Comment.objects.filter(author=marnie)) == [contributions["hers"]]
    assert Comment.objects.filter(pk=contributions["answer"].pk).exists()
    assert Comment.objects.filter(pk=contributions["theirs"].pk).exists()
    client.force_login(professional.user)
    page = text_of(
        client.get(
            reverse("consultations:round_page", args=[round_page.round_id, round_page.page_id])
        )
    )
    assert "This comment was withdrawn by the member who wrote it." in page
    assert "Rowan agrees with that." in page
    assert "Rowan's own view." in page
    for word in WORDS.values():
        assert word not in page


def test_withdrawing_ends_her_sessions_on_every_device(
    client, marnie, professional, django_capture_on_commit_callbacks
):
    phone = signed_in_as(Client(), marnie.user)
    laptop = signed_in_as(client, marnie.user)
    someone_else = Client()
    someone_else.force_login(professional.user)
    assert len(sessions_of(marnie.user_id)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        laptop.post(WITHDRAW_URL, {"choice": "anonymised"})

    assert sessions_of(marnie.user_id) == []
    response = phone.get(reverse("consultations:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    # Only hers: another member stays signed in.
    assert len(sessions_of(professional.user_id)) == 1


def test_a_session_store_that_cannot_be_searched_still_lets_her_in_no_more(
    client, marnie, settings
):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    signed_in_as(client, marnie.user)

    member_withdraw(member=marnie, choice=Withdrawal.ANONYMISED)

    assert client.get(reverse("consultations:dashboard")).status_code == 302


# No trace ---------------------------------------------------------------------------------


def her_audit_trail(marnie: Member, coordinator) -> None:
    """What the research team's work leaves in the audit log about her: an edit of her
    record in the admin, entries holding her details, and a look at the members' listing
    while she still had her first pseudonym, which she then changes in her profile."""
    log(marnie, "wagtail.edit", user=coordinator)
    identity_listing_log(user=coordinator, listing="Members", shown=[marnie])
    log(
        marnie,
        "wagtail.edit",
        user=coordinator,
        data={
            "name": f"{IDENTITY['first_name']} {IDENTITY['last_name']}",
            "email": IDENTITY["email"],
        },
    )
    member_update(
        member=marnie,
        pseudonym=RENAMED,
        notify_new_rounds=True,
        notify_replies=True,
        notify_responses=True,
        notify_reminders=True,
        email_comment_text=False,
        language="en-gb",
    )
    identity_listing_log(user=coordinator, listing="Members", shown=[marnie])


@pytest.mark.django_db(transaction=False)
def test_deletion_leaves_no_trace_of_her_words_or_identity_anywhere_in_the_database(
    client, marnie, contributions, coordinator, django_capture_on_commit_callbacks
):
    her_audit_trail(marnie, coordinator)
    signed_in_as(Client(), marnie.user)
    signed_in_as(client, marnie.user)
    needles = [*IDENTITY.values(), RENAMED, *WORDS.values()]
    # The search can fail: before she withdraws, it finds every marker, her first
    # pseudonym only in the audit log by now.
    assert set(database_rows_containing(needles)) == {n.lower() for n in needles}

    with django_capture_on_commit_callbacks(execute=True):
        client.post(WITHDRAW_URL, {"choice": "deleted"})

    assert database_rows_containing(needles) == {}
    assert sessions_of(marnie.user_id) == []


def test_anonymising_keeps_her_words_and_leaves_no_trace_of_her_identity(
    client, marnie, contributions, coordinator, django_capture_on_commit_callbacks
):
    her_audit_trail(marnie, coordinator)
    signed_in_as(client, marnie.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(WITHDRAW_URL, {"choice": "anonymised"})

    assert database_rows_containing([*IDENTITY.values(), RENAMED]) == {}
    assert set(database_rows_containing(list(WORDS.values()))) == set(WORDS.values())
    assert sessions_of(marnie.user_id) == []


def test_a_listing_that_showed_her_and_another_member_forgets_only_her(
    marnie, coordinator, service_user
):
    """His pseudonym is her first name: a look for her names in the log would take it."""
    service_user.pseudonym = IDENTITY["first_name"]
    service_user.save()
    identity_listing_log(user=coordinator, listing="Members", shown=[marnie, service_user])
    identity_listing_log(user=coordinator, listing="Members", shown=[service_user])

    member_withdraw(member=marnie, choice=Withdrawal.DELETED)

    shown = [
        entry.data["shown"]
        for entry in ModelLogEntry.objects.filter(action="consultations.view_identity").order_by(
            "pk"
        )
    ]
    his = {"model": "consultations.member", "id": service_user.pk, "pseudonym": "Marnie4471x"}
    assert shown == [
        [
            {"model": "consultations.member", "id": marnie.pk, "pseudonym": marnie.pseudonym},
            his,
        ],
        [his],
    ]
    assert marnie.pseudonym == f"Withdrawn member {marnie.pk}"


def test_the_audit_log_records_the_withdrawal_and_her_choice_but_not_who_she_was(
    marnie, coordinator
):
    member_withdraw(member=marnie, choice=Withdrawal.DELETED)

    entry = ModelLogEntry.objects.filter(action="consultations.member_withdraw").get()
    assert entry.label == f"Withdrawn member {marnie.pk}"
    assert entry.data == {"choice": "deleted"}
    assert entry.user is None


# Editors carrying out a request -----------------------------------------------------------


def test_a_coordinator_withdraws_a_member_who_asked_by_phone_and_is_named_in_the_log(
    client, coordinator, marnie, contributions
):
    client.force_login(coordinator)
    url = reverse("members:withdraw", args=[marnie.pk])
    listing = client.get(reverse("members:index"))
    assert url in listing.text
    form = client.get(url)
    assert form.status_code == 200
    assert IDENTITY["last_name"] in form.text  # she matches the caller to the record
    assert "Keep them, without her name" in form.text
    assert "Delete them, with all their versions" in form.text
    looked = ModelLogEntry.objects.get(
        action="consultations.view_identity", content_type__model="member", object_id=marnie.pk
    )
    assert looked.user == coordinator

    unconfirmed = client.post(url, {"choice": "deleted"})
    assert "Confirm that the request comes from the member herself." in unconfirmed.text
    assert not Member.objects.get(pk=marnie.pk).withdrawn_at

    response = client.post(url, {"choice": "deleted", "confirmed": "on"})

    assert response.status_code == 302
    marnie.refresh_from_db()
    assert marnie.withdrawal == Withdrawal.DELETED
    assert not Rating.objects.filter(member=marnie).exists()
    entry = ModelLogEntry.objects.filter(action="consultations.member_withdraw").get()
    assert (entry.user, entry.data) == (coordinator, {"choice": "deleted"})
    assert url not in client.get(reverse("members:index")).text


@pytest.mark.parametrize(
    "codenames",
    [
        pytest.param(["view_member"], id="runs-rounds"),
        pytest.param(["view_member", "change_member"], id="changes-members-without-identity"),
    ],
)
def test_withdrawing_a_member_needs_the_identity_permission(client, marnie, codenames):
    # Carrying out a request means matching a caller to her record: only those who may
    # see who members are.
    group = Group.objects.create(name="Without identity")
    group.permissions.add(*Permission.objects.filter(codename__in=["access_admin", *codenames]))
    editor = EditorFactory()
    editor.groups.set([group])
    client.force_login(editor)
    url = reverse("members:withdraw", args=[marnie.pk])

    response = client.post(url, {"choice": "deleted", "confirmed": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    marnie.refresh_from_db()
    assert marnie.withdrawn_at is None
    assert url not in client.get(reverse("members:index")).text


def test_a_member_who_kept_her_contributions_can_later_have_them_deleted(marnie, contributions):
    member_withdraw(member=marnie, choice=Withdrawal.ANONYMISED)
    assert Rating.objects.filter(member=marnie).exists()

    member_withdraw(member=marnie, choice=Withdrawal.DELETED)
    member_withdraw(member=marnie, choice=Withdrawal.ANONYMISED)  # deleted stays deleted

    marnie.refresh_from_db()
    assert marnie.withdrawal == Withdrawal.DELETED
    assert not Rating.objects.filter(member=marnie).exists()
    assert ModelLogEntry.objects.filter(action="consultations.member_withdraw").count() == 2


def test_nobody_can_take_a_withdrawn_members_label_as_a_pseudonym(db):
    with pytest.raises(ValidationError, match="kept for members who have left"):
        pseudonym_clean(pseudonym="Withdrawn Member 12", real_names=[])


def test_her_old_address_can_be_invited_again_after_she_withdrew(marnie):
    member_withdraw(member=marnie, choice=Withdrawal.DELETED)

    invitation, _token = invitation_create(
        full_name="Someone New",
        email=IDENTITY["email"],
        constituency=Constituency.SERVICE_USER,
        invited_by=None,
    )

    assert invitation.pk
    assert not get_user_model().objects.filter(email__iexact=IDENTITY["email"]).exists()


# The privacy notice -----------------------------------------------------------------------


def test_the_privacy_notice_says_what_is_kept_why_for_how_long_and_how_to_withdraw(
    home_demo, client, settings
):
    text = text_of(client.get("/privacy-notice/"))

    for heading in ("What we keep", "Why we keep it", "Who can see it", "How long we keep it"):
        assert heading in text
    assert "Article 6(1)(e)" in text and "Article 9(2)(j)" in text
    assert "deleted 90 days after its link stops working" in text
    assert "for 10 years after the round closes, then deleted" in text
    assert "Keep them without your name" in text and "Delete them" in text
    assert "Either way, what other members wrote stays, their replies to your comments" in text
    assert "a reply may still repeat what you wrote or mention your pseudonym" in text


def test_a_reply_that_names_her_stays_after_she_deletes_hers_as_the_notice_warns(
    marnie, contributions, professional, shared_round, round_page
):
    """What the privacy notice and the withdraw page say: other members' words are theirs."""
    naming_her = comment_post(
        round=shared_round,
        member=professional,
        page_id=round_page.page_id,
        body=f"Like {IDENTITY['pseudonym']} said: {WORDS['body']}.",
        parent=contributions["hers"],
    ).comment

    member_withdraw(member=marnie, choice=Withdrawal.DELETED)

    naming_her.refresh_from_db()
    assert naming_her.body == f"Like {IDENTITY['pseudonym']} said: {WORDS['body']}."
    assert naming_her.withdrawn_at is None


def test_the_join_page_links_the_privacy_notice_with_the_consent_text(home_demo, client):
    _invitation, token = invitation_create(
        full_name="Someone New",
        email="someone.new@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=None,
    )

    response = client.get(reverse("consultations:join", args=[token]))

    consent = soup_of(response).find(id="consent-text")
    assert consent.find("a", href="/privacy-notice/")
    assert "keep it in the study without your name" in consent.get_text()


def test_a_withdrawn_members_record_cannot_be_edited_back(client, coordinator, marnie):
    member_withdraw(member=marnie, choice=Withdrawal.ANONYMISED)
    client.force_login(coordinator)
    url = reverse("members:edit", args=[marnie.pk])

    response = client.post(
        url,
        {
            "pseudonym": "Hazel",
            "constituency": Constituency.SERVICE_USER,
            "study_site": study_site(SITE).pk,
            "professional_role": "",
        },
    )

    assert response.status_code == 302
    marnie.refresh_from_db()
    assert (marnie.pseudonym, marnie.study_site) == (f"Withdrawn member {marnie.pk}", None)
    assert url not in client.get(reverse("members:index")).text


# At the same time -------------------------------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="writers at once need PostgreSQL's row locks; SQLite locks the whole file",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_data_put_back")
def test_withdrawing_twice_at_once_carries_it_out_once(marnie):
    """She presses the button on her phone as a coordinator acts on her phone call."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def withdraw() -> None:
        try:
            barrier.wait(timeout=10)
            member_withdraw(member=Member.objects.get(pk=marnie.pk), choice=Withdrawal.ANONYMISED)
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=withdraw) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert ModelLogEntry.objects.filter(action="consultations.member_withdraw").count() == 1
    marnie.refresh_from_db()
    assert marnie.pseudonym == f"Withdrawn member {marnie.pk}"
