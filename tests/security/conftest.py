"""The cast of the security tests: every role the site knows, and the things each may or
may not reach, built once per test module.

Roles, in the order the access matrix lists them:

- ``anonymous``: nobody signed in.
- ``service_user``: an advisory member, service user, in both rounds; she commented and rated.
- ``professional``: an advisory member, professional, in the shared round only; she
  commented and rated there.
- ``outsider``: a professional who joined by invitation and has not taken part. The round
  for service users leaves her out: it is "a round she is not in".
- ``withdrawn``: a service user who commented, then withdrew from the study before
  withdrawal closed accounts (consent text 1.0): still signed in, no longer taking part.
  A member who withdraws now is signed out with her account closed, so she is anonymous
  to every view (``tests/consultations/test_withdrawal.py``).
- ``editor``: the research team (Moderators) without the identity permission.
- ``coordinator``: an editor who also holds the identity permission (Member coordinators).
- ``superuser``.

Besides the shared round and the round for service users, a round not yet open and one
that has closed, all on one framework section ("you said, we did" is published to its
members for the round for service users, to everyone for the closed round, and not for
the others); a page of every type; invitations waiting, expired and accepted; a support
service; the members' study site and a spare one.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from wagtail.models import Page, PageViewRestriction, Site

import pytest

from consultations.enums import (
    Audience,
    Constituency,
    NotificationKind,
    SupportArea,
    YouSaidWeDid,
)
from consultations.models import (
    Comment,
    Invitation,
    Member,
    Notification,
    Rating,
    Round,
    StudySite,
    SupportService,
)
from consultations.services import (
    comment_post,
    invitation_accept,
    invitation_create,
    rating_set,
)
from consultations.services.notifications import unsubscribe_token
from evidence.models import Domain
from tests.factories import (
    EditorFactory,
    EvidenceIndexPageFactory,
    EvidenceSummaryPageFactory,
    FrameworkIndexPageFactory,
    FrameworkSectionPageFactory,
    LayFindingsIndexPageFactory,
    LayFindingsPageFactory,
    MemberFactory,
    RoundFactory,
    RoundPageFactory,
    StandardPageFactory,
    UserFactory,
)

ROLES = (
    "anonymous",
    "service_user",
    "professional",
    "outsider",
    "withdrawn",
    "editor",
    "coordinator",
    "superuser",
)
MEMBER_ROLES = ("service_user", "professional", "outsider", "withdrawn")
EDITOR_ROLES = ("editor", "coordinator", "superuser")


@dataclass
class Cast:
    users: dict[str, object | None]
    members: dict[str, Member]
    shared_round: Round
    su_round: Round
    pages: dict[str, Page]
    item_ids: list[str]
    comments: dict[str, Comment]
    ratings: dict[str, Rating]
    invitations: dict[str, Invitation]
    # What the matrix's path templates may name: ids, tokens, page paths.
    ids: dict[str, object] = field(default_factory=dict)

    def client(self, role: str, **kwargs: object) -> Client:
        client = Client(raise_request_exception=False, **kwargs)
        if self.users[role] is not None:
            client.force_login(self.users[role])
        return client


def requirement_items() -> list[tuple[str, dict]]:
    domain = Domain.objects.get(name="How organisations work together")
    return [
        ("requirement", {"statement": s, "rationale": "", "domain": domain, "evidence": []})
        for s in ("Services share one care plan.", "Each woman has a named lead professional.")
    ]


def cast_build() -> Cast:
    home = Site.objects.get(is_default_site=True).root_page.specific
    standard = StandardPageFactory(parent=home)
    draft = StandardPageFactory(parent=home, live=False)
    evidence_index = EvidenceIndexPageFactory(parent=home)
    summary = EvidenceSummaryPageFactory(parent=evidence_index)
    findings_index = LayFindingsIndexPageFactory(parent=home)
    finding = LayFindingsPageFactory(parent=findings_index)
    framework = FrameworkIndexPageFactory(parent=home)
    # As the demo does: drafts of the framework are for the research team only.
    restriction = PageViewRestriction.objects.create(
        page=framework, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set(Group.objects.filter(name__in=["Editors", "Moderators"]))
    section = FrameworkSectionPageFactory(parent=framework, requirements=requirement_items())
    section.save_revision()
    item_ids = [block.id for block in section.requirements]

    shared_round = RoundFactory(title="Shared round", comments_visible_to_members=True)
    RoundPageFactory(round=shared_round, page=section)
    su_round = RoundFactory(
        title="Service users' round",
        audience=Audience.SERVICE_USERS,
        comments_visible_to_members=True,
        you_said_we_did=YouSaidWeDid.MEMBERS,
    )
    RoundPageFactory(round=su_round, page=section)
    now = timezone.now()
    scheduled_round = RoundFactory(
        title="Round to come", opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=8)
    )
    RoundPageFactory(round=scheduled_round, page=section)
    closed_round = RoundFactory(
        title="Round gone by",
        opens_at=now - timedelta(days=9),
        closes_at=now - timedelta(days=2),
        comments_visible_to_members=True,
        you_said_we_did=YouSaidWeDid.EVERYONE,
    )
    RoundPageFactory(round=closed_round, page=section)

    service_user = MemberFactory(pseudonym="Willow")
    professional = MemberFactory(pseudonym="Rowan", professional=True)
    withdrawn = MemberFactory(pseudonym="Hazel")
    accepted, _token = invitation_create(
        full_name="Olive Outsider",
        email="olive@example.org",
        constituency=Constituency.PROFESSIONAL,
        professional_role="Health visitor",
        invited_by=None,
    )
    outsider = invitation_accept(invitation=accepted, pseudonym="Heron", password="x" * 20)
    pending, pending_token = invitation_create(
        full_name="Petra Pending",
        email="petra@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=None,
    )
    expired, expired_token = invitation_create(
        full_name="Edna Expired",
        email="edna@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=None,
    )
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))

    def post(round: Round, member: Member, body: str, item: int = 0) -> Comment:
        return comment_post(
            round=round, member=member, page_id=section.pk, block_id=item_ids[item], body=body
        ).comment

    def rate(member: Member, score: int) -> Rating:
        return rating_set(
            round=shared_round,
            member=member,
            page_id=section.pk,
            block_id=item_ids[0],
            score=score,
        ).rating

    comments = {
        "su_comment": post(shared_round, service_user, "Willow says one plan."),
        "pro_comment": post(shared_round, professional, "Rowan says one lead."),
        "su_round_comment": post(su_round, service_user, "Willow, among service users."),
        "withdrawn_comment": post(shared_round, withdrawn, "Hazel said this before leaving."),
    }
    ratings = {"su_rating": rate(service_user, 8), "pro_rating": rate(professional, 3)}
    Member.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    withdrawn.refresh_from_db()

    editor = EditorFactory()
    coordinator = EditorFactory()
    coordinator.groups.add(Group.objects.get(name="Member coordinators"))
    superuser = UserFactory(is_superuser=True, is_staff=True)

    members = {
        "service_user": service_user,
        "professional": professional,
        "outsider": outsider,
        "withdrawn": withdrawn,
    }
    users: dict[str, object | None] = {"anonymous": None}
    users |= {role: member.user for role, member in members.items()}
    users |= {"editor": editor, "coordinator": coordinator, "superuser": superuser}
    pages = {
        "home": home,
        "standard": standard,
        "draft": draft,
        "evidence_index": evidence_index,
        "summary": summary,
        "findings_index": findings_index,
        "finding": finding,
        "framework": framework,
        "section": section,
    }
    # A password reset link is tied to the account's last sign-in: this account never signs
    # in, so its link stays good however many roles the tests sign in as.
    resetting = UserFactory()
    support_service = SupportService.objects.create(
        name="Samaritans", area=SupportArea.UK, description="Someone to talk to.", phone="116 123"
    )
    ids: dict[str, object] = {
        "shared_round": shared_round.pk,
        "su_round": su_round.pk,
        "scheduled_round": scheduled_round.pk,
        "closed_round": closed_round.pk,
        "section": section.pk,
        "summary": summary.pk,
        "finding": finding.pk,
        "draft": draft.pk,
        "pending_invitation": pending.pk,
        "accepted_invitation": accepted.pk,
        "expired_invitation": expired.pk,
        "pending_token": pending_token,
        "expired_token": expired_token,
        "support_service": support_service.pk,
        "study_site": service_user.study_site_id,
        "spare_study_site": StudySite.objects.create(name="Spare site", nation="wales").pk,
        "accepted_token": _token,
        # The link in a reminder to Willow, which turns her reminders off.
        "unsubscribe_token": unsubscribe_token(
            Notification(kind=NotificationKind.REMINDER, member=service_user)
        ),
        "reset_uid": urlsafe_base64_encode(force_bytes(resetting.pk)),
        "reset_token": default_token_generator.make_token(resetting),
        **{role: member.pk for role, member in members.items()},
        **{f"{role}_user": user.pk for role, user in users.items() if user is not None},
        **{name: comment.pk for name, comment in comments.items()},
        **{f"{name}_path": page.url for name, page in pages.items()},
    }
    return Cast(
        users=users,
        members=members,
        shared_round=shared_round,
        su_round=su_round,
        pages=pages,
        item_ids=item_ids,
        comments=comments,
        ratings=ratings,
        invitations={"pending": pending, "accepted": accepted, "expired": expired},
        ids=ids,
    )


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker) -> Iterator[Cast]:
    """Built once per module, in a transaction rolled back at its end; each test runs in a
    savepoint inside it, so what one test changes the next never sees."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield cast_build()
        transaction.set_rollback(True)
