"""The research team's admin for consultations: rounds, members and invitations, and the
support services members are pointed to.

Members' real names and email addresses appear only to users with the identity
permission: in listings, searches, forms and exports alike.
"""

from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.generic import FormView, TemplateView

from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, UserColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, MenuItem
from wagtail.snippets.views.snippets import DeleteView as SnippetDeleteView
from wagtail.snippets.views.snippets import SnippetViewSet
from wagtail.templatetags.wagtailcore_tags import richtext

import django_filters

from consultations.admin_changes import RoundChangesView, RoundYouSaidWeDidView, round_changes
from consultations.admin_forms import (
    InvitationForm,
    MemberForm,
    MemberWithdrawForm,
    RoundForm,
    RoundPageChooserPanel,
    RoundPagesPanel,
)
from consultations.admin_report import ParticipationView, ReportCSVView, ReportView
from consultations.admin_results import RoundResultsView
from consultations.enums import NotificationStatus, RoundStatus, Withdrawal
from consultations.export_views import ExportView
from consultations.models import Invitation, Member, Round, StudySite, SupportService
from consultations.moderation_views import AnswerView, EnterView, HideView, QueueView, ShowView
from consultations.permissions import (
    ENTER_FOR_MEMBER_PERMISSION,
    IDENTITY_PERMISSION,
    MODERATE_PERMISSION,
    can_view_member_identity,
)
from consultations.selectors import (
    consultable_page_models,
    round_has_contributions,
    round_pages_pinned,
    rounds_with_status,
)
from consultations.services import (
    identity_listing_log,
    identity_view_log,
    invitation_create,
    invitation_notification,
    invitation_renew,
    member_withdraw,
)

# Rounds ---------------------------------------------------------------------------------


class RoundFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"),
        choices=RoundStatus.choices,
        method="filter_status",
        empty_label=gettext_lazy("Any"),
    )

    class Meta:
        model = Round
        fields = ["audience"]

    def filter_status(self, queryset: QuerySet[Round], name: str, value: str) -> QuerySet[Round]:
        return rounds_with_status(queryset, value)


def round_menu_item(round: Round, label: str, view: str, icon: str, priority: int) -> MenuItem:
    """An entry of a round's row menu and inspect header, leading to one of its views."""
    return MenuItem(
        label, url=reverse(f"rounds:{view}", args=[round.pk]), icon_name=icon, priority=priority
    )


def moderation_menu_items(user: Any, round: Round) -> list[MenuItem]:
    """Where a round's moderation starts: its queue, and entering for a member; and what
    shows its comments, for the same editors as the queue: its export and the preview of
    its "you said, we did"."""
    items = []
    if user.has_perm(MODERATE_PERMISSION) or user.has_perm("consultations.view_comment"):
        items += [
            round_menu_item(round, _("Moderate comments"), "moderation", "comment", 15),
            round_menu_item(round, _("Export comments and ratings"), "export", "download", 17),
            round_menu_item(round, _("You said, we did"), "you_said_we_did", "comment", 18),
        ]
    if user.has_perm(ENTER_FOR_MEMBER_PERMISSION):
        items.append(round_menu_item(round, _("Enter for a member"), "enter", "user", 16))
    return items


def report_menu_items(user: Any, round: Round, policy: Any) -> list[MenuItem]:
    """Figures about a round, counts only, for every editor who may view rounds: what
    changed since the round it follows, its results, response rates and the report of the
    consultation it belongs to."""
    if not policy.user_has_any_permission(user, ["view", "change"]):
        return []
    changes = (
        [round_menu_item(round, _("What changed"), "changes", "clipboard-list", 13)]
        if round.follows_id
        else []
    )
    return [
        *changes,
        round_menu_item(round, _("Results"), "results", "table", 14),
        round_menu_item(round, _("Response rates"), "participation", "group", 30),
        round_menu_item(round, _("Consultation report"), "report", "doc-full", 31),
    ]


class RoundIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet[Round]:
        return super().get_base_queryset().annotate(page_count=Count("round_pages"))

    def get_list_more_buttons(self, instance: Round) -> list[MenuItem]:
        return [
            *super().get_list_more_buttons(instance),
            *moderation_menu_items(self.request.user, instance),
            *report_menu_items(self.request.user, instance, self.permission_policy),
        ]


def yes_or_no(value: bool) -> str:
    return _("Yes") if value else _("No")


class RoundInspectView(generic.InspectView):
    template_name = "consultations/admin/round_inspect.html"

    @cached_property
    def header_more_buttons(self) -> list[Button]:
        return [
            *super().header_more_buttons,
            *(
                Button.from_menu_item(item)
                for item in [
                    *moderation_menu_items(self.request.user, self.object),
                    *report_menu_items(self.request.user, self.object, self.permission_policy),
                ]
            ),
        ]

    def get_instructions_display_value(self) -> str:
        return richtext(self.object.instructions)

    def get_status_display_value(self) -> str:
        return self.object.status.label

    def get_comments_visible_to_members_display_value(self) -> str:
        return yes_or_no(self.object.comments_visible_to_members)

    def get_opens_at_display_value(self) -> str:
        return date_format(timezone.localtime(self.object.opens_at), "DATETIME_FORMAT")

    def get_closes_at_display_value(self) -> str:
        return date_format(timezone.localtime(self.object.closes_at), "DATETIME_FORMAT")

    def get_members_see_results_display_value(self) -> str:
        return yes_or_no(self.object.members_see_results)

    def get_you_said_we_did_display_value(self) -> str:
        return self.object.get_you_said_we_did_display()

    def get_you_said_we_did_pseudonyms_display_value(self) -> str:
        return yes_or_no(self.object.you_said_we_did_pseudonyms)

    def get_follows_display_value(self) -> str:
        return str(self.object.follows or "-")

    def get_created_by_display_value(self) -> str:
        user = self.object.created_by
        return (user.get_full_name() or user.get_username()) if user else "-"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["pinned"] = [
            {
                "round_page": round_page,
                "preview_url": reverse(
                    "wagtailadmin_pages:revisions_view",
                    args=[round_page.page_id, round_page.revision_id],
                ),
                "compare_url": reverse(
                    "wagtailadmin_pages:revisions_compare",
                    args=[round_page.page_id, round_page.revision_id, "latest"],
                ),
                "is_latest": round_page.revision_id == round_page.page.latest_revision_id,
            }
            for round_page in round_pages_pinned(self.object)
        ]
        if self.object.follows_id:
            context["changes"] = round_changes(self.object, with_comments=False)
            context["changes_url"] = reverse("rounds:changes", args=[self.object.pk])
        return context


