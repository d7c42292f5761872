"""Rounds: pinning pages to revisions, and the settings that must hold once members take part."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wagtail.models import Page, Revision

from consultations.enums import AUDIENCE_CONSTITUENCIES
from consultations.models import Round
from consultations.selectors import round_has_contributions, round_ids_followed


def round_page_pin(
    *, page: Page, revision: Revision | None = None, by: AbstractBaseUser | None = None
) -> Revision:
    """The revision a round shows of a page: the one chosen, else the page's latest.

    A page that has never been saved as a revision gets one of its current content.
    """
    if revision is not None:
        if not page.revisions.filter(pk=revision.pk).exists():
            raise ValidationError({"revision": _("This revision belongs to another page.")})
        return revision
    page = page.specific
    if page.latest_revision_id:
        return page.latest_revision
    return page.save_revision(user=by, log_action=False)


def round_settings_check(
    *,
    round: Round,
    opens_at: datetime | None,
    rating_scale: str,
    audience: str,
    comments_visible_to_members: bool,
) -> None:
    """Once members have taken part, a round keeps the settings they took part under: open
    now, the scale they rated on, everyone it was open to, and comments private if they
    were promised private. Widening the audience, making comments private, or moving the
    closing time is allowed."""
    if round.pk is None or not round_has_contributions(round):
        return
    errors: dict[str, str] = {}
    if opens_at is not None and opens_at > timezone.now():
        # A round that has not opened is hidden from members, and from what they wrote.
        errors["opens_at"] = _(
            "Members have already rated or commented in this round, so it must stay open: "
            "if it opened later, they could no longer see it or what they wrote. Choose a "
            "time that has passed, or change when it closes instead."
        )
    if rating_scale != round.rating_scale:
        errors["rating_scale"] = _(
            "Members have already rated or commented in this round on the old scale, so it "
            "cannot change: their ratings would no longer mean what they meant."
        )
    if not set(AUDIENCE_CONSTITUENCIES[round.audience]) <= set(AUDIENCE_CONSTITUENCIES[audience]):
        errors["audience"] = _(
            "Members have already rated or commented in this round, so it must stay open to "
            "everyone it was open to. You can add a group, but not take one away."
        )
    if comments_visible_to_members and not round.comments_visible_to_members:
        errors["comments_visible_to_members"] = _(
            "Members have already commented in this round believing only the research team "
            "would read their comments, so other members cannot be shown them now."
        )
    if errors:
        raise ValidationError(errors)


# What the results of a round are judged by: fixed before it opens, so nobody can move the
# goalposts once members have started rating.
RULE_FIELDS = ("rating_scale", "consensus_threshold", "consensus_bottom_limit")


def round_rule_check(*, round: Round, changes: dict[str, object]) -> None:
    """Once a round has opened, its rating scale and consensus rule stay as they were:
    ``changes`` (field name to the value sent) may not differ from what is stored."""
    if round.pk is None:
        return
    stored = Round.objects.filter(pk=round.pk).values(*RULE_FIELDS, "opens_at").first()
    if stored is None or stored["opens_at"] > timezone.now():
        return
    errors = {
        name: _(
            "The round has opened, so this stays as it was: results are judged by the rule "
            "set before members started rating."
        )
        for name, value in changes.items()
        if name in RULE_FIELDS and str(value) != str(stored[name])
    }
    if errors:
        raise ValidationError(errors)


def round_follows_check(*, round: Round, follows: Round | None, opens_at: datetime | None) -> None:
    """A round follows only an earlier round, one that opens before it, and never a round
    that follows it in turn. Rounds that already follow this one must still open after it.
    """
    errors: dict[str, str] = {}
    if follows is not None:
        if round.pk is not None and follows.pk == round.pk:
            errors["follows"] = _("A round cannot follow itself. Choose an earlier round.")
        elif round.pk is not None and round.pk in round_ids_followed(follows):
            errors["follows"] = _(
                "“%(round)s” follows this round, directly or through other rounds, so this "
                "round cannot follow it. Choose an earlier round."
            ) % {"round": follows}
        elif opens_at is not None and follows.opens_at >= opens_at:
            errors["follows"] = _(
                "A round can follow only an earlier round: “%(round)s” opens on %(date)s, "
                "not before this one. Choose a round that opens before this one, or leave "
                "this empty."
            ) % {
                "round": follows,
                "date": date_format(timezone.localtime(follows.opens_at), "j E Y, H:i"),
            }
    if round.pk is not None and opens_at is not None:
        followers = Round.objects.filter(follows=round, opens_at__lte=opens_at)
        follower = followers.order_by("opens_at").first()
        if follower is not None:
            errors["opens_at"] = _(
                "“%(round)s” follows this round and opens on %(date)s, so this round must "
                "open before then."
            ) % {
                "round": follower,
                "date": date_format(timezone.localtime(follower.opens_at), "j E Y, H:i"),
            }
    if errors:
        raise ValidationError(errors)
