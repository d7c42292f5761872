"""The member's own pages: joining from an invitation, her dashboard and her profile."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from consultations.consent import CONSENT_TEMPLATE, CONSENT_VERSION
from consultations.enums import Withdrawal
from consultations.formatting import (
    answers_sentence,
    closed_phrase,
    deadline_sentence,
    progress_sentence,
)
from consultations.forms import JoinForm, ProfileForm, WithdrawForm
from consultations.selectors import invitation_find, member_dashboard
from consultations.services import (
    InvitationUnusable,
    invitation_accept,
    invitation_check,
    member_update,
    member_withdraw,
)
from consultations.views.access import member_required

# She has just chosen her password, so the password backend is the one that knows her.
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def crumbs(*trail: tuple[str, str]) -> list[dict]:
    """Breadcrumbs for pages that are not Wagtail pages, from the home page down."""
    return [{"title": _("Home"), "url": "/"}] + [
        {"title": title, "url": url} for title, url in trail
    ]


def posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data, even when empty: a blank form must be told what is missing."""
    return request.POST if request.method == "POST" else None


def dashboard_crumbs() -> list[dict]:
    return crumbs((_("Your consultations"), reverse("consultations:dashboard")))


# Her own pages: no shared cache may keep a copy.
@never_cache
@member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    member = request.member
    context: dict = {
        "member": member,
        "breadcrumbs": crumbs(),
        "contact_email": settings.CONSULTATIONS_CONTACT_EMAIL,
    }
    if member.is_taking_part:
        now = timezone.now()
        rounds = member_dashboard(member=member)
        context["open_rounds"] = [
            {
                "round": round,
                "deadline": deadline_sentence(round.closes_at, now),
                "progress": progress,
                "progress_text": progress_sentence(progress),
            }
            for round, progress in rounds.open
        ]
        context["closed_rounds"] = [
            {
                "round": round,
                "closed": closed_phrase(round.closes_at),
                "answers": answers_sentence(progress),
            }
            for round, progress in rounds.closed
        ]
    return render(request, "consultations/dashboard.html", context)


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    # Nor does the page hold it: no language links, which would repeat the address.
    request.language_links_hidden = True
    response = join_response(request, token)
    # The token is in the address: no page reached from here may learn it. Not
    # "no-referrer": under it browsers send "Origin: null" with the form's POST, and
    # Django's CSRF check refuses that, so nobody could join.
    response["Referrer-Policy"] = "strict-origin"
    return response


def join_response(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_find(token=token)
    if invitation is None:
        return join_unusable(request, "unknown", status=404)
    if request.user.is_authenticated:
        # Not a 403: Django logs refusals with their address, and this one still works.
        return render(request, "consultations/join_signed_in.html")
    try:
        invitation_check(invitation)
    except InvitationUnusable as unusable:
        return join_unusable(request, unusable.reason, status=410)

    form = JoinForm(posted(request), invitation=invitation)
    if request.method == "POST" and form.is_valid():
        try:
            member = invitation_accept(
                invitation=invitation,
                pseudonym=form.cleaned_data["pseudonym"],
                password=form.cleaned_data["password1"],
            )
        except InvitationUnusable as unusable:
            # Accepted in another tab between the page loading and the form arriving.
            return join_unusable(request, unusable.reason, status=410)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            login(request, member.user, backend=SIGN_IN_BACKEND)
            messages.success(
                request,
                _("Welcome, %(pseudonym)s. You have joined the advisory group.")
                % {"pseudonym": member.pseudonym},
            )
            return redirect("consultations:dashboard")
    return render(
        request,
        "consultations/join.html",
        {
            "form": form,
            "consent_template": CONSENT_TEMPLATE,
            "consent_version": CONSENT_VERSION,
        },
    )


def join_unusable(request: HttpRequest, reason: str, *, status: int) -> HttpResponse:
    return render(
        request,
        "consultations/join_unusable.html",
        {"reason": reason, "contact_email": settings.CONSULTATIONS_CONTACT_EMAIL},
        status=status,
    )


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    member = request.member
    if request.method == "POST" and not member.is_taking_part:
        raise PermissionDenied(_("You have left the study, so your profile cannot be changed."))
    form = ProfileForm(posted(request), member=member)
    if request.method == "POST" and form.is_valid():
        try:
            member_update(member=member, **form.service_arguments())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your profile has been updated."))
            return redirect("consultations:profile")
    return render(
        request,
        "consultations/profile.html",
        {
            "member": member,
            "form": form,
            "contact_email": settings.CONSULTATIONS_CONTACT_EMAIL,
            "breadcrumbs": dashboard_crumbs(),
        },
    )


@never_cache
@member_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest) -> HttpResponse:
    member = request.member
    if member.withdrawn_at is not None:
        return redirect("consultations:dashboard")
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        choice = Withdrawal(form.cleaned_data["choice"])
        member_withdraw(member=member, choice=choice)
        # Her sessions are gone from the store; this one goes from the browser too. The
        # page is shown, not redirected to: she can no longer sign in to see another.
        logout(request)
        return render(
            request,
            "consultations/withdrawn.html",
            {"choice": choice, "contact_email": settings.CONSULTATIONS_CONTACT_EMAIL},
        )
    return render(
        request,
        "consultations/withdraw.html",
        {
            "member": member,
            "form": form,
            "contact_email": settings.CONSULTATIONS_CONTACT_EMAIL,
            "breadcrumbs": dashboard_crumbs()
            + [{"title": _("Your profile"), "url": reverse("consultations:profile")}],
        },
    )
