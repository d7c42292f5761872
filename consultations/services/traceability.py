"""Linking a later round's change to the earlier comments it answers ("changed in response
to"). Each link and unlink goes into Wagtail's audit log, on the later round, naming the
comments by number only.
"""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from wagtail.log_actions import log

from consultations.changes import page_comparison
from consultations.models import ChangeResponse, Round
from consultations.services.audit import user_unwrapped
from consultations.services.contributions import round_page_get
from consultations.services.moderation import moderator_check
from consultations.traceability import link_choices

CHANGE_LINK = "consultations.change_link"
CHANGE_UNLINK = "consultations.change_unlink"


def change_responses_set(
    *,
    round: Round,
    page_id: int,
    block_id: str,
    comment_ids: Iterable[int],
    by: AbstractBaseUser,
) -> tuple[list[int], list[int]]:
    """Make the change to one item of the round's page answer exactly the ticked earlier
    comments: link those not linked yet, unlink those no longer ticked. Returns the comment
    ids linked and unlinked.

    Only with the moderation permission; the item must be in the round's draft or in an
    earlier round's draft of the page (a removed item); the comments must be the earlier
    rounds' on that page, neither withdrawn nor hidden. A link to a comment since hidden is
    left as it is, as the form no longer offers it.
    """
    moderator_check(by)
    round_page = round_page_get(round=round, page_id=page_id)
    comparison = page_comparison(round=round, round_page=round_page)
    if not comparison.is_compared:
        raise ValidationError(
            _(
                "This page was not in any earlier round that this round follows, so no "
                "earlier comment is answered here."
            )
        )
    known = {item.block_id for item in round_page.items} | {
        item.block_id for earlier in comparison.earlier_round_pages for item in earlier.items
    }
    if not block_id or block_id not in known:
        raise ValidationError(_("This requirement is in neither this draft nor an earlier one."))
    offered = {comment.pk for comment in link_choices(comparison)}
    wanted = set(comment_ids)
    if wanted - offered:
        raise ValidationError(
            _(
                "A comment you ticked cannot be linked: it was withdrawn or hidden, or is not "
                "an earlier comment on this page. Nothing was changed."
            )
        )
    with transaction.atomic():
        # One editor at a time per round: two saving the same item both see the links.
        Round.objects.select_for_update().filter(pk=round.pk).first()
        existing = set(
            ChangeResponse.objects.filter(
                round=round, page_id=page_id, block_id=block_id
            ).values_list("comment_id", flat=True)
        )
        linked = sorted(wanted - existing)
        unlinked = sorted((existing & offered) - wanted)
        account = user_unwrapped(by)
        ChangeResponse.objects.bulk_create(
            ChangeResponse(
                round=round, page_id=page_id, block_id=block_id, comment_id=pk, linked_by=account
            )
            for pk in linked
        )
        ChangeResponse.objects.filter(
            round=round, page_id=page_id, block_id=block_id, comment_id__in=unlinked
        ).delete()
        data = {"page": page_id, "item": block_id}
        if linked:
            log(round, CHANGE_LINK, user=by, data={**data, "comments": linked})
        if unlinked:
            log(round, CHANGE_UNLINK, user=by, data={**data, "comments": unlinked})
    return linked, unlinked
