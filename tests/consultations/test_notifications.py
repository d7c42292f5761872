"""The consultation's emails: who gets which, when, in which language, once; turning them
off from the link in them; and what happens when the mail server fails."""

from datetime import datetime, time, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

import pytest
from bs4 import BeautifulSoup

from consultations.enums import Audience, NotificationKind, NotificationStatus
from consultations.models import Comment, EditorEmailSettings, Invitation, Member, Notification
from consultations.selectors import digest_recipients
from consultations.services import (
    comment_answer,
    comment_post,
    invitation_create,
    member_withdraw,
    notification_deliver,
    notifications_due_queue,
    rating_set,
)
from tests.factories import EditorFactory, MemberFactory, RoundFactory, RoundPageFactory

REFUSING = "tests.mail_backends.RefusingBackend"


def emails_to(member_or_address: Member | str) -> list[mail.EmailMultiAlternatives]:
    address = getattr(getattr(member_or_address, "user", None), "email", member_or_address)
    return [message for message in mail.outbox if message.to == [address]]


def html_of(message: mail.EmailMultiAlternatives) -> str:
    ((html, kind),) = message.alternatives
    assert kind == "text/html"
    return html


def view_of(url: str) -> str:
    """The view a link goes to, in the language its address names."""
    path = urlparse(url).path
    prefix = path.split("/")[1]
    language = prefix if prefix in {code for code, _name in settings.LANGUAGES} else "en-gb"
    with translation.override(language):
        return resolve(path).view_name


def link_to(message: mail.EmailMultiAlternatives, url_name: str) -> str:
    """The link in the email's text that goes to the named view."""
    for word in message.body.split():
        if word.startswith("http") and view_of(word) == url_name:
            return word
    raise AssertionError(f"no link to {url_name} in {message.body}")


def token_of(link: str) -> str:
    return urlparse(link).path.rstrip("/").rsplit("/", 1)[1]


def form_data(html: str, selector: str) -> dict[str, str]:
    """What a browser would send from the form as it stands."""
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    data = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        if field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            data[field["name"]] = chosen.get("value", "") if chosen else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[field["name"]] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "file"):
            data[field["name"]] = field.get(
                "value", field.text if field.name == "textarea" else ""
            )
    return data


def rate_everything(round, member, section, item_ids) -> None:
    for block_id in item_ids:
        rating_set(round=round, member=member, page_id=section.pk, block_id=block_id, score=7)


@pytest.fixture
def members(service_user, professional) -> dict[str, Member]:
    """Two who take part, and three who must get nothing."""
    return {
        "service_user": service_user,
        "professional": professional,
        "turned_off": MemberFactory(
            pseudonym="Quiet",
            notify_new_rounds=False,
            notify_reminders=False,
            notify_replies=False,
            notify_responses=False,
        ),
        "withdrawn": MemberFactory(pseudonym="Gone", withdrawn_at=timezone.now()),
        "not_consented": MemberFactory(pseudonym="Waiting", consent_given_at=None),
    }


def her_comment(round, member, section, item_ids, body="One plan, not five.") -> Comment:
    return comment_post(
        round=round, member=member, page_id=section.pk, block_id=item_ids[0], body=body
    ).comment


# A round opening ------------------------------------------------------------------------


def test_a_round_opening_is_emailed_once_to_each_member_taking_part(open_round, members):
    sweep = notifications_due_queue()
    notifications_due_queue()  # cron runs again a few minutes later

    assert sweep.round_openings == 2
    for name in ("service_user", "professional"):
        (email,) = emails_to(members[name])
        assert email.subject == "A new consultation round is open for you"
        assert open_round.title not in email.subject  # read on lock screens
        assert link_to(email, "consultations:round").endswith(f"/consultations/{open_round.pk}/")
        assert members[name].pseudonym in email.body
        assert "<html" in html_of(email) and open_round.title in html_of(email)
    for name in ("turned_off", "withdrawn", "not_consented"):
        assert emails_to(members[name]) == []


def test_a_round_for_service_users_is_not_emailed_to_professionals(section, members):
    round = RoundFactory(audience=Audience.SERVICE_USERS)
    RoundPageFactory(round=round, page=section)

    notifications_due_queue()

    assert len(emails_to(members["service_user"])) == 1
    assert emails_to(members["professional"]) == []


