"""Withdrawal: she leaves the study and chooses what happens to what she contributed.

Either way her identity goes: her account is closed and stripped of name, email and
username, her pseudonym becomes a neutral label, her study site and role are cleared, her
invitation forgets her name and address, her sessions end, her kept drafts are deleted,
and the audit log's entries about her lose any details they held. What stays is what the
study's counts need: that a member of her constituency took part, consented, and withdrew.
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from consultations.enums import Withdrawal
from consultations.models import Comment, CommentVersion, Invitation, Member, Rating
from consultations.services.audit import VIEW_IDENTITY
from consultations.services.drafts import drafts_delete

# Stored, not translated: it replaces her pseudonym wherever others, exports and emails
# would have shown it. Numbered by her member id, which members never see elsewhere and
# which is stable, so two withdrawals at once cannot pick the same label.
WITHDRAWN_PSEUDONYM = "Withdrawn member {number}"
WITHDRAWN_USERNAME = "withdrawn-member-{number}"
# What a deleted comment that others answered keeps, so their replies keep their place;
# members see only that it was withdrawn, never this text.
REMOVED_COMMENT_BODY = "Removed at the request of the member who wrote it."


def member_withdraw(
    *,
    member: Member,
    choice: str = Withdrawal.ANONYMISED,
    by: AbstractBaseUser | None = None,
) -> Member:
    """She leaves the study: she can no longer sign in or take part, her ratings stop
    counting, and her identity is erased everywhere it was stored.

    ``choice`` says what happens to her comments and ratings: anonymised keeps them under
    a neutral label (what consent text 1.0 promised, hence the default); deleted removes
    them with every version. ``by`` is the editor acting on her request, or None when she
    withdraws herself. Running it again changes nothing, except that a member who kept
    her contributions may later have them deleted.
    """
    choice = Withdrawal(choice)
    with transaction.atomic():
        # Locked and read afresh, so two requests at once carry out one withdrawal; the
        # caller's instance is updated in place.
        Member.objects.select_for_update().filter(pk=member.pk).first()
        member.refresh_from_db()
        member.user.refresh_from_db()
        if member.withdrawal in (choice, Withdrawal.DELETED):
            return member
        erased: dict[type[models.Model], list[int]] = {}
        # Read before they are erased: the names sign-in records hold.
        sign_in_records_erase(identifiers=member_identifiers(member=member))
        if choice == Withdrawal.DELETED:
            erased = contributions_delete(member=member)
        # What she typed and never sent was for her alone: it goes whichever she chose.
        drafts_delete(member=member)
        member.withdrawn_at = member.withdrawn_at or timezone.now()
        member.withdrawal = choice
        identity_erase(member=member)
        erased[Member] = [member.pk]
        erased[get_user_model()] = [member.user_id]
        erased[Invitation] = list(
            Invitation.objects.filter(member=member).values_list("pk", flat=True)
        )
        audit_log_scrub(objects=erased)
        identity_listings_scrub(member=member)
        # After the commit, so that reading every stored session does not hold her lock;
        # from then on her unusable password already refuses any session she still has.
        transaction.on_commit(lambda: sessions_end(user_id=member.user_id))
        # Only the choice: the entry itself must say nothing about who she was.
        log(member, "consultations.member_withdraw", data={"choice": choice.value}, user=by)
    return member


def identity_erase(*, member: Member) -> None:
    """Strip her account, member record and invitation of what could identify her."""
    member.pseudonym = WITHDRAWN_PSEUDONYM.format(number=member.pk)
    # Constituency stays: results compare service users and professionals, and each is a
    # group of many. A site and a role together can point to one person, so they go; the
    # site's nation, also a group of many, is kept for response rates by nation.
    member.nation_kept = member.study_site.nation if member.study_site else ""
    member.study_site = None
    member.professional_role = ""
    member.notify_new_rounds = member.notify_replies = member.notify_responses = False
    member.notify_reminders = member.email_comment_text = False
    member.save()

    user = member.user
    setattr(user, user.USERNAME_FIELD, WITHDRAWN_USERNAME.format(number=member.pk))
    user.first_name = user.last_name = user.email = ""
    user.is_active = False
    user.last_login = None
    user.set_unusable_password()
    user.save()

    Invitation.objects.filter(member=member).update(
        full_name="", email="", study_site=None, professional_role=""
    )


def member_identifiers(*, member: Member) -> list[str]:
    """What names her: pseudonym, username, email, each name, the full name."""
    user = member.user
    full_name = user.get_full_name()
    values = [member.pseudonym, user.get_username(), user.email, user.first_name, user.last_name]
    return [value for value in {*values, full_name} if value and value.strip()]


def contributions_delete(*, member: Member) -> dict[type[models.Model], list[int]]:
    """Delete her comments and ratings with all their versions; return what was erased.

    Others' replies are their own contributions and stay. A comment of hers that others
    answered stays as an empty, withdrawn placeholder (members see "This comment was
    withdrawn"), so the replies keep their thread; everything she wrote in it goes.
    """
    comments = Comment.objects.filter(author=member)
    answered_by_others = Exists(
        Comment.objects.filter(parent=OuterRef("pk")).exclude(author=member)
    )
    placeholders = list(
        comments.filter(answered_by_others, parent__isnull=True).values_list("pk", flat=True)
    )
    comment_ids = list(comments.values_list("pk", flat=True))
    rating_ids = list(Rating.objects.filter(member=member).values_list("pk", flat=True))

    CommentVersion.objects.filter(comment__author=member).delete()
    # The research team's answer and reason for hiding were about her words: they go too.
    Comment.objects.filter(pk__in=placeholders).update(
        body=REMOVED_COMMENT_BODY,
        quote="",
        edited_at=None,
        withdrawn_at=Coalesce("withdrawn_at", timezone.now()),
        hidden_at=None,
        hidden_by=None,
        hidden_reason="",
        answer_status="",
        answer="",
        answered_at=None,
        answered_by=None,
    )
    comments.exclude(pk__in=placeholders).delete()
    Rating.objects.filter(pk__in=rating_ids).delete()
    return {Comment: comment_ids, Rating: rating_ids}


def audit_log_scrub(*, objects: dict[type[models.Model], list[int]]) -> int:
    """Clear what the audit log holds about these objects: each entry keeps its action,
    time and acting editor, and takes the object's present, neutral name."""
    scrubbed = 0
    for model, pks in objects.items():
        if not pks:
            continue
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        labels = {
            str(instance.pk): str(instance)
            for instance in model._default_manager.filter(pk__in=pks)
        }
        entries = ModelLogEntry.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in pks]
        )
        for entry in entries:
            entry.label = labels.get(
                entry.object_id, f"{model._meta.verbose_name} {entry.object_id}"
            )
            entry.data = {}
            entry.save(update_fields=["label", "data"])
            scrubbed += 1
    return scrubbed


