"""The research team's export of a round, in the admin: a small form whose values travel
in the address (GET), so a download can be bookmarked and needs no CSRF token. Reached
from the round listing's row menu and the round's inspect page, as moderation is; the URL
is the round viewset's (``RoundViewSet.get_urlpatterns``).

Exports are for every editor who may read the round's comments; one with real names
needs the identity permission, and writes an audit entry naming the members it holds.
The export entry every spreadsheet download writes (``ExportAuditMiddleware``) also says
that the file carries identities.
"""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy
from django.views.defaults import permission_denied

from consultations.admin_round_views import RoundAdminView
from consultations.enums import ExportDataset, ExportFormat, ExportIdentity
from consultations.exports import CONTENT_TYPES, RoundExport, csv_stream, xlsx_stream
from consultations.middleware import CARRIES_IDENTITIES
from consultations.moderation_views import comment_permission_policy
from consultations.permissions import can_view_member_identity
from consultations.services import identity_listing_log


class ExportForm(forms.Form):
    dataset = forms.ChoiceField(
        label=gettext_lazy("What"),
        choices=ExportDataset.choices,
        initial=ExportDataset.COMMENTS,
        widget=forms.RadioSelect,
    )
    format = forms.ChoiceField(
        label=gettext_lazy("File"),
        choices=ExportFormat.choices,
        initial=ExportFormat.CSV,
        widget=forms.RadioSelect,
    )
    identity = forms.ChoiceField(
        label=gettext_lazy("Members named by"),
        choices=ExportIdentity.choices,
        initial=ExportIdentity.PSEUDONYM,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "A study id is “P” and the member's number: the same in every export of every "
            "round, and it names nobody."
        ),
    )

    def __init__(self, *args: Any, identities_allowed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if identities_allowed:
            self.fields["identity"].help_text = gettext_lazy(
                "A study id is “P” and the member's number: the same in every export of "
                "every round, and it names nobody. An export with real names is recorded "
                "in the audit log; keep it only as long as you need it."
            )
        else:
            self.fields["identity"].choices = [
                choice
                for choice in ExportIdentity.choices
                if choice[0] != ExportIdentity.REAL_NAMES
            ]


class ExportView(RoundAdminView):
    """The form, or with its values in the address, the file."""

    permission_policy = comment_permission_policy
    template_name = "consultations/admin/export.html"
    page_title = gettext_lazy("Export")
    header_icon = "download"

    @cached_property
    def identities_allowed(self) -> bool:
        return can_view_member_identity(self.request.user)

    @cached_property
    def form(self) -> ExportForm:
        data = self.request.GET if "dataset" in self.request.GET else None
        return ExportForm(data, identities_allowed=self.identities_allowed)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Refused outright with a 403, not shown as a wrong choice nor sent to the admin's
        # home as Wagtail does with a refusal: nobody without the permission is offered
        # it, so asking for it is a crafted request.
        if request.GET.get("identity") == ExportIdentity.REAL_NAMES and not (
            self.identities_allowed
        ):
            return permission_denied(request, PermissionDenied())
        if self.form.is_valid():
            return self.download(**self.form.cleaned_data)
        return super().get(request, *args, **kwargs)

    def download(self, *, dataset: str, format: str, identity: str) -> HttpResponseBase:
        export = RoundExport(round=self.object, dataset=dataset, identity=identity)
        filename = export.filename(format, timezone.localdate())
        if export.carries_identities:
            identity_listing_log(user=self.request.user, listing=filename, shown=export.members())
        if format == ExportFormat.XLSX:
            response = StreamingHttpResponse(
                xlsx_stream(export), content_type=CONTENT_TYPES[ExportFormat.XLSX]
            )
        else:
            response = StreamingHttpResponse(
                csv_stream(export),
                content_type=f"{CONTENT_TYPES[ExportFormat.CSV]}; charset=utf-8",
            )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        setattr(response, CARRIES_IDENTITIES, export.carries_identities)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            form=self.form,
            action_url=reverse("rounds:export", args=[self.object.pk]),
        )
        return context