def test_a_round_not_open_yet_is_not_announced_until_it_opens(section, members):
    round = RoundFactory(
        opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=8)
    )
    RoundPageFactory(round=round, page=section)

    assert notifications_due_queue().round_openings == 0
    assert notifications_due_queue(now=round.opens_at + timedelta(minutes=5)).round_openings == 2


def test_a_member_who_joins_while_a_round_is_open_is_told_at_the_next_sweep(open_round, members):
    notifications_due_queue()
    newcomer = MemberFactory(pseudonym="Late Joiner")

    notifications_due_queue()

    assert len(emails_to(newcomer)) == 1
    assert len(emails_to(members["service_user"])) == 1


# Reminders -------------------------------------------------------------------------------


def test_the_reminder_goes_once_before_closing_to_members_who_have_not_rated_everything(
    open_round, members, section, item_ids, settings
):
    settings.CONSULTATIONS_REMINDER_HOURS = 48
    rate_everything(open_round, members["professional"], section, item_ids)
    rating_set(
        round=open_round,
        member=members["service_user"],
        page_id=section.pk,
        block_id=item_ids[0],
        score=8,
    )
    before = open_round.closes_at - timedelta(hours=49)
    within = open_round.closes_at - timedelta(hours=47)

    assert notifications_due_queue(now=before).reminders == 0
    assert notifications_due_queue(now=within).reminders == 1
    # Cron runs every few minutes until the round closes: never a second reminder.
    for minutes in (5, 10, 60 * 24):
        assert notifications_due_queue(now=within + timedelta(minutes=minutes)).reminders == 0

    reminders = [e for e in emails_to(members["service_user"]) if "closes soon" in e.subject]
    assert len(reminders) == 1
    assert f"You have rated 1 of {len(item_ids)} items." in reminders[0].body
    assert not [e for e in emails_to(members["professional"]) if "closes soon" in e.subject]
    for name in ("turned_off", "withdrawn", "not_consented"):
        assert emails_to(members[name]) == []


def test_a_reminder_is_not_sent_once_she_has_finished_or_withdrawn(
    open_round, members, section, item_ids
):
    """A reminder waiting in the queue is checked again when it is sent."""
    queued = {
        name: Notification.objects.create(
            kind=NotificationKind.REMINDER,
            key=f"reminder:{open_round.pk}:{members[name].pk}",
            member=members[name],
            round=open_round,
        )
        for name in ("service_user", "professional")
    }
    rate_everything(open_round, members["service_user"], section, item_ids)
    member_withdraw(member=members["professional"], choice="anonymised")

    for notification in queued.values():
        assert notification_deliver(notification_id=notification.pk) == "cancelled"
    assert mail.outbox == []


def test_the_reminder_command_is_safe_to_run_from_cron(open_round, members, settings):
    settings.CONSULTATIONS_REMINDER_HOURS = 24 * 8  # the whole round is "closing soon"

    call_command("send_notifications")
    call_command("send_notifications")

    assert Notification.objects.filter(kind=NotificationKind.REMINDER).count() == 2
    assert len(mail.outbox) == 2


# Answers and replies ---------------------------------------------------------------------


def test_an_answer_is_emailed_to_the_comments_author_once(
    shared_round, members, section, item_ids, editor
):
    comment = her_comment(shared_round, members["service_user"], section, item_ids)

    comment_answer(comment=comment, by=editor, status="accepted", response="We added it.")
    comment_answer(comment=comment, by=editor, status="noted", response="Changed our minds.")

    (email,) = emails_to(members["service_user"])
    assert email.subject == "The research team answered your comment"
    link = link_to(email, "consultations:round_page")
    assert link.endswith(f"#comment-{comment.pk}")
    assert len(mail.outbox) == 1


