"""Care for the people taking part: the support services page, and her kept drafts.

Her drafts are saved two ways. With JavaScript, ``consultations/js/care.js`` posts what
she types to :func:`drafts` as she types and when she leaves the page. Without it, each
form has a "Keep as draft" button, which the round's own views hand to
:func:`draft_button_handle`. Either way the draft comes back in its box
(:func:`draft_offer`) until she sends the form or discards it.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from consultations import form_tokens, selectors, services
from consultations.models import Draft, Member, Round
from consultations.views.access import member_required
from consultations.views.limits import limit_reached, limit_status

NO_CONTENT = 204


@require_GET
def support(request: HttpRequest) -> HttpResponse:
    """The support services, by area: for anyone, signed in or not."""
    return render(
        request,
        "consultations/support.html",
        {
            "groups": selectors.support_services_by_area(),
            "breadcrumbs": [{"title": _("Home"), "url": "/"}],
        },
    )


# Kept drafts -----------------------------------------------------------------------------


def draft_offer(
    form: forms.Form, *, drafts: dict[str, Draft] | None, key: str, text_field: str = "body"
) -> forms.Form:
    """Put her kept draft of this form back in its boxes, and tell the form its key.

    ``drafts`` is None when the round does not keep drafts (it is not open): the form then
    has no key, so it offers no way to keep one. A form shown again after an error keeps
    what she just sent.
    """
    form.draft_key = key if drafts is not None else ""
    form.draft = None
    if drafts is None or form.is_bound:
        return form
    form.draft = draft = drafts.get(key)
    if draft is not None:
        form.initial = {**form.initial, text_field: draft.body}
        if "quote" in form.fields:
            form.initial["quote"] = draft.quote
    return form


def form_token_of(request: HttpRequest, form_key: str) -> object:
    purpose = form_tokens.RATING if form_key.startswith("rate:") else form_tokens.COMMENT
    return form_tokens.form_token_read(
        member_pk=request.member.pk,
        purpose=purpose,
        token=str(request.POST.get("form_token", "")),
    )


def draft_button(request: HttpRequest) -> str:
    """Which draft button of a form she pressed: "keep", "discard", or "" for neither."""
    if "keep_draft" in request.POST:
        return "keep"
    if "discard_draft" in request.POST:
        return "discard"
    return ""


def draft_button_handle(
    request: HttpRequest,
    *,
    round: Round,
    form: forms.Form,
    form_key: str,
    button: str,
    text_field: str = "body",
) -> bool:
    """Keep or discard her draft of ``form`` as the button she pressed asks, with a message
    to say so. False if it cannot be kept: the reason is then on ``form``, beside the box
    where it belongs, and the caller shows the form again with her words."""
    member: Member = request.member
    if button == "discard":
        services.draft_discard(round=round, member=member, form_key=form_key)
        messages.success(request, _("Your draft is deleted."))
        return True
    if limit_reached(request, kind="draft", form=form):
        return False
    try:
        draft = services.draft_save(
            round=round,
            member=member,
            form_key=form_key,
            body=str(request.POST.get(text_field, "")),
            quote=str(request.POST.get("quote", "")),
            form_token=form_token_of(request, form_key),
        )
    except ValidationError as error:
        if text_field != "body" and hasattr(error, "error_dict") and "body" in error.error_dict:
            error = ValidationError(
                {text_field if k == "body" else k: v for k, v in error.error_dict.items()}
            )
        form.add_service_error(error)
        return False
    if draft is None:
        messages.success(request, _("There was nothing to keep: the box was empty."))
    else:
        messages.success(
            request,
            _(
                "What you typed is kept as a draft. Only you can see it. It is not sent "
                "until you send it."
            ),
        )
    return True


@never_cache
@member_required
@require_POST
@limit_status
def drafts(request: HttpRequest, round_pk: int) -> HttpResponse:
    """Keep (or, with ``discard``, delete) her draft of one form, as she types.

    Answers 204 when done, 400 for a key that names no form of hers in the round, 404 for
    a round she is not in, 429 past the limit.
    """
    member: Member = request.member
    if not member.is_taking_part:
        raise Http404
    round = selectors.round_for_member(member=member, pk=round_pk)
    if round is None:
        raise Http404
    form_key = str(request.POST.get("form_key", ""))
    if limit_reached(request, kind="draft", form=None):
        return HttpResponse(status=NO_CONTENT)
    try:
        if request.POST.get("discard"):
            services.draft_discard(round=round, member=member, form_key=form_key)
        else:
            services.draft_save(
                round=round,
                member=member,
                form_key=form_key,
                body=str(request.POST.get("body", "")),
                quote=str(request.POST.get("quote", "")),
                form_token=form_token_of(request, form_key),
            )
    except (ValidationError, PermissionDenied):
        return HttpResponseBadRequest()
    return HttpResponse(status=NO_CONTENT)
