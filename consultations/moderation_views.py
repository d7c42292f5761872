"""The research team's moderation of a round, in the admin: the queue of its comments,
answering, hiding and showing a comment, and entering a comment or ratings a member gave
by phone, at a meeting or in writing. Reached from the round listing's row menu and the
round's inspect page; URLs are the round viewset's (``RoundViewSet.get_urlpatterns``).

Members appear by pseudonym and constituency only: the queue is for every editor.
"""

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy
from django.views.generic import FormView, TemplateView

from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import (
    ButtonsColumnMixin,
    Column,
    DateColumn,
    StatusTagColumn,
    TitleColumn,
)
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import HeaderButton, MenuItem
from wagtail.permission_policies import ModelPermissionPolicy

import django_filters

from consultations import selectors, services
from consultations.admin_forms import (
    AnswerForm,
    EntryCommentForm,
    EntryRatingsForm,
    EntryStartForm,
    HideForm,
)
from consultations.enums import AnswerStatus, Constituency, ModerationState
from consultations.models import Comment, ConsultationItem, Round
from consultations.permissions import ENTER_FOR_MEMBER_PERMISSION, MODERATE_PERMISSION

comment_permission_policy = ModelPermissionPolicy(Comment)

EXCERPT_CHARS = 160
ITEM_LABEL_CHARS = 40
UNANSWERED = "unanswered"
ANSWERED = "answered"
WHOLE_PAGE = "page"
NEW = "new"


def item_label(item: ConsultationItem) -> str:
    return f"{item.number} {Truncator(item.text).chars(ITEM_LABEL_CHARS)}"


def queue_url(round: Round) -> str:
    return reverse("rounds:moderation", args=[round.pk])


# The queue ------------------------------------------------------------------------------


