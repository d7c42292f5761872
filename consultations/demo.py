"""Demo content of the consultations app: four study sites, the demo members, an open
round on the draft framework with a few comments and ratings, and one waiting invitation.

It runs after the evidence app's demo, and finds the framework sections only as pages that
take part in consultations, so this app still knows nothing of the evidence app. All the
people here are made up.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from wagtail.models import Page, Revision

from cms.demo import Log
from consultations.changes import page_comparison
from consultations.consent import CONSENT_VERSION
from consultations.enums import (
    Abstention,
    AnswerStatus,
    Audience,
    Constituency,
    Nation,
    RatingScale,
    SupportArea,
    YouSaidWeDid,
)
from consultations.models import (
    Comment,
    CommentVersion,
    ConsultationItem,
    Invitation,
    Member,
    Rating,
    RatingVersion,
    Round,
    RoundPage,
    StudySite,
    SupportService,
)
from consultations.selectors import consultable_pages
from consultations.services import (
    change_responses_set,
    comment_answer,
    comment_edit,
    comment_post,
    invitation_create,
    notifications_off,
    rating_set,
    round_page_pin,
)

EARLIER_ROUND_TITLE = "Round 1: the first draft"
EARLIER_ROUND_INSTRUCTIONS = (
    "<p><strong>Demo content.</strong> The first round on the draft framework. It has "
    "closed, and the research team has answered the comments.</p>"
)
ROUND_TITLE = "Round 2: the revised draft"
ROUND_INSTRUCTIONS = (
    "<p><strong>Demo content.</strong> We have revised the draft after the first round. "
    "Each requirement shows what changed, and your comments from the first round are shown "
    "with our answers. Rate each requirement from 1 (strongly disagree) to 9 (strongly "
    "agree), and tell us why if you can. You can comment on a requirement, or on the whole "
    "section.</p>"
)
INVITED_EMAIL = "jordan.example@example.org"

# Made-up sites, two in each nation the study recruits in.
DEMO_STUDY_SITES = (
    ("Demo site North", Nation.SCOTLAND),
    ("Demo site East", Nation.SCOTLAND),
    ("Demo site South", Nation.ENGLAND),
    ("Demo site West", Nation.ENGLAND),
)


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

# The rest of the first round's panel: members who cannot sign in (no password, no name,
# no address), there so that the results, response rates, exports and report have enough
# ratings to show: a group of fewer than CONSULTATIONS_MIN_GROUP_SIZE is "too few to show"
# to members.
_SU, _PRO = Constituency.SERVICE_USER, Constituency.PROFESSIONAL
DEMO_PANEL = (
    DemoMember("demo-panel-01", _SU, "Hazel", "Demo site North"),
    DemoMember("demo-panel-02", _SU, "Juniper", "Demo site East"),
    DemoMember("demo-panel-03", _SU, "Primrose", "Demo site South"),
    DemoMember("demo-panel-04", _SU, "Heather", "Demo site West"),
    DemoMember("demo-panel-05", _SU, "Clover", "Demo site East"),
    DemoMember("demo-panel-06", _SU, "Sorrel", "Demo site West"),
    DemoMember("demo-panel-07", _PRO, "Wren", "Demo site North", "Health visitor"),
    DemoMember("demo-panel-08", _PRO, "Heron", "Demo site East", "Drug-treatment worker"),
    DemoMember("demo-panel-09", _PRO, "Curlew", "Demo site South", "Social worker"),
    DemoMember("demo-panel-10", _PRO, "Linnet", "Demo site West", "Obstetrician"),
    DemoMember("demo-panel-11", _PRO, "Plover", "Demo site North", "Specialist midwife"),
    DemoMember("demo-panel-12", _PRO, "Skylark", "Demo site South", "Commissioner"),
)
# The panel's scores of the first round's items, in the order of the round page's items,
# one column per panel member; None is "I'm unable to rate this". Service users and
# professionals agree on some items and part ways on others, as real panels do.
DEMO_PANEL_SCORES = (
    (4, 5, 3, 6, 5, 7, 8, 7, 9, 8, 7, 8),
    (8, 9, 7, 8, 9, 8, 9, 8, 8, 7, 9, 8),
    (2, 1, 3, 2, 3, 1, 5, 6, 4, 7, 3, 6),
    (3, 2, 7, 5, None, 8, 4, 6, 5, 3, 7, 5),
    (7, 8, 8, 9, 7, 8, 7, 8, 9, 8, 6, 7),
    (6, 7, 5, 8, 7, 9, 3, 4, 2, 5, 3, 4),
    (9, 8, 8, 7, 9, 9, 8, 9, 7, 8, 8, None),
)
# Consent given before the first round opened, so that every demo member counts as invited.
CONSENTED_DAYS_AGO = 90


def seed(*, log: Log) -> None:
    # The demo's comments, answers and invitation are history, not news: nobody is emailed.
    with notifications_off():
        _study_sites_ensure(log=log)
        members = [
            member for spec in DEMO_MEMBERS if (member := _member_ensure(spec=spec, log=log))
        ]
        earlier = _earlier_round_ensure(members=members, log=log)
        _round_ensure(members=members, follows=earlier, log=log)
        _invitation_ensure(log=log)
        _support_services_ensure(log=log)


def _study_sites_ensure(*, log: Log) -> None:
    """The demo's sites, by name: a site the team has since changed is left as it is."""
    created = [
        name
        for name, nation in DEMO_STUDY_SITES
        if StudySite.objects.get_or_create(
            name__iexact=name, defaults={"name": name, "nation": nation}
        )[1]
    ]
    if created:
        log(f"Created {len(created)} demo study sites.")


