"""Emails the consultation sends: plain text first, with a simple HTML version."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from consultations.models import Invitation


def invitation_email_send(*, invitation: Invitation, link: str) -> None:
    context = {
        "invitation": invitation,
        "link": link,
        "expires": date_format(timezone.localtime(invitation.expires_at), "l j E Y, H:i"),
        "contact_email": settings.CONSULTATIONS_CONTACT_EMAIL,
    }
    subject = render_to_string("consultations/emails/invitation_subject.txt", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("consultations/emails/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
        reply_to=[settings.CONSULTATIONS_CONTACT_EMAIL],
    )
    message.attach_alternative(
        render_to_string("consultations/emails/invitation.html", context), "text/html"
    )
    message.send()