def identity_listings_scrub(*, member: Member) -> int:
    """Give her present, neutral label to every identity-listing entry that showed her.

    Such an entry sits on the account of the editor who looked and names each row it
    showed by model and id, with the pseudonym she had then. Matched by her id, not by
    name: a pseudonym she gave up before withdrawing is found too, and another member
    whose pseudonym happens to equal one of her names is left alone. The action is
    indexed; PostgreSQL then tests JSON containment on each of those rows, and a database
    without it (SQLite) has the rows read and tested here.
    """
    shown = {"model": Member._meta.label_lower, "id": member.pk}
    changed = 0
    entries = ModelLogEntry.objects.filter(action=VIEW_IDENTITY)
    if connection.features.supports_json_field_contains:
        entries = entries.filter(data__contains={"shown": [shown]})
    for entry in entries:
        if not any(
            {key: row.get(key) for key in shown} == shown for row in entry.data.get("shown", [])
        ):
            continue
        entry.data["shown"] = [
            {**row, "pseudonym": member.pseudonym}
            if {key: row.get(key) for key in shown} == shown
            else row
            for row in entry.data["shown"]
        ]
        entry.save(update_fields=["data"])
        changed += 1
    return changed


# django-axes keeps each sign-in and failed attempt with the name typed (her email) and
# the address it came from.
SIGN_IN_RECORD_MODELS = ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog")


def sign_in_records_erase(*, identifiers: list[str]) -> int:
    """Delete the records of her sign-ins and attempts, where the project keeps any."""
    if not apps.is_installed("axes"):
        return 0
    typed = Q(pk__in=[])
    for identifier in filter(None, identifiers):
        typed |= Q(username__iexact=identifier)
    return sum(
        apps.get_model(label).objects.filter(typed).delete()[0] for label in SIGN_IN_RECORD_MODELS
    )


def sessions_end(*, user_id: int) -> int:
    """Delete her stored sessions, so no device stays signed in and no session row keeps
    her id. Session stores that cannot be searched (cache, signed cookies) are covered by
    her unusable password: Django refuses a session whose password hash no longer matches.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    if not issubclass(store_class, DatabaseSessionStore):
        return 0
    # The table has no column for the user, so each row is decoded: withdrawals are rare
    # and this runs outside her lock. Expired rows too: they hold her id until
    # clearsessions removes them. A store that wants this cheaper would add a user column,
    # as Django's docs show for a custom database session engine.
    sessions = store_class.get_model_class().objects.only("session_key", "session_data")
    store = store_class()
    hers = [
        session.session_key
        for session in sessions.iterator()
        if store.decode(session.session_data).get("_auth_user_id") == str(user_id)
    ]
    return sessions.filter(session_key__in=hers).delete()[0]
