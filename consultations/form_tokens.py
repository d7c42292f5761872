"""One-time form tokens: how the database recognises the same form sent twice.

Each comment and rating form is rendered with a fresh random token, signed for the member
and the kind of form. What the form stores records the token under a unique constraint
(``CommentVersion.form_token``, ``RatingVersion.form_token``), so a double click, a resent
POST or a form sent again after going back stores nothing the second time, even when both
copies arrive at once. The signature means a token cannot be made up or borrowed from
another member's page; nothing is stored until a token is used.
"""

import uuid
from collections.abc import Callable

from django.core import signing

COMMENT = "comment"
RATING = "rating"


def _signer(*, member_pk: int, purpose: str) -> signing.Signer:
    return signing.Signer(salt=f"consultations.form-token.{purpose}.{member_pk}")


def form_token_issue(*, member_pk: int, purpose: str) -> str:
    return _signer(member_pk=member_pk, purpose=purpose).sign(uuid.uuid4().hex)


def form_token_issuer(*, member_pk: int, purpose: str) -> Callable[[], str]:
    """Issues her tokens for one kind of form, each as ``form_token_issue`` would: for a
    page of many forms, with one signer instead of one a token."""
    sign = _signer(member_pk=member_pk, purpose=purpose).sign
    return lambda: sign(uuid.uuid4().hex)


def form_token_read(*, member_pk: int, purpose: str, token: str) -> uuid.UUID | None:
    """The token's value if this server signed it for her and this kind of form, else None."""
    try:
        return uuid.UUID(hex=_signer(member_pk=member_pk, purpose=purpose).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