class QueueFilterSet(WagtailFilterSet):
    page = django_filters.ChoiceFilter(
        label=gettext_lazy("Page"), field_name="page_id", empty_label=gettext_lazy("Any")
    )
    item = django_filters.ChoiceFilter(
        label=gettext_lazy("Item"), method="filter_item", empty_label=gettext_lazy("Any")
    )
    constituency = django_filters.ChoiceFilter(
        label=gettext_lazy("Constituency"),
        field_name="author__constituency",
        choices=Constituency.choices,
        empty_label=gettext_lazy("Any"),
    )
    state = django_filters.ChoiceFilter(
        label=gettext_lazy("State"),
        choices=ModerationState.choices,
        method="filter_state",
        empty_label=gettext_lazy("Any"),
    )
    answer = django_filters.ChoiceFilter(
        label=gettext_lazy("Answer"),
        choices=[
            (UNANSWERED, gettext_lazy("Not answered")),
            (ANSWERED, gettext_lazy("Answered")),
            *AnswerStatus.choices,
        ],
        method="filter_answer",
        empty_label=gettext_lazy("Any"),
    )
    new = django_filters.ChoiceFilter(
        label=gettext_lazy("New since I last looked"),
        choices=[(NEW, gettext_lazy("Only what is new"))],
        method="filter_new",
        empty_label=gettext_lazy("Everything"),
    )

    class Meta:
        model = Comment
        fields: list[str] = []

    def __init__(self, *args: Any, round: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["page"].extra["choices"] = [
            (round_page.page_id, round_page.page.get_admin_display_title())
            for round_page in selectors.round_pages_pinned(round)
        ]
        self.filters["item"].extra["choices"] = [
            (WHOLE_PAGE, _("The whole page")),
            *((key[1], item_label(item)) for key, item in selectors.round_items(round).items()),
        ]

    def filter_item(self, queryset: QuerySet[Comment], name: str, value: str) -> QuerySet:
        return queryset.filter(block_id="" if value == WHOLE_PAGE else value)

    def filter_state(self, queryset: QuerySet[Comment], name: str, value: str) -> QuerySet:
        return queryset.in_state(value)

    def filter_new(self, queryset: QuerySet[Comment], name: str, value: str) -> QuerySet:
        # ``is_new`` is annotated by ``selectors.moderation_queue`` from her last visit.
        return queryset.filter(is_new=True)

    def filter_answer(self, queryset: QuerySet[Comment], name: str, value: str) -> QuerySet:
        if value == UNANSWERED:
            return queryset.filter(answer_status="")
        if value == ANSWERED:
            return queryset.exclude(answer_status="")
        return queryset.filter(answer_status=value)


class CommentColumn(ButtonsColumnMixin, TitleColumn):
    """The comment's opening words, with its quote, and the tags an editor looks for."""

    cell_template_name = "consultations/admin/moderation/comment_cell.html"

    def __init__(self, *args: Any, view: "QueueView", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.view = view

    def get_buttons(self, instance: Comment, parent_context: dict) -> list:
        return self.view.get_list_buttons(instance)

    def get_value(self, instance: Comment) -> str:
        return Truncator(instance.body).chars(EXCERPT_CHARS)


def moderation_state_label(comment: Comment) -> str:
    return comment.moderation_state.label


def member_label(comment: Comment) -> str:
    # Translators: a member in the moderation queue: "Willow (Service user)".
    return _("%(pseudonym)s (%(constituency)s)") % {
        "pseudonym": comment.author.pseudonym,
        "constituency": comment.author.get_constituency_display(),
    }


def answer_label(comment: Comment) -> str:
    return comment.get_answer_status_display() if comment.is_answered else _("Not answered")


class QueueView(generic.IndexView):
    """Every comment of one round, newest first, with filters; the rows open the answer
    view, and their menus hide or show a comment."""

    model = Comment
    permission_policy = comment_permission_policy
    any_permission_required = ["view", "change"]
    filterset_class = QueueFilterSet
    index_url_name = "rounds:moderation"
    index_results_url_name = "rounds:moderation_results"
    search_fields = ["body", "quote", "author__pseudonym"]
    search_backend_name = None
    paginate_by = 50
    default_ordering = "-created_at"
    page_title = gettext_lazy("Moderation")
    header_icon = "comment"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.round = get_object_or_404(Round, pk=kwargs["pk"])
        # No spreadsheet: exports have their own views and audit entries.
        self.is_export = False

    @cached_property
    def since(self) -> datetime | None:
        # Read once the permission check has passed: a refused request records no visit.
        return services.moderation_visit_record(round=self.round, user=self.request.user)

    @cached_property
    def items(self) -> dict[tuple[int, str], ConsultationItem]:
        return selectors.round_items(self.round)

    def get_base_queryset(self) -> QuerySet[Comment]:
        return selectors.moderation_queue(round=self.round, since=self.since)

    def get_filterset_kwargs(self) -> dict[str, Any]:
        return {**super().get_filterset_kwargs(), "round": self.round}

    def get_index_url(self) -> str:
        return queue_url(self.round)

    def get_index_results_url(self) -> str:
        return reverse(self.index_results_url_name, args=[self.round.pk])

    def get_page_subtitle(self) -> str:
        return str(self.round)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("rounds:index"), "label": capfirst(Round._meta.verbose_name_plural)},
            {"url": reverse("rounds:inspect", args=[self.round.pk]), "label": str(self.round)},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    @cached_property
    def header_buttons(self) -> list:
        if not self.request.user.has_perm(ENTER_FOR_MEMBER_PERMISSION):
            return []
        return [
            HeaderButton(
                _("Enter for a member"),
                url=reverse("rounds:enter", args=[self.round.pk]),
                icon_name="user",
            )
        ]

    @cached_property
    def back_url(self) -> str:
        """The queue as she left it, filters and page kept, for the views it leads to."""
        query = self.request.GET.copy()
        query.pop("_w_filter_fragment", None)
        return f"{self.index_url}?{query.urlencode()}" if query else self.index_url

    def with_next(self, url: str) -> str:
        return f"{url}?{urlencode({'next': self.back_url})}"

    def get_answer_url(self, instance: Comment) -> str:
        return self.with_next(reverse("rounds:answer", args=[instance.pk]))

    @cached_property
    def may_moderate(self) -> bool:
        return self.request.user.has_perm(MODERATE_PERMISSION)

    def get_list_more_buttons(self, instance: Comment) -> list[MenuItem]:
        if not self.may_moderate or instance.is_withdrawn:
            return []
        buttons = [
            MenuItem(
                (
                    _("Change the answer")
                    if instance.is_answered
                    else pgettext("verb: answer a comment", "Answer")
                ),
                url=self.get_answer_url(instance),
                icon_name="comment",
                priority=10,
            )
        ]
        if instance.is_hidden:
            buttons.append(
                MenuItem(
                    _("Show again"),
                    url=self.with_next(reverse("rounds:show", args=[instance.pk])),
                    icon_name="view",
                    priority=20,
                )
            )
        elif not instance.is_withdrawn:
            buttons.append(
                MenuItem(
                    _("Hide"),
                    url=self.with_next(reverse("rounds:hide", args=[instance.pk])),
                    icon_name="no-view",
                    priority=20,
                )
            )
        return buttons

    def item_of(self, comment: Comment) -> str:
        if not comment.block_id:
            return _("The whole page")
        item = self.items.get((comment.page_id, comment.block_id))
        return item_label(item) if item else _("An item no longer on the page")

    @cached_property
    def columns(self) -> list[Column]:
        return [
            CommentColumn(
                "body",
                label=_("Comment"),
                view=self,
                get_url=self.get_answer_url if self.may_moderate else lambda comment: None,
            ),
            Column("item", label=_("Item"), accessor=self.item_of),
            Column(
                "author",
                label=_("Member"),
                accessor=member_label,
            ),
            DateColumn("created_at", label=_("When"), sort_key="created_at"),
            StatusTagColumn(
                "state",
                label=_("State"),
                accessor=moderation_state_label,
                primary=lambda comment: comment.moderation_state == ModerationState.VISIBLE,
            ),
            StatusTagColumn(
                "answer_status",
                label=_("Answer"),
                accessor=answer_label,
                primary=lambda comment: comment.is_answered,
                sort_key="answer_status",
            ),
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["since"] = self.since
        return context


# One comment ----------------------------------------------------------------------------


class CommentViewMixin(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    """A view of one comment, for those who may moderate; back to the queue after."""

    permission_policy = comment_permission_policy
    permission_required = "change"
    header_icon = "comment"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        comment = selectors.comment_for_moderation(kwargs["pk"])
        if comment is None:
            raise Http404
        self.object = comment
        self.round = comment.round

    @cached_property
    def back_url(self) -> str:
        return get_valid_next_url_from_request(self.request) or queue_url(self.round)

    def get_page_subtitle(self) -> str:
        return str(self.object)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("rounds:index"), "label": capfirst(Round._meta.verbose_name_plural)},
            {"url": reverse("rounds:inspect", args=[self.round.pk]), "label": str(self.round)},
            {"url": self.back_url, "label": _("Moderation")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            comment=self.object,
            item=selectors.item_as_she_read(self.object),
            round=self.round,
            back_url=self.back_url,
            action_url=self.request.get_full_path(),
        )
        return context


class CommentFormView(CommentViewMixin, FormView):
    """A moderation form: its service's problems are shown beside the fields, with what
    the editor typed; success goes back to the queue with a message."""

    success_message = ""
    error_message = ""
    # A withdrawn comment is neither answered nor hidden: the editor is told why.
    withdrawn_message = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.user_has_permission(self.permission_required):
            raise PermissionDenied
        if self.object.is_withdrawn:
            messages.error(request, self.withdrawn_message)
            return redirect(self.back_url)
        return super().dispatch(request, *args, **kwargs)

    def service_call(self, form: Any) -> None:
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            self.service_call(form)
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message % {"number": self.object.pk})
        return redirect(self.back_url)

    def form_invalid(self, form: Any) -> HttpResponse:
        messages.validation_error(self.request, self.error_message, form)
        return super().form_invalid(form)


class AnswerView(CommentFormView):
    template_name = "consultations/admin/moderation/answer.html"
    form_class = AnswerForm
    page_title = pgettext_lazy("verb: answer a comment", "Answer")

    withdrawn_message = gettext_lazy("She withdrew this comment, so it can no longer be answered.")

    def get_initial(self) -> dict[str, Any]:
        return {"status": self.object.answer_status, "response": self.object.answer}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            versions=selectors.comment_versions_newest_first(self.object),
            replies=selectors.comment_replies(self.object),
        )
        return context

    success_message = gettext_lazy(
        "Answer to comment %(number)s saved. The member sees it under her comment."
    )
    error_message = gettext_lazy("The answer could not be saved.")

    def service_call(self, form: AnswerForm) -> None:
        services.comment_answer(
            comment=self.object,
            by=self.request.user,
            status=form.cleaned_data["status"],
            response=form.cleaned_data["response"],
        )


