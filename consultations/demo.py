"""Demo content of the consultations app: the demo members, an open round on the draft
framework with a few comments and ratings, and one waiting invitation.

It runs after the evidence app's demo, and finds the framework sections only as pages that
take part in consultations, so this app still knows nothing of the evidence app. All the
people here are made up.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from cms.demo import Log
from consultations.consent import CONSENT_VERSION
from consultations.enums import Audience, Constituency, RatingScale, SupportArea
from consultations.models import (
    ConsultationItem,
    Invitation,
    Member,
    Round,
    RoundPage,
    SupportService,
)
from consultations.selectors import consultable_pages
from consultations.services import (
    comment_edit,
    comment_post,
    invitation_create,
    rating_set,
    round_page_pin,
)

ROUND_TITLE = "Round 1: the draft framework"
ROUND_INSTRUCTIONS = (
    "<p><strong>Demo content.</strong> Read each section of the draft framework. Rate each "
    "requirement from 1 (strongly disagree) to 9 (strongly agree), and tell us why if you "
    "can. You can comment on a requirement, or on the whole section.</p>"
)
INVITED_EMAIL = "jordan.example@example.org"


@dataclass(frozen=True)
class DemoMember:
    username: str
    constituency: Constituency
    pseudonym: str
    study_site: str
    professional_role: str = ""


DEMO_MEMBERS = (
    DemoMember("member-su", Constituency.SERVICE_USER, "Bluebell", "Demo site North"),
    DemoMember("member-pro", Constituency.PROFESSIONAL, "Kestrel", "Demo site South", "Midwife"),
)


def seed(*, log: Log) -> None:
    members = [member for spec in DEMO_MEMBERS if (member := _member_ensure(spec=spec, log=log))]
    _round_ensure(members=members, log=log)
    _invitation_ensure(log=log)
    _support_services_ensure(log=log)


def _member_ensure(*, spec: DemoMember, log: Log) -> Member | None:
    user = get_user_model().objects.filter(username=spec.username).first()
    if user is None:
        return None
    member = Member.objects.filter(user=user).first()
    if member is not None:
        return member
    if Member.objects.filter(pseudonym__iexact=spec.pseudonym).exists():
        log(f"Did not create a member profile for {spec.username}: {spec.pseudonym} is taken.")
        return None
    member = Member.objects.create(
        user=user,
        constituency=spec.constituency,
        pseudonym=spec.pseudonym,
        study_site=spec.study_site,
        professional_role=spec.professional_role,
        consent_given_at=timezone.now(),
        consent_version=CONSENT_VERSION,
    )
    log(f"Created the member profile {spec.pseudonym} for {spec.username}.")
    return member


def _round_ensure(*, members: list[Member], log: Log) -> None:
    if Round.objects.filter(title=ROUND_TITLE).exists():
        return
    # The pinned revision, not the live page, decides what members read: a section that
    # has items there is one they can rate.
    pinned = []
    for page in consultable_pages().specific():
        revision = round_page_pin(page=page)
        if revision.as_object().get_consultation_items():
            pinned.append((page, revision))
    if not pinned:
        log(f"Did not create {ROUND_TITLE}: there are no framework sections with items.")
        return
    now = timezone.now()
    round = Round.objects.create(
        title=ROUND_TITLE,
        instructions=ROUND_INSTRUCTIONS,
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=21),
        rating_scale=RatingScale.NINE_POINT,
        audience=Audience.BOTH,
        comments_visible_to_members=True,
        created_by=get_user_model().objects.filter(username="editor").first(),
    )
    for sort_order, (page, revision) in enumerate(pinned):
        RoundPage.objects.create(round=round, page=page, revision=revision, sort_order=sort_order)
    log(f"Created the round {ROUND_TITLE}, open to members for three weeks.")
    if len(members) == len(DEMO_MEMBERS):
        _contributions_seed(round=round, members=members, log=log)


def _contributions_seed(*, round: Round, members: list[Member], log: Log) -> None:
    service_user, professional = members
    round_page = (
        RoundPage.objects.filter(round=round)
        .select_related("revision")
        .order_by("sort_order")
        .first()
    )
    items: list[ConsultationItem] = round_page.items
    page_id = round_page.page_id
    first = items[0]
    quoted = " ".join(first.text.split()[:5])
    question = comment_post(
        round=round,
        member=service_user,
        page_id=page_id,
        block_id=first.block_id,
        quote=quoted,
        body="This would have helped me. I had to tell my story again to every new person.",
    ).comment
    comment_post(
        round=round,
        member=professional,
        page_id=page_id,
        body="Thank you for saying this. In our service the hardest part is sharing notes "
        "between maternity and drug services.",
        parent=question,
    )
    edited = comment_post(
        round=round,
        member=professional,
        page_id=page_id,
        body="The section is clear, but it should say who keeps the plan up to date.",
    ).comment
    comment_edit(
        comment=edited,
        member=professional,
        body="The section is clear, but it should say who keeps the care plan up to date, "
        "and how often it is checked.",
    )
    scores = {service_user: (9, 8, 7), professional: (8, 6, 9)}
    for member, member_scores in scores.items():
        for item, score in zip(items, member_scores, strict=False):
            rating_set(
                round=round, member=member, page_id=page_id, block_id=item.block_id, score=score
            )
    log(f"Created a few demo comments and ratings in {ROUND_TITLE}.")


def _invitation_ensure(*, log: Log) -> None:
    if Invitation.objects.filter(email__iexact=INVITED_EMAIL).exists():
        return
    if get_user_model().objects.filter(email__iexact=INVITED_EMAIL).exists():
        return
    invitation_create(
        full_name="Jordan Example",
        email=INVITED_EMAIL,
        constituency=Constituency.PROFESSIONAL,
        study_site="Demo site South",
        professional_role="Health visitor",
        invited_by=get_user_model().objects.filter(username="editor").first(),
    )
    log("Created a waiting invitation for a made-up health visitor, Jordan Example.")


# Real, well-known services, so the demo's support page reads as the live one would. The
# research team must check every number, website and opening time before launch: services
# change them, and the list should match the study's sites.
DEMO_SUPPORT_SERVICES = (
    {
        "name": "FRANK",
        "area": SupportArea.ENGLAND,
        "description": "Honest, confidential information and advice about drugs, and help "
        "finding local drug services. You can call, text, email or chat online.",
        "phone": "0300 123 6600",
        "website": "https://www.talktofrank.com/",
        "opening_hours": "24 hours a day, every day",
        "sort_order": 10,
    },
    {
        "name": "Know the Score (Scottish Drugs Forum)",
        "area": SupportArea.SCOTLAND,
        "description": "Free, confidential information and advice about drugs in Scotland, "
        "and where to find local support.",
        "phone": "0800 587 5879",
        "website": "https://www.knowthescore.info/",
        "opening_hours": "",
        "sort_order": 10,
    },
    {
        "name": "Samaritans",
        "area": SupportArea.UK,
        "description": "Someone to talk to about whatever is getting to you, without "
        "judgement. The call is free.",
        "phone": "116 123",
        "website": "https://www.samaritans.org/",
        "opening_hours": "24 hours a day, every day",
        "sort_order": 10,
    },
    {
        "name": "NSPCC Helpline",
        "area": SupportArea.UK,
        # Said plainly, as members would want to know before they call.
        "description": "Advice for any adult worried about a child, parents included. If "
        "they think a child is at risk, they may pass this on to children's services or "
        "the police.",
        "phone": "0808 800 5000",
        "website": "https://www.nspcc.org.uk/",
        "opening_hours": "",
        "sort_order": 20,
    },
)


def _support_services_ensure(*, log: Log) -> None:
    """The demo's support services, once: the team's own changes are never overwritten."""
    if SupportService.objects.exists():
        return
    for fields in DEMO_SUPPORT_SERVICES:
        SupportService.objects.create(**fields)
    log(f"Created {len(DEMO_SUPPORT_SERVICES)} support services (check them before launch).")