class RoundDeleteView(generic.DeleteView):
    """A round that members took part in is the record of what they said: it stays."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.user_has_permission(self.permission_required):
            raise PermissionDenied
        if round_has_contributions(self.object):
            messages.error(
                request,
                _(
                    "“%(round)s” cannot be deleted: members have commented on it or rated it, "
                    "and what they said is kept for the study."
                )
                % {"round": self.object},
            )
            return redirect(self.index_url_name)
        return super().dispatch(request, *args, **kwargs)


class RoundViewSet(ModelViewSet):
    model = Round
    name = "rounds"
    icon = "clipboard-list"
    menu_label = gettext_lazy("Rounds")
    add_to_admin_menu = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = RoundIndexView
    inspect_view_class = RoundInspectView
    inspect_view_fields = [
        "title",
        "status",
        "instructions",
        "opens_at",
        "closes_at",
        "rating_scale",
        "consensus_threshold",
        "consensus_bottom_limit",
        "audience",
        "comments_visible_to_members",
        "members_see_results",
        "follows",
        "you_said_we_did",
        "you_said_we_did_pseudonyms",
        "created_by",
        "created_at",
    ]
    delete_view_class = RoundDeleteView
    moderation_view_class = QueueView
    filterset_class = RoundFilterSet
    search_fields = ["title"]
    list_display = [
        "title",
        StatusTagColumn(
            "status",
            label=gettext_lazy("Status"),
            accessor=lambda round: round.status.label,
            primary=lambda round: round.is_open,
        ),
        "opens_at",
        "closes_at",
        "audience",
        Column("page_count", label=gettext_lazy("Pages"), sort_key="page_count"),
    ]
    ordering = ["-opens_at"]

    @property
    def moderation_view(self) -> Any:
        return self.moderation_view_class.as_view()

    @property
    def moderation_results_view(self) -> Any:
        return self.moderation_view_class.as_view(results_only=True)

    def get_urlpatterns(self) -> list[URLPattern]:
        return [
            *super().get_urlpatterns(),
            path("moderation/<int:pk>/", self.moderation_view, name="moderation"),
            path(
                "moderation-results/<int:pk>/",
                self.moderation_results_view,
                name="moderation_results",
            ),
            path("answer/<int:pk>/", AnswerView.as_view(), name="answer"),
            path("hide/<int:pk>/", HideView.as_view(), name="hide"),
            path("show/<int:pk>/", ShowView.as_view(), name="show"),
            path("enter/<int:pk>/", EnterView.as_view(), name="enter"),
            path("changes/<int:pk>/", self.changes_view, name="changes"),
            path("results/<int:pk>/", self.results_view, name="results"),
            path("participation/<int:pk>/", self.participation_view, name="participation"),
            path("report/<int:pk>/", self.report_view, name="report"),
            path("report-csv/<int:pk>/", self.report_csv_view, name="report_csv"),
            path("export/<int:pk>/", ExportView.as_view(), name="export"),
            path(
                "you-said-we-did/<int:pk>/",
                self.you_said_we_did_view,
                name="you_said_we_did",
            ),
        ]

    @cached_property
    def edit_handler(self) -> ObjectList:
        return ObjectList(
            [
                FieldPanel("title"),
                FieldPanel("instructions"),
                FieldRowPanel(
                    [FieldPanel("opens_at"), FieldPanel("closes_at")],
                    heading=gettext_lazy("When members can take part"),
                ),
                MultiFieldPanel(
                    [
                        FieldPanel("rating_scale"),
                        FieldRowPanel(
                            [
                                FieldPanel("consensus_threshold"),
                                FieldPanel("consensus_bottom_limit"),
                            ]
                        ),
                        FieldPanel("audience"),
                        FieldPanel("comments_visible_to_members"),
                        FieldPanel("members_see_results"),
                    ],
                    heading=gettext_lazy("Ratings and who takes part"),
                ),
                FieldPanel("follows"),
                MultiFieldPanel(
                    [
                        FieldPanel("you_said_we_did", widget=forms.RadioSelect),
                        FieldPanel("you_said_we_did_pseudonyms"),
                    ],
                    heading=gettext_lazy("You said, we did"),
                ),
                RoundPagesPanel(
                    "round_pages",
                    heading=gettext_lazy("Pages in the round"),
                    label=gettext_lazy("page"),
                    min_num=1,
                    panels=[
                        RoundPageChooserPanel("page", page_type=consultable_page_models()),
                        FieldPanel("revision"),
                    ],
                ),
            ],
            base_form_class=RoundForm,
        )

    @property
    def changes_view(self) -> Any:
        return RoundChangesView.as_view(permission_policy=self.permission_policy)

    @property
    def results_view(self) -> Any:
        return RoundResultsView.as_view(permission_policy=self.permission_policy)

    @property
    def participation_view(self) -> Any:
        return ParticipationView.as_view(permission_policy=self.permission_policy)

    @property
    def report_view(self) -> Any:
        return ReportView.as_view(permission_policy=self.permission_policy)

    @property
    def report_csv_view(self) -> Any:
        return ReportCSVView.as_view(permission_policy=self.permission_policy)

    @property
    def you_said_we_did_view(self) -> Any:
        return RoundYouSaidWeDidView.as_view()


# Members --------------------------------------------------------------------------------


def full_name(member: Member) -> str:
    return member.user.get_full_name()


# Study site and professional role are behind the identity permission too: a role at a
# small site can be one person.
IDENTITY_SEARCH_FIELDS = [
    "user__first_name",
    "user__last_name",
    "user__email",
    "study_site__name",
    "professional_role",
]


class IdentityListingLogged:
    """A listing page that shows identities writes one audit entry naming its rows, each
    time it is shown, the search and filter results included."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if can_view_member_identity(self.request.user):
            identity_listing_log(
                user=self.request.user,
                listing=capfirst(self.model._meta.verbose_name_plural),
                shown=context["object_list"],
            )
        return context


