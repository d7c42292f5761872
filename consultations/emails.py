"""What the consultation's emails say: plain text with an HTML version, in the recipient's
language, put together when the email is sent."""

from collections import Counter

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from wagtail.users.models import UserProfile

from consultations.enums import NotificationKind
from consultations.models import Comment, Notification, Round
from consultations.selectors import rounds_progress
from consultations.services.notifications import digest_window, unsubscribe_token

# No weekday: languages that decline it (Polish) would need it in another case.
DATE_TIME_FORMAT = "j E Y, H:i"


def absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def notification_language(notification: Notification) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    if notification.member_id:
        language = notification.member.email_language
    elif notification.invitation_id:
        language = notification.invitation.language
    else:
        language = UserProfile.get_for_user(notification.user).get_preferred_language()
    return language if language in languages else settings.LANGUAGE_CODE


def notification_message(notification: Notification) -> EmailMultiAlternatives:
    kind = notification.kind
    # The study's clock, not the admin's user's, who may be sending it again from abroad.
    with (
        translation.override(notification_language(notification)),
        timezone.override(settings.TIME_ZONE),
    ):
        unsubscribe_url = absolute(
            reverse("consultations:unsubscribe", args=[unsubscribe_token(notification)])
        )
        context = {
            "kind": kind,
            "unsubscribe_url": unsubscribe_url,
            "contact_email": settings.CONSULTATIONS_CONTACT_EMAIL,
            "site_name": settings.WAGTAIL_SITE_NAME,
            **CONTEXTS[kind](notification),
        }
        template = f"consultations/emails/{kind}"
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        context["subject"] = subject
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.address],
        reply_to=[settings.CONSULTATIONS_CONTACT_EMAIL],
        headers={
            # One-click unsubscribe in the mail program (RFC 8058), and no auto-replies.
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _when(moment: object) -> str:
    return date_format(timezone.localtime(moment), DATE_TIME_FORMAT)


def _invitation(notification: Notification) -> dict:
    invitation = notification.invitation
    return {
        "invitation": invitation,
        "link": absolute(reverse("consultations:join", args=[invitation.token])),
        "expires": _when(invitation.expires_at),
    }


def _round(notification: Notification) -> dict:
    round = notification.round
    return {
        "member": notification.member,
        "round": round,
        "closes": _when(round.closes_at),
        "round_url": absolute(reverse("consultations:round", args=[round.pk])),
        "profile_url": absolute(reverse("consultations:profile")),
    }


def _reminder(notification: Notification) -> dict:
    progress = rounds_progress(rounds=[notification.round], member=notification.member)
    return {**_round(notification), "progress": progress[notification.round_id]}


def _comment_url(comment: Comment) -> str:
    path = reverse("consultations:round_page", args=[comment.round_id, comment.page_id])
    return absolute(f"{path}#comment-{comment.pk}")


def _answer(notification: Notification) -> dict:
    comment = notification.comment
    return {
        **_round(notification),
        "comment": comment,
        "with_text": notification.member.email_comment_text,
        "comment_url": _comment_url(comment),
    }


def _reply(notification: Notification) -> dict:
    reply = notification.comment
    return {
        **_round(notification),
        "reply": reply,
        "comment": reply.parent,
        "replied_by": reply.author.pseudonym,
        "with_text": notification.member.email_comment_text,
        "comment_url": _comment_url(reply),
    }


def _digest(notification: Notification) -> dict:
    start, end = digest_window(notification.day)
    comments = Comment.objects.filter(created_at__gte=start, created_at__lt=end)
    counts = Counter(comments.values_list("round_id", flat=True))
    replies = Counter(comments.filter(parent__isnull=False).values_list("round_id", flat=True))
    rounds = Round.objects.filter(pk__in=counts).order_by("-opens_at")
    return {
        "editor": notification.user,
        "day": date_format(start.date(), "j E Y"),
        "rounds": [
            {
                "round": round,
                "comments": counts[round.pk],
                "replies": replies[round.pk],
                "url": absolute(reverse("rounds:moderation", args=[round.pk])),
            }
            for round in rounds
        ],
        "profile_url": absolute(reverse("wagtailadmin_account")),
    }


CONTEXTS = {
    NotificationKind.INVITATION: _invitation,
    NotificationKind.ROUND_OPENED: _round,
    NotificationKind.REMINDER: _reminder,
    NotificationKind.ANSWER: _answer,
    NotificationKind.REPLY: _reply,
    NotificationKind.DIGEST: _digest,
}
