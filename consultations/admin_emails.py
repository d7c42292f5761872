"""The research team's side of the consultation's emails: Reports › Emails not sent, with
"Send again", and the daily digest's switch in their account settings."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.account import BaseSettingsPanel, notifications_tab
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import SwitchInput

from consultations.enums import NotificationStatus
from consultations.models import EditorEmailSettings, Notification
from consultations.permissions import MODERATE_PERMISSION
from consultations.services import notification_retry


def recipient_label(notification: Notification) -> str:
    """Whom it is for, as every editor may read it: a pseudonym, never a name or address."""
    if notification.member_id:
        return notification.member.pseudonym
    if notification.invitation_id:
        return str(notification.invitation)
    return notification.user.get_full_name() or notification.user.get_username()


class SendAgainColumn(Column):
    """A button that posts: its cell is drawn without the request's context, so it is
    given the CSRF token itself."""

    cell_template_name = "consultations/admin/includes/send_again_cell.html"

    def get_cell_context_data(self, instance: Notification, parent_context: dict) -> dict:
        context = super().get_cell_context_data(instance, parent_context)
        context["csrf_token"] = get_token(context["request"])
        return context


class EmailsNotSentView(ReportView):
    """Emails that failed and wait for another try, or gave up, and emails no worker has
    picked up for a while. Sending one again starts its tries afresh."""

    page_title = gettext_lazy("Emails not sent")
    header_icon = "warning"
    index_url_name = "consultations_emails_not_sent"
    index_results_url_name = "consultations_emails_not_sent_results"
    paginate_by = 50
    columns = [
        DateColumn("created_at", label=gettext_lazy("Queued")),
        Column("kind", label=gettext_lazy("Email"), accessor="get_kind_display"),
        Column("recipient", label=gettext_lazy("To"), accessor=recipient_label),
        Column("round", label=gettext_lazy("Round")),
        Column("status", label=gettext_lazy("Status"), accessor="get_status_display"),
        Column("attempts", label=gettext_lazy("Tries")),
        Column("error", label=gettext_lazy("What went wrong")),
        SendAgainColumn("pk", label=gettext_lazy("Send again")),
    ]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.has_perm(MODERATE_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Notification]:
        return Notification.objects.not_sent(timezone.now()).select_related(
            "member", "invitation", "user", "round"
        )


class SendAgainView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm(MODERATE_PERMISSION):
            raise PermissionDenied
        notification = get_object_or_404(Notification, pk=pk)
        try:
            notification = notification_retry(notification=notification, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            if notification.status == NotificationStatus.SENT:
                messages.success(request, _("%(email)s sent.") % {"email": notification})
            elif notification.status in {NotificationStatus.QUEUED, NotificationStatus.SENDING}:
                messages.success(
                    request, _("%(email)s is being sent again.") % {"email": notification}
                )
            elif notification.status == NotificationStatus.CANCELLED:
                messages.warning(
                    request,
                    _("%(email)s was not sent: %(reason)s")
                    % {"email": notification, "reason": notification.error},
                )
            else:
                messages.error(
                    request,
                    _("%(email)s could not be sent again; it will be tried later.")
                    % {"email": notification},
                )
        return redirect(EmailsNotSentView.index_url_name)


class EditorEmailSettingsForm(forms.ModelForm):
    class Meta:
        model = EditorEmailSettings
        fields = ["daily_digest"]
        # As Wagtail's own notification settings beside it.
        widgets = {"daily_digest": SwitchInput()}


class EditorEmailSettingsPanel(BaseSettingsPanel):
    name = "consultation_emails"
    title = gettext_lazy("Consultation emails")
    tab = notifications_tab
    order = 200
    form_class = EditorEmailSettingsForm

    def is_active(self) -> bool:
        return self.user.has_perm(MODERATE_PERMISSION)

    def get_form(self) -> EditorEmailSettingsForm:
        instance = EditorEmailSettings.for_user(self.user)
        data = (self.request.POST, self.request.FILES) if self.request.method == "POST" else ()
        return self.form_class(*data, instance=instance, prefix=self.name)