class IdentityViewLogged:
    """A page about one member or invitation that shows her identity writes an audit entry
    in its history each time it is shown."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if can_view_member_identity(self.request.user):
            identity_view_log(user=self.request.user, shown=self.object)
        return context


class MemberIndexView(IdentityListingLogged, generic.IndexView):
    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        if can_view_member_identity(request.user):
            self.search_fields = [*self.search_fields, *IDENTITY_SEARCH_FIELDS]
        # No spreadsheet at all, not even an empty one: a download would leave the admin's
        # identity checks behind.
        self.is_export = False

    def get_base_queryset(self) -> QuerySet[Member]:
        return super().get_base_queryset().select_related("user", "study_site")

    def get_edit_url(self, instance: Member) -> str | None:
        if instance.withdrawn_at is not None:
            return None
        return super().get_edit_url(instance)

    def get_list_more_buttons(self, instance: Member) -> list[MenuItem]:
        buttons = super().get_list_more_buttons(instance)
        if member_withdrawable_by(self.request.user, instance, self.permission_policy):
            buttons.append(
                MenuItem(
                    _("Withdraw at her request"),
                    url=reverse("members:withdraw", args=[instance.pk]),
                    icon_name="user",
                    priority=20,
                )
            )
        return buttons

    @cached_property
    def columns(self) -> list[Column]:
        columns = list(super().columns)
        if can_view_member_identity(self.request.user):
            columns[1:1] = [
                Column("real_name", label=_("Real name"), accessor=full_name),
                Column("email", label=_("Email address"), accessor="user.email"),
            ]
            # Beside the constituency, whose column Wagtail names after its display method.
            after = next(i for i, column in enumerate(columns) if "constituency" in column.name)
            columns[after + 1 : after + 1] = [
                Column("study_site", label=_("Study site")),
                Column("professional_role", label=_("Professional role")),
            ]
        return columns


def member_status(member: Member) -> str:
    if member.withdrawn_at is not None:
        return _("Withdrawn")
    if member.consent_given_at is None:
        return _("No consent yet")
    return _("Taking part")


class MemberEditView(IdentityViewLogged, generic.EditView):
    """What is left of a withdrawn member is what her withdrawal chose to keep: nobody
    writes a name, site or role back into it."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.user_has_permission(self.permission_required):
            raise PermissionDenied
        member = get_object_or_404(Member, pk=kwargs["pk"])
        if not self.permission_policy.user_has_permission_for_instance(
            request.user, "change", member
        ):
            messages.error(request, _("This member has withdrawn, so her record is not changed."))
            return redirect(self.index_url_name)
        return super().dispatch(request, *args, **kwargs)


def member_withdrawable_by(user: Any, member: Member, policy: Any) -> bool:
    """Carrying out a request means matching the person who asked to her record, so it
    takes the identity permission as well as permission to change members."""
    return (
        member.withdrawal != Withdrawal.DELETED
        and can_view_member_identity(user)
        and policy.user_has_permission(user, "change")
    )