def test_a_reply_is_emailed_to_the_comments_author_under_the_repliers_pseudonym(
    shared_round, members, section, item_ids
):
    comment = her_comment(shared_round, members["service_user"], section, item_ids)

    reply = comment_post(
        round=shared_round,
        member=members["professional"],
        page_id=section.pk,
        parent=comment,
        body="Agreed.",
    ).comment
    comment_post(
        round=shared_round,
        member=members["service_user"],
        page_id=section.pk,
        parent=comment,
        body="Thank you.",
    )

    (email,) = emails_to(members["service_user"])
    assert "Rowan replied to your comment" in email.body
    assert link_to(email, "consultations:round_page").endswith(f"#comment-{reply.pk}")
    assert emails_to(members["professional"]) == []  # her own reply tells nobody


def test_emails_carry_the_words_of_comments_only_if_she_asked(
    shared_round, members, section, item_ids, editor
):
    words, answer = "My words about one plan.", "An answer about one plan."
    author = members["service_user"]
    first = her_comment(shared_round, author, section, item_ids, body=words)
    comment_answer(comment=first, by=editor, status="accepted", response=answer)
    Member.objects.filter(pk=author.pk).update(email_comment_text=True)
    second = her_comment(shared_round, author, section, item_ids, body=words + " Again.")
    comment_answer(comment=second, by=editor, status="accepted", response=answer)

    without, with_words = emails_to(author)
    for text in (without.subject, without.body, html_of(without)):
        assert words not in text and answer not in text
    assert words in with_words.body and answer in with_words.body
    assert answer in html_of(with_words)


def test_no_answer_or_reply_email_when_she_turned_them_off_or_withdrew(
    shared_round, members, section, item_ids, editor
):
    quiet = her_comment(shared_round, members["turned_off"], section, item_ids)
    gone = her_comment(shared_round, members["professional"], section, item_ids)
    member_withdraw(member=members["professional"], choice="anonymised")

    comment_answer(comment=quiet, by=editor, status="noted", response="Thanks.")
    comment_post(
        round=shared_round,
        member=members["service_user"],
        page_id=section.pk,
        parent=quiet,
        body="Me too.",
    )
    comment_answer(
        comment=Comment.objects.get(pk=gone.pk), by=editor, status="noted", response="-"
    )

    assert mail.outbox == []


# The language of her emails ---------------------------------------------------------------


def test_her_emails_come_in_her_language_with_links_in_it(
    shared_round, members, section, item_ids, editor
):
    member = members["service_user"]
    Member.objects.filter(pk=member.pk).update(language="pl")
    comment = her_comment(shared_round, member, section, item_ids)

    comment_answer(comment=comment, by=editor, status="accepted", response="Dodaliśmy to.")

    (email,) = emails_to(member)
    assert 'lang="pl"' in html_of(email)
    assert urlparse(link_to(email, "consultations:round_page")).path.startswith("/pl/")
    assert urlparse(link_to(email, "consultations:unsubscribe")).path.startswith("/pl/")
    with translation.override("pl"):
        polish = translation.gettext("The research team answered your comment")
    assert email.subject == polish != "The research team answered your comment"
    assert "Dzień dobry" in email.body


def test_an_arabic_email_reads_right_to_left(open_round, members):
    Member.objects.filter(pk=members["professional"].pk).update(language="ar")

    notifications_due_queue()

    (email,) = emails_to(members["professional"])
    assert 'lang="ar" dir="rtl"' in html_of(email)


def test_she_chooses_her_emails_and_their_language_in_her_profile(client, members):
    member = members["service_user"]
    client.force_login(member.user)

    response = client.post(
        reverse("consultations:profile"),
        {
            "pseudonym": member.pseudonym,
            "notifications": ["replies", "reminders"],
            "email_comment_text": "yes",
            "language": "ar",
        },
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.notify_new_rounds, member.notify_reminders) == (False, True)
    assert (member.notify_replies, member.notify_responses) == (True, False)
    assert member.email_comment_text and member.language == "ar"


def test_a_language_not_on_the_site_is_refused_and_nothing_she_chose_is_lost(client, members):
    member = members["service_user"]
    client.force_login(member.user)

    response = client.post(
        reverse("consultations:profile"),
        {"pseudonym": "New Name", "notifications": ["replies"], "language": "xx"},
    )

    assert response.status_code == 200
    assert "Choose the language of your emails." in response.text
    assert 'value="New Name"' in response.text
    member.refresh_from_db()
    assert member.pseudonym == "Willow" and member.notify_new_rounds


