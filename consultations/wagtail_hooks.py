from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.log_actions import LogActionRegistry


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