class MemberWithdrawView(
    IdentityViewLogged, PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView
):
    """An editor withdraws a member who asked by email, phone or in person, with the
    choice she made; the audit log names the editor. The page shows her real name, to
    match the caller to the record, so each showing is logged too."""

    model = Member
    permission_required = "change"
    form_class = MemberWithdrawForm
    template_name = "consultations/admin/member_withdraw.html"
    page_title = gettext_lazy("Withdraw at her request")
    header_icon = "user"
    index_url_name = "members:index"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Member.objects.select_related("user"), pk=kwargs["pk"])

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not member_withdrawable_by(request.user, self.object, self.permission_policy):
            if self.object.withdrawal == Withdrawal.DELETED and can_view_member_identity(
                request.user
            ):
                messages.error(request, _("This member has withdrawn and her data is deleted."))
                return redirect(self.index_url_name)
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return self.object.user.get_full_name() or str(self.object)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(Member._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            member=self.object,
            action_url=reverse("members:withdraw", args=[self.object.pk]),
            index_url=reverse(self.index_url_name),
        )
        return context

    def form_valid(self, form: MemberWithdrawForm) -> HttpResponse:
        member = member_withdraw(
            member=self.object, choice=form.cleaned_data["choice"], by=self.request.user
        )
        messages.success(
            self.request,
            _("%(member)s is withdrawn: her identity is erased and her choice carried out.")
            % {"member": member},
        )
        return redirect(self.index_url_name)


class MemberViewSet(ModelViewSet):
    model = Member
    name = "members"
    icon = "group"
    menu_label = gettext_lazy("Members")
    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = MemberIndexView
    edit_view_class = MemberEditView
    search_fields = ["pseudonym"]
    list_filter = ["constituency"]
    list_export: list[str] = []
    list_display = [
        "pseudonym",
        "constituency",
        "consent_given_at",
        StatusTagColumn(
            "status",
            label=gettext_lazy("Status"),
            accessor=member_status,
            primary=lambda member: member.withdrawn_at is None,
        ),
    ]
    ordering = ["pseudonym"]
    edit_handler = ObjectList(
        [
            FieldPanel("pseudonym"),
            FieldPanel("constituency"),
            FieldPanel("study_site", permission=IDENTITY_PERMISSION, widget=forms.Select),
            FieldPanel("professional_role", permission=IDENTITY_PERMISSION),
        ],
        base_form_class=MemberForm,
    )

    @property
    def withdraw_view(self) -> Any:
        return MemberWithdrawView.as_view()

    def get_urlpatterns(self) -> list[URLPattern]:
        return [
            *super().get_urlpatterns(),
            path("withdraw/<int:pk>/", self.withdraw_view, name="withdraw"),
        ]


# Invitations ----------------------------------------------------------------------------


def invitation_link(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("consultations:join", args=[token]))


def invitation_send(request: HttpRequest, invitation: Invitation, token: str) -> None:
    """Say what became of the invitation's email, and show the link this once, for the
    editor to pass on another way if the email goes astray."""
    with translation.override(invitation.language):
        link = invitation_link(request, token)
    notification = invitation_notification(invitation)
    status = notification.status if notification else None
    if status is None:
        messages.warning(
            request,
            _(
                "She asked for no more emails about this invitation, so none was sent. Pass "
                "this link on another way; it is shown only now: %(link)s"
            )
            % {"link": link},
        )
        return
    if status in {NotificationStatus.RETRYING, NotificationStatus.FAILED}:
        messages.warning(
            request,
            _(
                "The invitation email could not be sent; it will be tried again, and Reports "
                "› Emails not sent will show it if it still fails. Pass this link on another "
                "way; it is shown only now: %(link)s"
            )
            % {"link": link},
        )
        return
    # Her address only for those who may see it: messages outlive the page that set them.
    recipient = invitation.email if can_view_member_identity(request.user) else str(invitation)
    if status == NotificationStatus.SENT:
        text = _(
            "Invitation sent to %(recipient)s. If it does not arrive, you can pass this link "
            "on another way; it is shown only now: %(link)s"
        )
    else:
        text = _(
            "Invitation to %(recipient)s is being sent. If it does not arrive, you can pass "
            "this link on another way; it is shown only now: %(link)s"
        )
    messages.success(request, text % {"recipient": recipient, "link": link})


