from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.log_actions import LogActionRegistry
from wagtail.permissions import register_permission_policy

from consultations.models import Invitation, Member
from consultations.permissions import invitation_permission_policy, member_permission_policy

# Before the viewsets below: registering them makes a default policy for any model that
# has none yet.
register_permission_policy(Member, member_permission_policy)
register_permission_policy(Invitation, invitation_permission_policy)

from consultations.viewsets import ConsultationsViewSetGroup  # noqa: E402


@hooks.register("register_admin_viewset")
def register_consultations_viewsets() -> ConsultationsViewSetGroup:
    return ConsultationsViewSetGroup()


@hooks.register("register_log_actions")
def register_consultation_log_actions(actions: LogActionRegistry) -> None:
    actions.register_action("consultations.invite", _("Invite"), _("Member invited"))
    actions.register_action(
        "consultations.invite_renew", _("Renew invitation"), _("Invitation link renewed")
    )
    actions.register_action(
        "consultations.invite_accept", _("Accept invitation"), _("Invitation accepted")
    )
    actions.register_action(
        "consultations.member_withdraw", _("Withdraw"), _("Member withdrew from the study")
    )
