"""The public and member pages of the demo, as paths, for the browser tests to visit."""

from django.urls import reverse
from django.utils import translation

from wagtail.models import Page

from consultations.enums import Constituency, NotificationKind
from consultations.models import Comment, Member, Notification, Round
from consultations.services import invitation_create
from consultations.services.notifications import unsubscribe_token
from evidence.models import EvidenceSummaryPage, LayFindingsIndexPage, LayFindingsPage
from home.models import HomePage, StandardPage

MEMBER = "member-su"


def _english(page: Page) -> str:
    return page.get_url()


def public_paths() -> list[str]:
    """Every kind of public page, in English; the other languages add their prefix."""
    home = HomePage.objects.filter(locale__language_code="en-gb").get()
    standard = [_english(page) for page in StandardPage.objects.live().child_of(home)]
    summary = EvidenceSummaryPage.objects.live().first()
    findings = LayFindingsIndexPage.objects.live().filter(locale=home.locale).first()
    finding = LayFindingsPage.objects.live().filter(locale=home.locale).first()
    evidence_index = summary.get_parent()
    return [
        "/",
        *standard,
        _english(evidence_index),
        f"{_english(evidence_index)}?nation=scotland",
        _english(summary),
        _english(findings),
        f"{_english(findings)}?theme=stigma",
        _english(finding),
        "/search/?q=care",
        "/search/?q=zzzznothing",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/no-such-page/",
    ]


def member_paths() -> list[str]:
    """Her pages, signed in as the demo service user, in English."""
    member = Member.objects.get(user__username=MEMBER)
    open_round = Round.objects.open().get()
    closed = Round.objects.closed().first()
    round_page = open_round.round_pages.first()
    comment = Comment.objects.filter(round=open_round, author=member, parent=None).first()
    return [
        reverse("consultations:dashboard"),
        reverse("consultations:round", args=[open_round.pk]),
        reverse("consultations:round_page", args=[open_round.pk, round_page.page_id]),
        reverse("consultations:comment_edit", args=[open_round.pk, comment.pk]),
        reverse("consultations:round", args=[closed.pk]),
        reverse("consultations:results", args=[closed.pk]),
        reverse("consultations:you_said_we_did", args=[closed.pk]),
        reverse("consultations:profile"),
        reverse("consultations:withdraw"),
        reverse("consultations:support"),
        "/accounts/password/change/",
    ]


def token_paths() -> list[str]:
    """Pages reached from an email's link, by someone not signed in."""
    _invitation, token = invitation_create(
        full_name="Robin Browser",
        email="robin.browser@example.org",
        constituency=Constituency.SERVICE_USER,
        invited_by=None,
    )
    member = Member.objects.get(user__username=MEMBER)
    unsubscribe = unsubscribe_token(Notification(kind=NotificationKind.REMINDER, member=member))
    with translation.override("en-gb"):
        return [
            reverse("consultations:join", args=[token]),
            reverse("consultations:unsubscribe", args=[unsubscribe]),
        ]


def in_language(path: str, language: str) -> str:
    return path if language == "en-gb" else f"/{language}{path}"