class HideView(CommentFormView):
    template_name = "consultations/admin/moderation/hide.html"
    form_class = HideForm
    page_title = gettext_lazy("Hide")

    withdrawn_message = gettext_lazy(
        "She withdrew this comment, so other members no longer see it."
    )

    def get_initial(self) -> dict[str, Any]:
        return {"reason": self.object.hidden_reason}

    success_message = gettext_lazy(
        "Comment %(number)s is hidden from other members. Its author is told why."
    )
    error_message = gettext_lazy("The comment could not be hidden.")

    def service_call(self, form: HideForm) -> None:
        services.comment_hide(
            comment=self.object, by=self.request.user, reason=form.cleaned_data["reason"]
        )


class ShowView(CommentViewMixin, TemplateView):
    template_name = "consultations/admin/moderation/show.html"
    page_title = gettext_lazy("Show again")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not self.user_has_permission(self.permission_required):
            raise PermissionDenied
        if not self.object.is_hidden or self.object.is_withdrawn:
            messages.error(request, _("This comment is not hidden."))
            return redirect(self.back_url)
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.comment_show(comment=self.object, by=request.user)
        messages.success(
            request,
            _("Comment %(number)s is shown to other members again.") % {"number": self.object.pk},
        )
        return redirect(self.back_url)