def test_an_invitation_in_polish_leads_to_the_polish_join_page_and_her_emails_stay_polish(
    editor,
):
    invitation, _token = invitation_create(
        full_name="Ola Nowak",
        email="ola@example.org",
        constituency="service_user",
        language="pl",
        invited_by=editor,
    )

    (email,) = emails_to("ola@example.org")
    link = link_to(email, "consultations:join")
    assert urlparse(link).path.startswith("/pl/consultations/join/")
    assert 'lang="pl"' in html_of(email)
    response = Client().post(
        urlparse(link).path,
        {
            "pseudonym": "Sikorka",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
            "consent": "on",
        },
    )
    assert response.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).member.language == "pl"


# Unsubscribing ----------------------------------------------------------------------------


def test_the_unsubscribe_link_asks_then_turns_that_email_off_without_signing_in(
    open_round, members
):
    member = members["service_user"]
    notifications_due_queue()
    (email,) = emails_to(member)
    link = link_to(email, "consultations:unsubscribe")
    assert email.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in html_of(email)
    anyone = Client(enforce_csrf_checks=True)

    asked = anyone.get(urlparse(link).path)
    member.refresh_from_db()
    assert asked.status_code == 200 and "Stop these emails" in asked.text
    assert member.notify_new_rounds  # opening the link (as mail scanners do) changes nothing

    # What a mail program's one-click unsubscribe sends: a POST with no cookie or token.
    done = anyone.post(urlparse(link).path, {"List-Unsubscribe": "One-Click"})

    member.refresh_from_db()
    assert done.status_code == 200 and "You have unsubscribed" in done.text
    assert not member.notify_new_rounds
    assert member.notify_reminders and member.notify_replies  # only that kind
    assert done["Referrer-Policy"] == "no-referrer"
    mail.outbox.clear()
    round = RoundFactory()
    RoundPageFactory(round=round, page=open_round.round_pages.get().page)
    notifications_due_queue()
    assert emails_to(member) == []


def test_a_changed_or_made_up_unsubscribe_link_changes_nothing(open_round, members):
    notifications_due_queue()
    link = link_to(emails_to(members["service_user"])[0], "consultations:unsubscribe")
    token = token_of(link)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    for bad in (forged, "not-a-token"):
        response = Client().post(reverse("consultations:unsubscribe", args=[bad]))
        assert response.status_code == 404
        assert "We do not recognise this link" in response.text
    assert Member.objects.get(pk=members["service_user"].pk).notify_new_rounds


def test_an_invitee_who_unsubscribes_is_not_emailed_the_new_link(coordinator_client, editor):
    invitation, _token = invitation_create(
        full_name="Ada Example",
        email="ada@example.org",
        constituency="service_user",
        invited_by=editor,
    )
    link = link_to(emails_to("ada@example.org")[0], "consultations:unsubscribe")
    Client().post(urlparse(link).path)
    mail.outbox.clear()

    response = coordinator_client.post(
        reverse("invitations:renew", args=[invitation.pk]), follow=True
    )

    assert mail.outbox == []
    assert "She asked for no more emails about this invitation" in response.text
    assert Invitation.objects.get(pk=invitation.pk).emails_stopped_at is not None


@pytest.fixture
def coordinator_client(client, db):
    from django.contrib.auth.models import Group

    coordinator = EditorFactory()
    coordinator.groups.add(Group.objects.get(name="Member coordinators"))
    client.force_login(coordinator)
    return client


# Editors' daily digest --------------------------------------------------------------------


def comments_yesterday(round, members, section, item_ids) -> list[Comment]:
    made = [
        her_comment(round, members["service_user"], section, item_ids, body="First."),
        her_comment(round, members["professional"], section, item_ids, body="Second."),
    ]
    yesterday = timezone.localtime() - timedelta(days=1)
    Comment.objects.filter(pk__in=[c.pk for c in made]).update(
        created_at=yesterday.replace(hour=15)
    )
    return made


