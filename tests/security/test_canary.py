"""The identity canary: the demo members and the waiting invitee get unique marker strings
as names, addresses, sites and roles; then a spider reads the whole site as each person who
may not know who they are, with every email the site sends and every default export, and
finds none of them. An editor who holds the identity permission does find them, so the test
can fail; and nothing that names anyone is kept by a shared cache."""

import logging
import smtplib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry, PageLogEntry

import pytest

from consultations.demo import DEMO_MEMBERS, EARLIER_ROUND_TITLE, INVITED_EMAIL
from consultations.enums import (
    Constituency,
    ExportDataset,
    ExportFormat,
    ExportIdentity,
    NotificationKind,
    NotificationStatus,
    YouSaidWeDid,
)
from consultations.models import Comment, Invitation, Member, Notification, Round, StudySite
from consultations.services import comment_answer, comment_post, notifications_due_queue
from consultations.services.notifications import error_described
from tests.factories import EditorFactory, RoundFactory, RoundPageFactory

from .canary_crawl import Crawl, crawl


@pytest.fixture
def demo_site(demo_seeded_once, db):
    """The demo, loaded once for this module (see ``demo_seeded_once``)."""
    return demo_seeded_once


# Every marker starts with this, so a search for it finds any of them, or a piece of one.
CANARY = "qzcanary"
CRAWL_LIMIT = 600


@dataclass(frozen=True)
class Person:
    """A member or invitee and the markers that stand for who she is."""

    key: str
    markers: tuple[str, ...]
    email: str
    user_id: int | None = None


def markers_in(text: str, people: list[Person], *, except_for: Person | None = None) -> set[str]:
    """The markers in a text, leaving out those of the one person it may name; a piece of
    a marker, or one of no known person, shows as the common prefix."""
    lowered = text.lower()
    if except_for is not None:
        for marker in except_for.markers:
            lowered = lowered.replace(marker, "")
    found = {marker for person in people for marker in person.markers if marker in lowered}
    for marker in found:
        lowered = lowered.replace(marker, "")
    if CANARY in lowered:
        found.add(CANARY)
    return found


@pytest.fixture
def people(demo_site) -> list[Person]:
    """The demo's members and its waiting invitee, each given markers for name, address,
    user name, study site and role."""
    people = []
    for number, spec in enumerate(DEMO_MEMBERS):
        key = f"{CANARY}m{number}"
        user = get_user_model().objects.get(username=spec.username)
        user.username = f"{key}user@example.org"
        user.first_name = f"{key}first"
        user.last_name = f"{key}last"
        user.email = f"{key}mail@example.org"
        user.save()
        markers = [f"{key}{part}" for part in ("user", "first", "last", "mail", "site")]
        identity = {"study_site": StudySite.objects.create(name=f"{key}site")}
        # The database keeps a role for professionals only.
        if spec.constituency == Constituency.PROFESSIONAL:
            identity["professional_role"] = f"{key}role"
            markers.append(f"{key}role")
        Member.objects.filter(user=user).update(**identity)
        people.append(Person(key, tuple(markers), user.email, user.pk))
    key = f"{CANARY}invitee"
    email = f"{key}mail@example.org"
    Invitation.objects.filter(email=INVITED_EMAIL).update(
        full_name=f"{key}first {key}last",
        email=email,
        study_site=StudySite.objects.create(name=f"{key}site"),
        professional_role=f"{key}role",
    )
    people.append(
        Person(key, (f"{key}first", f"{key}last", f"{key}mail", f"{key}site", f"{key}role"), email)
    )
    # Her invitation's email failed, the mail server repeating her address in its own
    # case: Reports › Emails not sent, which every editor reads, must not show it.
    invitation = Invitation.objects.get(email=email)
    Notification.objects.create(
        kind=NotificationKind.INVITATION,
        key="invitation:canary-failed",
        invitation=invitation,
        status=NotificationStatus.FAILED,
        attempts=4,
        error=error_described(smtplib.SMTPDataError(550, f"<{email.upper()}> unknown".encode())),
    )
    return people


def export_choices() -> Iterator[dict[str, str]]:
    for dataset in ExportDataset.values:
        for format in ExportFormat.values:
            for identity in ExportIdentity.values:
                yield {"dataset": dataset, "format": format, "identity": identity}


def members() -> list[Member]:
    return list(Member.objects.select_related("user").order_by("pk"))