def _study_site(name: str) -> StudySite | None:
    return StudySite.objects.filter(name__iexact=name).first()


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
        study_site=_study_site(spec.study_site),
        professional_role=spec.professional_role,
        consent_given_at=timezone.now() - timedelta(days=CONSENTED_DAYS_AGO),
        consent_version=CONSENT_VERSION,
    )
    log(f"Created the member profile {spec.pseudonym} for {spec.username}.")
    return member


def _panel_member_ensure(spec: DemoMember) -> Member | None:
    """A panel member, with an account that cannot sign in."""
    user, created = get_user_model().objects.get_or_create(username=spec.username)
    if created:
        user.set_unusable_password()
        user.save()
    member = Member.objects.filter(user=user).first()
    if member is not None or Member.objects.filter(pseudonym__iexact=spec.pseudonym).exists():
        return member
    return Member.objects.create(
        user=user,
        constituency=spec.constituency,
        pseudonym=spec.pseudonym,
        study_site=_study_site(spec.study_site),
        professional_role=spec.professional_role,
        consent_given_at=timezone.now() - timedelta(days=CONSENTED_DAYS_AGO),
        consent_version=CONSENT_VERSION,
    )


def _panel_ratings_seed(*, round: Round, round_page: RoundPage) -> None:
    panel = [_panel_member_ensure(spec) for spec in DEMO_PANEL]
    for item, scores in zip(round_page.items, DEMO_PANEL_SCORES, strict=False):
        for member, score in zip(panel, scores, strict=True):
            if member is None:
                continue
            rating_set(
                round=round,
                member=member,
                page_id=round_page.page_id,
                block_id=item.block_id,
                score=score,
                abstention="" if score is not None else Abstention.UNABLE,
            )


def _editor() -> AbstractBaseUser | None:
    return get_user_model().objects.filter(username="editor").first()


def _earlier_round_ensure(*, members: list[Member], log: Log) -> Round | None:
    """A closed round on an earlier revision of a page whose items changed since, with
    comments the research team has answered: what the open round builds on."""
    existing = Round.objects.filter(title=EARLIER_ROUND_TITLE).first()
    if existing is not None:
        return existing
    pinned = _earlier_revision()
    if pinned is None:
        log(f"Did not create {EARLIER_ROUND_TITLE}: no framework section has an earlier draft.")
        return None
    page, revision = pinned
    now = timezone.now()
    opened, closed = now - timedelta(days=60), now - timedelta(days=30)
    # Opened now so that members' comments go in as they would have then; its dates are
    # set to the past afterwards.
    round = Round.objects.create(
        title=EARLIER_ROUND_TITLE,
        instructions=EARLIER_ROUND_INSTRUCTIONS,
        opens_at=now - timedelta(minutes=1),
        closes_at=now + timedelta(days=1),
        rating_scale=RatingScale.NINE_POINT,
        audience=Audience.BOTH,
        comments_visible_to_members=True,
        # Its answers are published to its members: "you said, we did".
        you_said_we_did=YouSaidWeDid.MEMBERS,
        created_by=_editor(),
    )
    round_page = RoundPage.objects.create(round=round, page=page, revision=revision, sort_order=0)
    if len(members) == len(DEMO_MEMBERS) and (editor := _editor()) is not None:
        _earlier_contributions_seed(
            round=round, round_page=round_page, members=members, editor=editor
        )
    _panel_ratings_seed(round=round, round_page=round_page)
    Round.objects.filter(pk=round.pk).update(opens_at=opened, closes_at=closed)
    made = opened + timedelta(days=5)
    answered = closed + timedelta(days=3)
    Comment.objects.filter(round=round).update(created_at=made, answered_at=answered)
    Rating.objects.filter(round=round).update(created_at=made)
    CommentVersion.objects.filter(comment__round=round).update(created_at=made)
    RatingVersion.objects.filter(rating__round=round).update(created_at=made)
    log(f"Created the closed round {EARLIER_ROUND_TITLE} on the first draft of {page.title}.")
    return Round.objects.get(pk=round.pk)