def test_editors_get_one_digest_a_day_counting_yesterdays_comments_per_round(
    shared_round, members, section, item_ids, settings
):
    settings.CONSULTATIONS_DIGEST_HOUR = 8
    moderator, turned_off = EditorFactory(), EditorFactory()
    EditorEmailSettings.objects.create(user=turned_off, daily_digest=False)
    comments_yesterday(shared_round, members, section, item_ids)
    mail.outbox.clear()
    today = timezone.localtime()

    assert notifications_due_queue(now=today.replace(hour=7)).digests == 0
    assert notifications_due_queue(now=today.replace(hour=8, minute=5)).digests >= 1
    assert notifications_due_queue(now=today.replace(hour=9)).digests == 0

    (digest,) = emails_to(moderator.email)
    yesterday = (today - timedelta(days=1)).date()
    assert digest.subject == f"New comments on {date_format(yesterday, 'j F Y')}"
    assert f"{shared_round.title}: 2 new comments" in digest.body
    assert urlparse(link_to(digest, "rounds:moderation")).path == reverse(
        "rounds:moderation", args=[shared_round.pk]
    )
    for words in ("First.", "Second.", "Willow", "Rowan"):
        assert words not in digest.body and words not in html_of(digest)
    assert emails_to(turned_off.email) == []
    digests = Notification.objects.filter(kind=NotificationKind.DIGEST)
    assert digests.filter(member__isnull=False).count() == 0
    assert set(digests.values_list("user", flat=True)) == set(
        digest_recipients().values_list("pk", flat=True)
    )


def test_no_digest_on_a_day_after_no_comments(shared_round, members):
    EditorFactory()

    assert notifications_due_queue(now=timezone.localtime().replace(hour=12)).digests == 0
    assert not Notification.objects.filter(kind=NotificationKind.DIGEST).exists()


def test_an_editor_turns_the_digest_off_from_its_link_or_her_account(
    shared_round, members, section, item_ids, client
):
    moderator = EditorFactory()
    comments_yesterday(shared_round, members, section, item_ids)
    notifications_due_queue(now=timezone.localtime().replace(hour=12))
    link = link_to(emails_to(moderator.email)[0], "consultations:unsubscribe")

    Client().post(urlparse(link).path)

    assert not EditorEmailSettings.for_user(moderator).daily_digest
    client.force_login(moderator)
    account = client.get(reverse("wagtailadmin_account"))
    assert "Daily digest of new comments" in account.text
    data = form_data(account.text, "form")
    data["consultation_emails-daily_digest"] = "on"
    response = client.post(reverse("wagtailadmin_account"), data)
    assert response.status_code == 302
    assert EditorEmailSettings.for_user(moderator).daily_digest


# When the mail server fails --------------------------------------------------------------


def test_a_failed_send_loses_nothing_is_retried_then_shown_to_editors_to_send_again(
    shared_round, members, section, item_ids, editor, client, settings
):
    settings.EMAIL_BACKEND = REFUSING
    settings.CONSULTATIONS_EMAIL_ATTEMPTS = 3
    Member.objects.update(notify_new_rounds=False)  # only the answer's email, in this test
    comment = her_comment(shared_round, members["service_user"], section, item_ids)
    client.force_login(editor)

    response = client.post(
        reverse("rounds:answer", args=[comment.pk]),
        {"status": "accepted", "response": "We added it."},
    )

    # The answer is saved whatever the mail server does.
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).answer == "We added it."
    notification = Notification.objects.get(kind=NotificationKind.ANSWER)
    assert notification.status == NotificationStatus.RETRYING
    assert notification.attempts == 1
    assert members["service_user"].user.email not in notification.error
    assert "451" in notification.error
    first_retry = notification.next_attempt_at

    assert notifications_due_queue(now=first_retry - timedelta(minutes=1)).retried == 0
    assert notifications_due_queue(now=first_retry + timedelta(minutes=1)).retried == 1
    notification.refresh_from_db()
    assert notification.attempts == 2 and notification.next_attempt_at > first_retry
    notifications_due_queue(now=notification.next_attempt_at + timedelta(minutes=1))
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED and notification.attempts == 3

    report = client.get(reverse("consultations_emails_not_sent"))
    assert "Willow" in report.text
    assert members["service_user"].user.email not in report.text

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The button as a browser sends it, CSRF token and all.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    page = browser.get(reverse("consultations_emails_not_sent")).text
    action = reverse("consultations_email_send_again", args=[notification.pk])
    sent = browser.post(action, form_data(page, f'form[action="{action}"]'), follow=True)
    assert "sent" in sent.text
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    (email,) = emails_to(members["service_user"])
    assert email.subject == "The research team answered your comment"
    assert "Willow" not in client.get(reverse("consultations_emails_not_sent")).text