def start_pages() -> list[str]:
    """Where every crawl begins: the public site, her pages, the admin and the API, and
    the address of every member, invitation, round page, moderation queue, round's
    results and comment being answered, whether or not a link leads there."""
    urls = ["/", "/consultations/", "/admin/", "/api/v2/pages/", "/search/?q=Bluebell"]
    urls += [
        reverse(name)
        for name in (
            "members:index",
            "invitations:index",
            "rounds:index",
            "wagtailadmin_reports:site_history",
            "wagtailusers_users:index",
            "consultations:profile",
            "consultations_emails_not_sent",
        )
    ]
    for member in members():
        urls += [reverse(f"members:{view}", args=[member.pk]) for view in ("edit", "history")]
        urls.append(reverse("wagtailusers_users:edit", args=[member.user_id]))
    for invitation in Invitation.objects.all():
        urls += [
            reverse(f"invitations:{view}", args=[invitation.pk])
            for view in ("edit", "history", "delete", "renew")
        ]
    for round in Round.objects.all():
        urls.append(reverse("consultations:round", args=[round.pk]))
        urls.append(reverse("consultations:results", args=[round.pk]))
        urls.append(reverse("consultations:you_said_we_did", args=[round.pk]))
        # The moderation queue, entering for a member, the results, what changed (with the
        # changes linked to comments) and "you said, we did" are for every editor: members
        # appear there by pseudonym only, or not at all.
        urls += [
            reverse(f"rounds:{view}", args=[round.pk])
            for view in ("moderation", "enter", "results", "changes", "you_said_we_did")
        ]
        # Its exports, every dataset and file as every editor may take them, and the one
        # with real names, which those without the permission are refused.
        urls += [
            f"{reverse('rounds:export', args=[round.pk])}?{urlencode(choice)}"
            for choice in export_choices()
        ]
        urls += [
            reverse("consultations:round_page", args=[round.pk, round_page.page_id])
            for round_page in round.round_pages.all()
        ]
    for comment in Comment.objects.all():
        urls += [reverse(f"rounds:{view}", args=[comment.pk]) for view in ("answer", "hide")]
    # Response rates and the consultation report: counts only, by constituency and nation.
    for round in Round.objects.all():
        urls += [
            reverse(f"rounds:{view}", args=[round.pk])
            for view in ("participation", "report", "report_csv")
        ]
    for site in StudySite.objects.all():
        urls += [
            reverse(f"wagtailsnippets_consultations_studysite:{view}", args=[site.pk])
            for view in ("edit", "delete", "usage", "history")
        ]
    return urls


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def every_log_record() -> Iterator[Records]:
    """Every record any logger writes at INFO or above while the block runs: all that a
    deployment logs (DEBUG is for a developer's machine, where Django's template debugging
    would dump whole contexts)."""
    records = Records()
    loggers = [logging.getLogger(), logging.getLogger("django")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(records)
        logger.setLevel(logging.INFO)
    try:
        yield records
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(records)
            logger.setLevel(level)


def client_for(role: str, people: list[Person]) -> Client:
    client = Client()
    if role == "editor without the identity permission":
        client.force_login(EditorFactory())
    elif role in MEMBER_ROLES:
        client.force_login(get_user_model().objects.get(pk=people[MEMBER_ROLES[role]].user_id))
    return client


# The demo members, in the order of DEMO_MEMBERS: a service user, then a professional.
MEMBER_ROLES = {"service user": 0, "professional": 1}


# The research team's list of study sites names each site, and no member: a site is
# identifying only beside her, so its name may show there. A round's exports, for the
# research team's analysis, name each member's site beside her pseudonym or study id, as
# the study asks; never her name, address or role.
SITE_SHOWN_PATHS = (
    "/admin/snippets/consultations/studysite/",
    "/admin/snippets/choose/consultations/studysite/",
    "/admin/rounds/export/",
)


def markers_on(response, people: list[Person], *, except_for: Person | None) -> set[str]:
    found = markers_in(response.text, people, except_for=except_for)
    if response.url.startswith(SITE_SHOWN_PATHS):
        found = {marker for marker in found if not marker.endswith("site")}
    return found


def leaks(crawled: Crawl, people: list[Person], *, except_for: Person | None) -> dict:
    return {
        response.url: found
        for response in crawled.fetched
        if (found := markers_on(response, people, except_for=except_for))
    }


def not_private(crawled: Crawl) -> list[str]:
    return [
        f"{response.url}: {response.headers.get('Cache-Control', 'no Cache-Control')}"
        for response in crawled.fetched
        if not {"private", "no-store"} <= response.cache_control
    ]


# What each role must see, so that a crawl that went nowhere cannot pass.
EXPECTED_SIGHTS = {
    # The evidence listing, and the evidence table it links to.
    "anonymous": ("text/csv", "Pregnancy and complex social factors"),
    # Her round, with the other member's comment under a pseudonym.
    "service user": ("text/html", "Kestrel"),
    "professional": ("text/html", "Bluebell"),
    # The member listing, by pseudonym, and an export of an admin listing.
    "editor without the identity permission": ("text/csv", "Bluebell"),
}


@pytest.mark.parametrize("role", list(EXPECTED_SIGHTS))
def test_no_identity_reaches_those_who_may_not_see_it(role, people):
    client = client_for(role, people)
    started = time.monotonic()
    with every_log_record() as records:
        crawled = crawl(client, start=start_pages(), limit=CRAWL_LIMIT)
    seconds = time.monotonic() - started
    print(f"\n{role}: {len(crawled)} responses in {seconds:.1f}s, {dict(crawled.statuses())}")  # noqa: T201

    # The crawl ran out of new pages before its limit: nothing went unread.
    assert len(crawled) < CRAWL_LIMIT
    content_type, words = EXPECTED_SIGHTS[role]
    assert any(content_type in r.headers.get("Content-Type", "") for r in crawled.fetched)
    assert any(words in r.body for r in crawled.fetched)
    assert not any(r.status >= 500 for r in crawled.fetched)
    if role != "anonymous":
        # The results of the demo's closed round: the members' page or the editors'.
        assert any("/results/" in r.url and r.status == 200 for r in crawled.fetched)
    # Her profile tells her own site and role: she may know who she is; nobody else.
    herself = people[MEMBER_ROLES[role]] if role in MEMBER_ROLES else None
    assert leaks(crawled, people, except_for=herself) == {}
    assert [line for line in records.lines if markers_in(line, people)] == []
    # The capture works: Django logs each refusal and each page not found.
    assert records.lines or not any(r.status in (403, 404) for r in crawled.fetched)
    if role != "anonymous":
        assert not_private(crawled) == []


def test_you_said_we_did_published_to_everyone_names_no_one(people):
    """The demo's first round published to everyone: the public read the answered comments
    by pseudonym, and nothing that says who anyone is."""
    round = Round.objects.get(title=EARLIER_ROUND_TITLE)
    round.you_said_we_did = YouSaidWeDid.EVERYONE
    round.save(update_fields=["you_said_we_did"])
    url = reverse("consultations:you_said_we_did", args=[round.pk])

    with every_log_record() as records:
        crawled = crawl(Client(), start=[url], limit=CRAWL_LIMIT)

    (page,) = [response for response in crawled.fetched if response.url == url]
    assert page.status == 200
    assert "Bluebell" in page.body and "Kestrel" in page.body
    assert leaks(crawled, people, except_for=None) == {}
    assert [line for line in records.lines if markers_in(line, people)] == []


def test_public_pages_stay_cacheable_for_anonymous_readers(people):
    crawled = crawl(Client(), start=["/", "/evidence/", "/api/v2/pages/"], limit=60)

    # Signing in is never cached (its form carries a CSRF token), as Django decides.
    public = [r for r in crawled.fetched if r.status == 200 and "/accounts/" not in r.url]
    assert len(public) > 10
    assert [r.url for r in public if r.cache_control & {"private", "no-store"}] == []
    # A shared cache keeps no response that sets a cookie.
    assert [r.url for r in public if "Set-Cookie" in r.headers] == []


@pytest.fixture
def identity_editor(demo_site) -> Client:
    """The demo's editor, a Member coordinator: she may see who members are."""
    user = get_user_model().objects.get(username="editor")
    assert user.groups.filter(name="Member coordinators").exists()
    client = Client()
    client.force_login(user)
    return client


def test_an_editor_with_the_identity_permission_sees_the_markers(people, identity_editor):
    pages = [reverse("members:index"), reverse("invitations:index")]
    pages += [reverse("members:edit", args=[member.pk]) for member in members()]
    pages += [
        reverse(f"invitations:{view}", args=[invitation.pk])
        for invitation in Invitation.objects.all()
        for view in ("edit", "renew")
    ]
    seen = crawl(identity_editor, start=pages, limit=len(pages))

    found = set().union(*(markers_in(r.text, people) for r in seen.fetched))
    # Every marker shows somewhere to her, the user names aside (the admin never shows them).
    expected = {marker for person in people for marker in person.markers if "user" not in marker}
    assert found >= expected
    assert not_private(seen) == []
    # The audit log of her looking names members only by pseudonym or id.
    entries = [
        f"{entry.label} {entry.data}"
        for model in (ModelLogEntry, PageLogEntry)
        for entry in model.objects.all()
    ]
    assert any(e.action == "consultations.view_identity" for e in ModelLogEntry.objects.all())
    assert [entry for entry in entries if markers_in(entry, people)] == []


def test_emails_name_no_one_but_the_person_they_go_to(people, identity_editor):
    anonymous = Client()
    for person in people:
        anonymous.post(reverse("password_reset"), {"email": person.email})
        anonymous.post(reverse("wagtailadmin_password_reset"), {"email": person.email})
    invitation = Invitation.objects.get(email=people[-1].email)
    identity_editor.post(reverse("invitations:renew", args=[invitation.pk]))
    # A newly invited member's email too, with markers of her own.
    newcomer = Person(
        f"{CANARY}new", (f"{CANARY}newfirst", f"{CANARY}newmail"), f"{CANARY}newmail@example.org"
    )
    identity_editor.post(
        reverse("invitations:add"),
        {
            "full_name": f"{CANARY}newfirst Smith",
            "email": newcomer.email,
            "constituency": "service_user",
            "study_site": "",
            "professional_role": "",
        },
    )
    everyone = [*people, newcomer]
    consultation_emails_send()

    # Two password resets for each member (the site's and the admin's form both answer
    # an address they know), the two invitations, and every kind of consultation email.
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients.count(people[0].email) >= 1
    assert people[-1].email in recipients and newcomer.email in recipients
    sent = Notification.objects.filter(status=NotificationStatus.SENT)
    assert set(sent.values_list("kind", flat=True)) == set(NotificationKind.values)
    for message in mail.outbox:
        text = "\n".join(
            [
                message.subject,
                message.body,
                *(content for content, _type in getattr(message, "alternatives", [])),
                *message.cc,
                *message.bcc,
                *message.reply_to,
                message.from_email,
                *(f"{name}: {value}" for name, value in message.extra_headers.items()),
            ]
        )
        (recipient,) = message.to
        # The digest goes to editors, who are none of these people: it may name no one.
        addressee = next((person for person in everyone if person.email == recipient), None)
        assert markers_in(text, everyone, except_for=addressee) == set(), message.subject


def consultation_emails_send() -> None:
    """Every kind of consultation email, with the words of comments in them: the round
    opening and the reminder to every member, a reply and an answer between members who
    carry markers, and the digest."""
    Member.objects.update(email_comment_text=True)
    round = Round.objects.open().get()
    round.comments_visible_to_members = True
    round.save()
    # The demo's members have all taken part in its open round: a new one is announced.
    RoundPageFactory(round=RoundFactory(), page=round.round_pages.first().page)
    notifications_due_queue()
    notifications_due_queue(now=round.closes_at - timedelta(hours=1))
    marked = Member.objects.taking_part().filter(user__email__startswith=CANARY)
    comment = Comment.objects.filter(round=round, parent=None, author__in=marked).first()
    comment_post(
        round=round,
        member=marked.exclude(pk=comment.author_id).first(),
        page_id=comment.page_id,
        parent=comment,
        body="A reply, to be emailed to the comment's author.",
    )
    comment_answer(
        comment=comment,
        by=get_user_model().objects.get(username="editor"),
        status="noted",
        response="Noted, thank you.",
    )
    tomorrow = timezone.localtime() + timedelta(days=1)
    notifications_due_queue(now=tomorrow.replace(hour=settings.CONSULTATIONS_DIGEST_HOUR))


def test_the_exports_with_real_names_hold_the_markers(people, identity_editor):
    """The exports the crawl above reads as an editor without the permission do name
    members when she holds it: the check can fail, in a workbook as in a CSV file."""
    urls = [
        f"{reverse('rounds:export', args=[round.pk])}?{urlencode(choice)}"
        for round in Round.objects.all()
        for choice in export_choices()
        if choice["identity"] == "real_names"
    ]
    seen = crawl(identity_editor, start=urls, limit=len(urls))

    assert {r.status for r in seen.fetched} == {200}
    found = set().union(*(markers_in(r.text, people) for r in seen.fetched))
    for format in ("csv", "xlsx"):
        assert any(markers_in(r.text, people) for r in seen.fetched if f"format={format}" in r.url)
    # The service user's name, address and site, in one export or another.
    service_user = people[MEMBER_ROLES["service user"]]
    assert {f"{service_user.key}{part}" for part in ("first", "last", "mail", "site")} <= found
