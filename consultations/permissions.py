"""Who may do what in the admin, beyond Django's model permissions."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from wagtail.permission_policies import ModelPermissionPolicy

from consultations.models import Invitation, Member

IDENTITY_PERMISSION = "consultations.view_member_identity"


def can_view_member_identity(user: AbstractBaseUser | AnonymousUser) -> bool:
    return user.has_perm(IDENTITY_PERMISSION)


class MemberPermissionPolicy(ModelPermissionPolicy):
    """Members join only through invitations, and leave by withdrawing: nobody, not even
    a superuser, adds or deletes them in the admin."""

    closed_actions = frozenset({"add", "delete"})

    def user_has_permission(self, user: AbstractBaseUser, action: str) -> bool:
        return action not in self.closed_actions and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions: list[str]) -> QuerySet:
        return super().users_with_any_permission(
            [action for action in actions if action not in self.closed_actions]
        )

    def user_has_permission_for_instance(
        self, user: AbstractBaseUser, action: str, instance: Member
    ) -> bool:
        # What is left of a withdrawn member is what withdrawal chose to keep: nobody
        # writes a name, site or role back into it.
        if action == "change" and instance.withdrawn_at is not None:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


class InvitationPermissionPolicy(ModelPermissionPolicy):
    """An accepted invitation is the record of how a member joined: it is not changed or
    deleted."""

    def user_has_permission_for_instance(
        self, user: AbstractBaseUser, action: str, instance: Invitation
    ) -> bool:
        if action in {"change", "delete"} and instance.is_accepted:
            return False
        return super().user_has_permission_for_instance(user, action, instance)


member_permission_policy = MemberPermissionPolicy(Member)
invitation_permission_policy = InvitationPermissionPolicy(Invitation)

# Hiding, showing and answering members' comments.
MODERATE_PERMISSION = "consultations.change_comment"
# Entering a comment or ratings for a member who gave them by phone, at a meeting or in
# writing.
ENTER_FOR_MEMBER_PERMISSION = "consultations.add_comment"