def test_an_invitation_whose_email_fails_is_still_made_and_the_editor_gets_the_link(
    coordinator_client, settings
):
    settings.EMAIL_BACKEND = REFUSING

    response = coordinator_client.post(
        reverse("invitations:add"),
        {"full_name": "Bo Example", "email": "bo@example.org", "constituency": "service_user"},
        follow=True,
    )

    invitation = Invitation.objects.get(email="bo@example.org")
    assert "could not be sent" in response.text
    assert f"/consultations/join/{invitation.token}/" in response.text
    assert invitation.notifications.get().status == NotificationStatus.RETRYING


def test_only_those_who_moderate_see_the_emails_not_sent(client, members):
    client.force_login(members["service_user"].user)
    assert client.get(reverse("consultations_emails_not_sent")).status_code == 302


@pytest.fixture
def admin_without_moderation(client, db):
    """Someone who may use the admin but not moderate comments."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    return client


def test_the_emails_not_sent_need_the_moderation_permission(admin_without_moderation):
    report = admin_without_moderation.get(reverse("consultations_emails_not_sent"))
    again = admin_without_moderation.post(reverse("consultations_email_send_again", args=[1]))
    home = admin_without_moderation.get(reverse("wagtailadmin_home"))

    # Wagtail's admin answers a refusal by sending her to its home page, with a message.
    for refused in (report, again):
        assert (refused.status_code, refused.url) == (302, reverse("wagtailadmin_home"))
    assert "Emails not sent" not in home.text


def test_an_email_no_worker_picked_up_is_shown_to_editors_and_sent_by_the_sweep(
    open_round, members, client, editor
):
    """As if the worker were down: the row waits; editors see it; the sweep sends it."""
    waiting = Notification.objects.create(
        kind=NotificationKind.ROUND_OPENED,
        key=f"round_opened:{open_round.pk}:{members['service_user'].pk}",
        member=members["service_user"],
        round=open_round,
    )
    Notification.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - timedelta(minutes=20)
    )
    client.force_login(editor)

    report = client.get(reverse("consultations_emails_not_sent"))
    assert "Waiting for the task worker" in report.text and "Willow" in report.text

    notifications_due_queue()

    waiting.refresh_from_db()
    assert waiting.status == NotificationStatus.SENT
    assert len(emails_to(members["service_user"])) == 1


def test_a_send_cut_short_is_tried_again_then_given_up(open_round, members, settings):
    settings.CONSULTATIONS_EMAIL_ATTEMPTS = 2
    stuck = Notification.objects.create(
        kind=NotificationKind.ROUND_OPENED,
        key="round_opened:stuck",
        member=members["service_user"],
        round=open_round,
        status=NotificationStatus.SENDING,
        attempts=1,
        last_attempt_at=timezone.now() - timedelta(hours=2),
    )
    gave_up = Notification.objects.create(
        kind=NotificationKind.ROUND_OPENED,
        key="round_opened:gave-up",
        member=members["professional"],
        round=open_round,
        status=NotificationStatus.SENDING,
        attempts=2,
        last_attempt_at=timezone.now() - timedelta(hours=2),
    )
    Member.objects.update(notify_new_rounds=True)

    notifications_due_queue()

    stuck.refresh_from_db()
    gave_up.refresh_from_db()
    assert stuck.status == NotificationStatus.SENT
    assert gave_up.status == NotificationStatus.FAILED
    assert "cut short" in gave_up.error


def test_a_new_link_cancels_the_earlier_links_email_so_she_gets_the_link_once(
    coordinator_client, editor, settings
):
    settings.EMAIL_BACKEND = REFUSING
    invitation, _token = invitation_create(
        full_name="Ada Example",
        email="ada@example.org",
        constituency="service_user",
        invited_by=editor,
    )
    first = invitation.notifications.get()
    assert first.status == NotificationStatus.RETRYING
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    coordinator_client.post(reverse("invitations:renew", args=[invitation.pk]))
    notifications_due_queue(now=timezone.now() + timedelta(hours=1))

    first.refresh_from_db()
    assert first.status == NotificationStatus.CANCELLED
    (email,) = emails_to("ada@example.org")
    invitation.refresh_from_db()
    assert f"/consultations/join/{invitation.token}/" in email.body


def test_the_digest_counts_the_site_days_comments_from_midnight_to_midnight(
    shared_round, members, section, item_ids, settings
):
    settings.CONSULTATIONS_DIGEST_HOUR = 8
    moderator = EditorFactory()
    made = [
        her_comment(shared_round, members["service_user"], section, item_ids, body=str(n))
        for n in range(4)
    ]
    london = ZoneInfo("Europe/London")
    today = timezone.localtime(timezone.now(), london).date()
    midnight = datetime.combine(today, time.min, tzinfo=london)
    for comment, moment in zip(
        made,
        (
            midnight - timedelta(days=1, minutes=1),  # the day before yesterday
            midnight - timedelta(days=1) + timedelta(minutes=1),  # yesterday, just after
            midnight - timedelta(minutes=1),  # yesterday, just before midnight
            midnight + timedelta(minutes=1),  # today
        ),
        strict=True,
    ):
        Comment.objects.filter(pk=comment.pk).update(created_at=moment)

    with timezone.override("America/New_York"):  # whoever runs it, the study's clock
        notifications_due_queue(now=midnight + timedelta(hours=9))

    (digest,) = emails_to(moderator.email)
    assert f"{shared_round.title}: 2 new comments" in digest.body


def test_a_round_moved_or_narrowed_after_its_email_was_queued_is_not_announced(
    open_round, members
):
    queued = {
        name: Notification.objects.create(
            kind=NotificationKind.ROUND_OPENED,
            key=f"round_opened:{open_round.pk}:{members[name].pk}",
            member=members[name],
            round=open_round,
        )
        for name in ("service_user", "professional")
    }
    open_round.audience = Audience.SERVICE_USERS
    open_round.save()

    assert notification_deliver(notification_id=queued["professional"].pk) == "cancelled"
    open_round.opens_at = timezone.now() + timedelta(days=1)
    open_round.save()
    assert notification_deliver(notification_id=queued["service_user"].pk) == "cancelled"
    assert mail.outbox == []


def test_a_member_who_already_took_part_is_not_told_the_round_opened(
    open_round, members, section, item_ids
):
    rating_set(
        round=open_round,
        member=members["service_user"],
        page_id=section.pk,
        block_id=item_ids[0],
        score=5,
    )

    notifications_due_queue()

    assert emails_to(members["service_user"]) == []
    assert len(emails_to(members["professional"])) == 1


@pytest.mark.parametrize(
    "said",
    [
        b"Mailbox Ada.Nowak@Example.org unavailable",
        b"<ada.nowak@example.ORG>: user unknown",
        b"mailbox full for ADA.NOWAK@EXAMPLE.ORG",
    ],
)
def test_what_the_mail_server_said_reaches_editors_without_any_address(said):
    import smtplib

    from consultations.services.notifications import error_described

    described = error_described(smtplib.SMTPDataError(550, said))

    assert "550" in described and "[address]" in described
    assert "@" not in described and "nowak" not in described.lower()


def test_a_sweep_with_nothing_new_costs_the_same_however_many_members(open_round, settings):
    """Cron runs it every few minutes: it must not cost a query per member."""
    settings.CONSULTATIONS_REMINDER_HOURS = 48
    in_window = open_round.closes_at - timedelta(hours=47)
    counts = []
    for total in (5, 50):
        MemberFactory.create_batch(total - Member.objects.count())
        notifications_due_queue(now=in_window)
        with CaptureQueriesContext(connection) as queries:
            notifications_due_queue(now=in_window + timedelta(minutes=5))
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1] <= 12
    assert Notification.objects.filter(kind=NotificationKind.REMINDER).count() == 50