class InvitationIndexView(IdentityListingLogged, generic.IndexView):
    def get_base_queryset(self) -> QuerySet[Invitation]:
        return super().get_base_queryset().select_related("invited_by")

    @cached_property
    def columns(self) -> list[Column]:
        columns = list(super().columns)
        if can_view_member_identity(self.request.user):
            columns[0:1] = [self._get_title_column("full_name"), self._get_custom_column("email")]
        return columns

    def get_edit_url(self, instance: Invitation) -> str | None:
        if instance.is_accepted or not can_view_member_identity(self.request.user):
            return None
        return super().get_edit_url(instance)

    def get_delete_url(self, instance: Invitation) -> str | None:
        if instance.is_accepted:
            return None
        return super().get_delete_url(instance)

    def get_list_more_buttons(self, instance: Invitation) -> list[MenuItem]:
        buttons = super().get_list_more_buttons(instance)
        if (
            not instance.is_accepted
            and self.user_has_permission("change")
            and can_view_member_identity(self.request.user)
        ):
            buttons.append(
                MenuItem(
                    _("Send a new link"),
                    url=reverse("invitations:renew", args=[instance.pk]),
                    icon_name="mail",
                    priority=15,
                )
            )
        return buttons


class IdentityRequiredMixin:
    """Writing an invitation means typing her name and address: only for those who may
    see them."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_view_member_identity(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class InvitationCreateView(IdentityRequiredMixin, generic.CreateView):
    def form_valid(self, form: InvitationForm) -> HttpResponse:
        self.form = form
        data = form.cleaned_data
        try:
            invitation, token = invitation_create(
                full_name=data["full_name"],
                email=data["email"],
                constituency=data["constituency"],
                study_site=data.get("study_site"),
                professional_role=data.get("professional_role", ""),
                language=data.get("language") or settings.LANGUAGE_CODE,
                invited_by=self.request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        self.object = invitation
        invitation_send(self.request, invitation, token)
        return redirect(self.index_url_name)


class AcceptedInvitationRefusedMixin:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.user_has_permission(self.permission_required):
            raise PermissionDenied
        invitation = get_object_or_404(Invitation, pk=kwargs["pk"])
        if invitation.is_accepted:
            messages.error(
                request,
                _(
                    "This invitation was accepted, so it is kept as it is: it records how the "
                    "member joined."
                ),
            )
            return redirect(self.index_url_name)
        return super().dispatch(request, *args, **kwargs)


class InvitationEditView(
    AcceptedInvitationRefusedMixin, IdentityRequiredMixin, IdentityViewLogged, generic.EditView
):
    pass


class InvitationDeleteView(AcceptedInvitationRefusedMixin, generic.DeleteView):
    pass


class InvitationRenewView(
    IdentityRequiredMixin,
    IdentityViewLogged,
    PermissionCheckedMixin,
    WagtailAdminTemplateMixin,
    TemplateView,
):
    """Confirm, then give a waiting or expired invitation a new link and email it again.

    Sending it means choosing whom it goes to, so it needs the identity permission, as
    writing one does."""

    model = Invitation
    permission_required = "change"
    template_name = "consultations/admin/invitation_renew.html"
    page_title = gettext_lazy("Send a new link")
    header_icon = "mail"
    index_url_name = "invitations:index"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(Invitation, pk=kwargs["pk"])

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.user_has_permission(self.permission_required):
            raise PermissionDenied
        if self.object.is_accepted:
            messages.error(request, _("This invitation was accepted, so it cannot be sent again."))
            return redirect(self.index_url_name)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        if can_view_member_identity(self.request.user):
            return self.object.full_name
        return str(self.object)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        # The path back to the invitations, as Wagtail's own edit views give.
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(self.index_url_name),
                "label": capfirst(Invitation._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            invitation=self.object,
            renew_url=reverse("invitations:renew", args=[self.object.pk]),
            index_url=reverse(self.index_url_name),
            days=settings.CONSULTATIONS_INVITATION_DAYS,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = invitation_renew(invitation=self.object, by=request.user)
        invitation_send(request, self.object, token)
        return redirect(self.index_url_name)


def invitation_expiry(invitation: Invitation) -> datetime | str:
    # An accepted link has been used up: when it would have expired no longer matters.
    return "—" if invitation.is_accepted else invitation.expires_at


class InvitationViewSet(ModelViewSet):
    model = Invitation
    name = "invitations"
    icon = "mail"
    menu_label = gettext_lazy("Invitations")
    add_to_admin_menu = False
    copy_view_enabled = False
    index_view_class = InvitationIndexView
    add_view_class = InvitationCreateView
    edit_view_class = InvitationEditView
    delete_view_class = InvitationDeleteView
    list_filter = ["constituency"]
    list_export: list[str] = []
    list_display = [
        "__str__",
        StatusTagColumn(
            "status",
            label=gettext_lazy("Status"),
            primary=lambda invitation: not invitation.is_accepted and not invitation.is_expired,
        ),
        "constituency",
        UserColumn("invited_by", label=gettext_lazy("Invited by")),
        DateColumn("created_at", label=gettext_lazy("Created"), sort_key="created_at"),
        # The exact time, not "in 2 weeks": she may need to tell the invitee.
        Column(
            "expires_at",
            label=gettext_lazy("Expires"),
            accessor=invitation_expiry,
            sort_key="expires_at",
        ),
    ]
    ordering = ["-created_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("full_name", permission=IDENTITY_PERMISSION),
            FieldPanel("email", permission=IDENTITY_PERMISSION),
            FieldPanel("constituency"),
            FieldPanel("study_site", widget=forms.Select),
            FieldPanel("professional_role"),
            FieldPanel("language"),
        ],
        base_form_class=InvitationForm,
    )

    @property
    def renew_view(self) -> Any:
        return InvitationRenewView.as_view()

    def get_urlpatterns(self) -> list[URLPattern]:
        return [*super().get_urlpatterns(), path("renew/<int:pk>/", self.renew_view, name="renew")]


# Study sites -------------------------------------------------------------------------------


def study_site_deletion_refused(request: HttpRequest, sites: list[StudySite]) -> bool:
    """A site that members or invitations name stays: deleting it would lose where they
    were recruited. The message names the site only, never who is there."""
    in_use = [site for site in sites if site.is_in_use()]
    if not in_use:
        return False
    # Translators: a name in quotation marks; use your language's quotation marks.
    names = [pgettext("quoted name", "“%(name)s”") % {"name": site} for site in in_use]
    messages.error(
        request,
        _(
            "Nothing was deleted. Members or invitations are at %(sites)s. Choose another "
            "site for them first, or keep it."
        )
        % {"sites": ", ".join(names)},
    )
    return True


class StudySiteDeleteView(SnippetDeleteView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.user_has_permission(self.permission_required):
            raise PermissionDenied
        if study_site_deletion_refused(request, [self.object]):
            return redirect(self.index_url_name)
        return super().dispatch(request, *args, **kwargs)


class StudySiteViewSet(SnippetViewSet):
    """The study's recruiting sites and their nations, kept by the research team: response
    rates are reported by nation. Which member is at which site is shown only to those
    with the identity permission, in the members' admin, where a site is picked from a
    plain list (Wagtail's snippet chooser needs JavaScript, and fails on an id that is not
    one)."""

    model = StudySite
    icon = "site"
    menu_label = gettext_lazy("Study sites")
    list_display = [
        "name",
        Column("nation", label=gettext_lazy("Nation"), accessor="nation_label"),
    ]
    list_filter = ["nation"]
    list_export: list[str] = []
    ordering = ["name"]
    copy_view_enabled = False
    delete_view_class = StudySiteDeleteView
    panels = [FieldPanel("name"), FieldPanel("nation")]


class ConsultationsViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("Consultations")
    menu_icon = "comment"
    menu_order = 250
    items = (RoundViewSet, MemberViewSet, InvitationViewSet, StudySiteViewSet)


# Support services -------------------------------------------------------------------------


class SupportServiceViewSet(SnippetViewSet):
    """The services every member page links to, kept by the research team."""

    model = SupportService
    icon = "help"
    menu_label = gettext_lazy("Support services")
    list_display = ["name", "area", "phone", "sort_order"]
    list_filter = ["area"]
    list_export: list[str] = []
    ordering = ["area", "sort_order", "name"]
    copy_view_enabled = False
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("area"), FieldPanel("sort_order")]),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("opening_hours")]),
        FieldPanel("website"),
    ]
