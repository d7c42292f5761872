"""Wagtail's user admin (Settings → Users), with its looks at members' accounts logged.

Its listing and pages show every account's real name and email address to whoever
manages users, members' accounts among them, so each view that shows a member's account
writes the same audit entry as the consultations admin does.

A member's account cannot be copied. The copy form would show her name and address, and
the copy would take her groups, while a new member joins only through her own invitation.
Copying an editor's account, to start a colleague with the same groups, stays.
"""

from functools import cached_property
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from wagtail.admin.views.generic import CopyView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.users.views import users

from consultations.selectors import members_of_users
from consultations.services import identity_listing_log, identity_view_log


class UserIndexView(users.IndexView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        shown = list(members_of_users(context["object_list"]))
        if shown:
            identity_listing_log(user=self.request.user, listing=str(self.page_title), shown=shown)
        return context

    @cached_property
    def member_accounts(self) -> set[int]:
        # One query for the page's rows, rather than one for each row's buttons.
        return set(members_of_users(self.object_list).values_list("user_id", flat=True))

    def get_copy_url(self, instance: Any) -> str | None:
        if instance.pk in self.member_accounts:
            return None
        return super().get_copy_url(instance)


class MemberAccountLogged:
    """A page about one account that names a member."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        member = members_of_users([self.object]).first()
        if member is not None:
            identity_view_log(user=self.request.user, shown=member)
        return context


class UserEditView(MemberAccountLogged, users.EditView):
    def get_copy_url(self) -> str | None:
        if members_of_users([self.object]).exists():
            return None
        return super().get_copy_url()


class UserDeleteView(MemberAccountLogged, users.DeleteView):
    pass


class UserHistoryView(MemberAccountLogged, users.HistoryView):
    pass


class UserUsageView(MemberAccountLogged, UsageView):
    pass


class UserCopyView(CopyView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = self.refusal()
        return refused if refused is not None else super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        refused = self.refusal()
        return refused if refused is not None else super().post(request, *args, **kwargs)

    def refusal(self) -> HttpResponse | None:
        """Refused for a member's account, after Wagtail's own permission checks (so
        that no one else learns which accounts are members') and before the form, which
        would show her details."""
        if not members_of_users([self.get_object()]).exists():
            return None
        messages.error(
            self.request,
            _("A member's account cannot be copied. A new member joins from her own invitation."),
        )
        return redirect(self.index_url_name)


class UserViewSet(users.UserViewSet):
    index_view_class = UserIndexView
    edit_view_class = UserEditView
    delete_view_class = UserDeleteView
    history_view_class = UserHistoryView
    usage_view_class = UserUsageView
    copy_view_class = UserCopyView
