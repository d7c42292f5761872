"""Mail backends for tests: a mail server that refuses everything."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """A mail server that answers every message with a temporary failure naming the
    address, as real ones do."""

    def send_messages(self, messages: list) -> int:
        for message in messages:
            raise smtplib.SMTPDataError(451, f"Mailbox {message.to[0]} busy, try later".encode())
        return 0
