"""The audit log of every look at members' identities and every export.

Entries name who looked and what, by pseudonym or id: a real name, email address, site or
role never goes into an entry, nor a search term (an editor may have typed her name).
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model
from django.utils.functional import LazyObject, empty

from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from consultations.models import Invitation, Member

VIEW_IDENTITY = "consultations.view_identity"
EXPORT = "consultations.export"


def identity_view_log(*, user: AbstractBaseUser, shown: Model) -> ModelLogEntry:
    """One member's or invitation's identity was shown: the entry sits in its history."""
    return log(shown, VIEW_IDENTITY, user=user, data={"shown": _describe([shown])})


def identity_listing_log(
    *, user: AbstractBaseUser, listing: str, shown: Iterable[Model]
) -> ModelLogEntry:
    """A listing showed identities: one entry, on the account of the editor who looked (a
    listing is no one object), naming every row the page showed."""
    account = user_unwrapped(user)
    return log(
        account, VIEW_IDENTITY, user=account, title=listing, data={"shown": _describe(list(shown))}
    )


def export_log(
    *, user: AbstractBaseUser, filename: str, path: str, identities: bool = False
) -> ModelLogEntry:
    """A spreadsheet left the site; the entry sits on the account of the editor who took
    it, with the address it came from (without the query string, which may hold a search
    term), and says whether the file names members by their real identities."""
    account = user_unwrapped(user)
    data: dict = {"path": path}
    if identities:
        data["identities"] = True
    return log(account, EXPORT, user=account, title=filename, data=data)


def user_unwrapped(user: AbstractBaseUser) -> AbstractBaseUser:
    """The user behind ``request.user``, which is lazy twice over once django-otp wraps
    Django's own lazy user: Wagtail's log looks through only one wrapper to find where
    the entry belongs."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def _describe(objects: list[Model]) -> list[dict]:
    described = []
    for shown in objects:
        entry: dict = {"model": shown._meta.label_lower, "id": shown.pk}
        if isinstance(shown, Member):
            entry["pseudonym"] = shown.pseudonym
        elif isinstance(shown, Invitation) and shown.member_id is not None:
            entry["member"] = shown.member_id
        described.append(entry)
    return described
