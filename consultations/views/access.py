from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from consultations.selectors import member_for_user

View = Callable[..., HttpResponse]


def member_required(view: View) -> View:
    """Only signed-in advisory members get through; ``request.member`` is her profile.

    Others who are signed in, such as editors, are refused with a reason. A member who has
    withdrawn still gets through: each view decides what she may still see.
    """

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        member = member_for_user(request.user)
        if member is None:
            raise PermissionDenied(_("This page is for members of the study's advisory group."))
        request.member = member
        # The page's own look-ups of request.user.member (the account menu) need no query.
        request.user.member = member
        return view(request, *args, **kwargs)

    return wrapped
