"""Wagtail's user admin (Settings → Users), with its looks at members' accounts logged.

Its listing and pages show every account's real name and email address to whoever
manages users, members' accounts among them, so each view that shows a member's account
writes the same audit entry as the consultations admin does.
"""

from typing import Any

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


class MemberAccountLogged:
    """A page about one account that names a member."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        member = members_of_users([self.object]).first()
        if member is not None:
            identity_view_log(user=self.request.user, shown=member)
        return context


class UserEditView(MemberAccountLogged, users.EditView):
    pass


class UserDeleteView(MemberAccountLogged, users.DeleteView):
    pass


class UserHistoryView(MemberAccountLogged, users.HistoryView):
    pass


class UserViewSet(users.UserViewSet):
    index_view_class = UserIndexView
    edit_view_class = UserEditView
    delete_view_class = UserDeleteView
    history_view_class = UserHistoryView
