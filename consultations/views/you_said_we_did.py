"""A round's "you said, we did" page: its answered comments, with the research team's
answers and the later changes made in response, as the research team chose to publish it.

Not published, it does not exist (404). Published to the round's members, it is theirs as
the round's overview is: the anonymous are asked to sign in, others signed in are refused,
and a member outside the round's audience or no longer taking part finds nothing.
Published to everyone, anyone may read it.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from consultations.enums import YouSaidWeDid
from consultations.models import Member, Round
from consultations.selectors import member_for_user, round_for_member
from consultations.traceability import you_said_we_did as answers_of
from consultations.views.members import crumbs


def _in_round(member: Member | None, round: Round) -> bool:
    return (
        member is not None
        and member.is_taking_part
        and round_for_member(member=member, pk=round.pk) is not None
    )


# Never kept by a shared cache: the team may take the page down again, and no copy of
# members' words may outlive that.
@never_cache
def you_said_we_did(request: HttpRequest, round_pk: int) -> HttpResponse:
    round = get_object_or_404(Round, pk=round_pk)
    member = member_for_user(request.user)
    in_round = _in_round(member, round)
    if not round.you_said_we_did_published:
        raise Http404
    if round.you_said_we_did == YouSaidWeDid.MEMBERS:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if member is None:
            raise PermissionDenied(_("This page is for members of the study's advisory group."))
        if not in_round:
            raise Http404
    return render(
        request,
        "consultations/you_said_we_did.html",
        {
            "round": round,
            "pages": answers_of(round),
            "show_pseudonyms": round.you_said_we_did_pseudonyms,
            # Her way back is through her consultations; anyone else's through the site.
            "in_round": in_round,
            "breadcrumbs": crumbs(),
        },
    )