# Entering for a member ------------------------------------------------------------------


class EnterView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Two steps, without JavaScript: choose the member, the page and what she gave (a
    GET form); then the comment or the ratings, how she gave them, and her agreement."""

    permission_policy = comment_permission_policy
    permission_required = "add"
    template_name = "consultations/admin/moderation/enter.html"
    page_title = gettext_lazy("Enter for a member")
    header_icon = "user"

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self.round = get_object_or_404(Round, pk=kwargs["pk"])

    def get_page_subtitle(self) -> str:
        return str(self.round)

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse("rounds:index"), "label": capfirst(Round._meta.verbose_name_plural)},
            {"url": reverse("rounds:inspect", args=[self.round.pk]), "label": str(self.round)},
            {"url": queue_url(self.round), "label": _("Moderation")},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    @cached_property
    def start_form(self) -> EntryStartForm:
        data = self.request.GET if "member" in self.request.GET else None
        return EntryStartForm(
            data, round=self.round, members=selectors.members_for_entry(self.round)
        )

    def items(self, page_id: int) -> list[ConsultationItem]:
        items = selectors.round_items(self.round)
        return [item for (page, _block), item in items.items() if page == page_id]

    def second_form(self, data: Any = None) -> EntryCommentForm | EntryRatingsForm | None:
        if not self.start_form.is_valid():
            return None
        chosen = self.start_form.cleaned_data
        items = self.items(chosen["page"])
        member = chosen["member"]
        if chosen["kind"] == "ratings":
            current = selectors.rating_labels_of(round=self.round, member=member)
            return EntryRatingsForm(
                data,
                member=member,
                round=self.round,
                items=items,
                current={
                    block_id: label
                    for (page, block_id), label in current.items()
                    if page == chosen["page"]
                },
            )
        return EntryCommentForm(data, items=items, member=member)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form") or self.second_form()
        context.update(
            round=self.round,
            start_form=self.start_form,
            form=form,
            chosen=self.start_form.cleaned_data if self.start_form.is_valid() else None,
            action_url=self.request.get_full_path(),
            start_url=reverse("rounds:enter", args=[self.round.pk]),
            queue_url=queue_url(self.round),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.second_form(request.POST)
        if form is None:
            # Who and which page travel in the address: without them, start again.
            return redirect("rounds:enter", self.round.pk)
        chosen = self.start_form.cleaned_data
        if form.is_valid():
            try:
                return self.enter(form, chosen)
            except ValidationError as error:
                form.add_service_error(error)
        messages.validation_error(request, _("Nothing was entered: check the form."), form)
        return self.render_to_response(self.get_context_data(form=form))

    def enter(self, form: EntryCommentForm | EntryRatingsForm, chosen: dict) -> HttpResponse:
        member = chosen["member"]
        common = {
            "round": self.round,
            "member": member,
            "by": self.request.user,
            "via": form.cleaned_data["via"],
            "agreed": form.cleaned_data["agreed"],
            "page_id": chosen["page"],
        }
        if isinstance(form, EntryRatingsForm):
            try:
                versions = services.ratings_enter(
                    **common,
                    choices=form.choices_given(),
                    form_token=form.cleaned_data["form_token"],
                )
            except services.AlreadySaved:
                messages.success(self.request, _("These ratings were already entered."))
                return redirect(queue_url(self.round))
            late = any(version.late for version in versions)
            message = ngettext(
                "%(count)s rating entered for %(member)s.",
                "%(count)s ratings entered for %(member)s.",
                len(versions),
            ) % {
                "count": len(versions),
                "member": member.pseudonym,
            }
        else:
            try:
                version = services.comment_enter(
                    **common,
                    block_id=form.cleaned_data["block_id"],
                    body=form.cleaned_data["body"],
                    quote=form.cleaned_data["quote"],
                    form_token=form.cleaned_data["form_token"],
                )
            except services.AlreadySaved:
                messages.success(self.request, _("This comment was already entered."))
                return redirect(queue_url(self.round))
            late = version.late
            message = _("Comment %(number)s entered for %(member)s.") % {
                "number": version.comment_id,
                "member": member.pseudonym,
            }
        if late:
            messages.warning(
                self.request,
                # Translators: "message" is the sentence saying what was entered.
                _("%(message)s The round had closed, so it is kept but not counted.")
                % {"message": message},
            )
        else:
            messages.success(self.request, message)
        return redirect(queue_url(self.round))