def _earlier_revision() -> tuple[Page, Revision] | None:
    """A consultable page and its revision before the latest, if their items differ."""
    for page in consultable_pages().specific():
        revisions = list(page.revisions.order_by("-created_at", "-pk")[:2])
        if len(revisions) < 2:
            continue
        latest, earlier = (revision.as_object() for revision in revisions)
        earlier_texts = {item.block_id: item.text for item in earlier.get_consultation_items()}
        latest_texts = {item.block_id: item.text for item in latest.get_consultation_items()}
        if earlier_texts and earlier_texts != latest_texts:
            return page, revisions[1]
    return None


def _earlier_contributions_seed(
    *, round: Round, round_page: RoundPage, members: list[Member], editor: AbstractBaseUser
) -> None:
    service_user, professional = members
    items = round_page.items
    latest = {
        item.block_id: item.text for item in round_page.page.specific.get_consultation_items()
    }
    reworded = next(
        item for item in items if item.block_id in latest and item.text != latest[item.block_id]
    )
    unchanged = next(item for item in items if latest.get(item.block_id) == item.text)
    removed = next((item for item in items if item.block_id not in latest), None)
    answers = [
        (
            service_user,
            reworded,
            "A plan is only worth something if someone goes through it with you. Mine was "
            "written once and never looked at again.",
            AnswerStatus.ACCEPTED,
            "Thank you. The requirement now says the plan is shared, agreed with each woman "
            "early in pregnancy, and reviewed with her at each stage.",
        ),
        (
            professional,
            unchanged,
            "Named lead professional: this works well where the specialist midwife takes the "
            "role.",
            AnswerStatus.NOTED,
            "Thank you. We have kept the requirement as it is: services can choose who takes "
            "the role.",
        ),
    ]
    if removed is not None:
        answers.append(
            (
                service_user,
                removed,
                "I would not have gone to a special clinic. Everyone in the waiting room "
                "would know why you were there.",
                AnswerStatus.ACCEPTED,
                "Other members said the same. We have taken this requirement out: what "
                "matters is a shared plan and one named professional, wherever she is seen.",
            )
        )
    for member, item, body, status, response in answers:
        comment = comment_post(
            round=round,
            member=member,
            page_id=round_page.page_id,
            block_id=item.block_id,
            body=body,
        ).comment
        comment_answer(comment=comment, by=editor, status=status, response=response)
    for member, scores in ((service_user, (5, 8, 4, 3)), (professional, (6, 9, 6, 5))):
        for item, score in zip(items, scores, strict=False):
            rating_set(
                round=round,
                member=member,
                page_id=round_page.page_id,
                block_id=item.block_id,
                score=score,
            )


def _round_ensure(*, members: list[Member], follows: Round | None, log: Log) -> None:
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
        follows=follows,
        created_by=_editor(),
    )
    for sort_order, (page, revision) in enumerate(pinned):
        RoundPage.objects.create(round=round, page=page, revision=revision, sort_order=sort_order)
    log(
        f"Created the round {ROUND_TITLE}, open to members for three weeks"
        + (f", following {follows.title}." if follows else ".")
    )
    if len(members) == len(DEMO_MEMBERS):
        _contributions_seed(round=round, members=members, log=log)
    if follows is not None:
        _change_responses_seed(round=round, log=log)


def _change_responses_seed(*, round: Round, log: Log) -> None:
    """Link each reworded item of the round to the answered earlier comments on it: the
    research team's record of what changed in response."""
    editor = _editor()
    if editor is None:
        return
    linked = 0
    for round_page in RoundPage.objects.filter(round=round).select_related("revision"):
        comparison = page_comparison(round=round, round_page=round_page)
        if not comparison.is_compared:
            continue
        round_ids = [earlier.round_id for earlier in comparison.earlier_round_pages]
        for change in comparison.items:
            if not change.is_changed:
                continue
            answered = Comment.objects.filter(
                round_id__in=round_ids,
                page_id=round_page.page_id,
                block_id=change.block_id,
                hidden_at__isnull=True,
                withdrawn_at__isnull=True,
            ).exclude(answer_status="")
            comment_ids = list(answered.values_list("pk", flat=True))
            if comment_ids:
                change_responses_set(
                    round=round,
                    page_id=round_page.page_id,
                    block_id=change.block_id,
                    comment_ids=comment_ids,
                    by=editor,
                )
                linked += len(comment_ids)
    if linked:
        log(f"Linked changes in {round.title} to the earlier comments they answer ({linked}).")


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
        study_site=_study_site("Demo site South"),
        professional_role="Health visitor",
        invited_by=_editor(),
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
        "name": "Mind Infoline",
        "area": SupportArea.ENGLAND,
        "description": "Information and support about mental health, and where to find help "
        "near you.",
        "phone": "0300 123 3393",
        "website": "https://www.mind.org.uk/",
        "opening_hours": "",
        "sort_order": 20,
    },
    {
        "name": "Breathing Space",
        "area": SupportArea.SCOTLAND,
        "description": "A free, confidential phone line for anyone in Scotland feeling low, "
        "anxious or stressed.",
        "phone": "0800 83 85 87",
        "website": "https://breathingspace.scot/",
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
