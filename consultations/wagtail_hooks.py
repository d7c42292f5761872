from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.log_actions import LogActionRegistry, LogFormatter
from wagtail.models import Page
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from consultations import admin_emails
from consultations.enums import AnswerStatus, EnteredVia
from consultations.models import Invitation, Member, StudySite
from consultations.permissions import (
    MODERATE_PERMISSION,
    invitation_permission_policy,
    member_permission_policy,
)
from consultations.selectors import members_who_took_part, rounds_covering

# Before the viewsets below: registering them makes a default policy for any model that
# has none yet.
register_permission_policy(Member, member_permission_policy)
register_permission_policy(Invitation, invitation_permission_policy)

from consultations.viewsets import (  # noqa: E402
    ConsultationsViewSetGroup,
    SupportServiceViewSet,
    study_site_deletion_refused,
)


@hooks.register("register_admin_viewset")
def register_consultations_viewsets() -> ConsultationsViewSetGroup:
    return ConsultationsViewSetGroup()


@hooks.register("register_admin_urls")
def register_email_report_urls() -> list[URLPattern]:
    view = admin_emails.EmailsNotSentView
    return [
        path("reports/emails-not-sent/", view.as_view(), name=view.index_url_name),
        path(
            "reports/emails-not-sent/results/",
            view.as_view(results_only=True),
            name=view.index_results_url_name,
        ),
        path(
            "reports/emails-not-sent/<int:pk>/send-again/",
            admin_emails.SendAgainView.as_view(),
            name="consultations_email_send_again",
        ),
    ]


class EmailsNotSentMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MODERATE_PERMISSION)


@hooks.register("register_reports_menu_item")
def emails_not_sent_menu_item() -> MenuItem:
    return EmailsNotSentMenuItem(
        _("Emails not sent"),
        reverse("consultations_emails_not_sent"),
        icon_name="mail",
        order=9020,
    )


@hooks.register("register_account_settings_panel")
def editor_email_settings_panel(
    request: HttpRequest, user: object, profile: object
) -> admin_emails.EditorEmailSettingsPanel:
    return admin_emails.EditorEmailSettingsPanel(request, user, profile)


register_snippet(SupportServiceViewSet)


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
    actions.register_action(
        "consultations.view_identity",
        _("View identities"),
        _("Members' real names or contact details shown"),
    )
    actions.register_action("consultations.export", _("Export"), _("Spreadsheet downloaded"))
    actions.register_action(
        "consultations.unsubscribe", _("Unsubscribe"), _("Emails turned off from an email's link")
    )
    actions.register_action(
        "consultations.notification_retry", _("Send email again"), _("Email sent again")
    )
    actions.register_action(
        "consultations.invitation_expire",
        _("Delete unused invitation"),
        _("Invitation deleted: never accepted, past its retention period"),
    )
    actions.register_action(
        "consultations.late_contributions_delete",
        _("Delete late contributions"),
        _("Contributions that arrived as the member withdrew with deletion were deleted"),
    )
    actions.register_action(
        "consultations.round_retention_purge",
        _("Delete contributions past retention"),
        _("Comments and ratings deleted: past the retention period"),
    )


def _choice_label(choices: type[AnswerStatus] | type[EnteredVia], value: object) -> str:
    return str(dict(choices.choices).get(value, value or "-"))


def _pseudonym(member_id: object) -> str:
    # Her present pseudonym (a neutral label once she has withdrawn): the entry itself
    # keeps only her id.
    pseudonym = Member.objects.filter(pk=member_id).values_list("pseudonym", flat=True).first()
    # Translators: in the history, a member whose record is gone, by her member number.
    return pseudonym or gettext("member %(number)s") % {"number": member_id}


@hooks.register("register_log_actions")
def register_moderation_log_actions(actions: LogActionRegistry) -> None:
    actions.register_action(
        "consultations.comment_show", _("Show comment again"), _("Comment shown to members again")
    )

    @actions.register_action("consultations.comment_hide")
    class HideFormatter(LogFormatter):
        label = _("Hide comment")

        def format_message(self, log_entry: object) -> str:
            reason = log_entry.data.get("reason")
            if not reason:
                return gettext("Comment hidden from other members")
            return gettext("Comment hidden from other members: %(reason)s") % {"reason": reason}

    class AnswerFormatter(LogFormatter):
        answered = _("Comment answered")

        def format_message(self, log_entry: object) -> str:
            status = log_entry.data.get("status")
            if not status:
                return self.answered
            # Translators: a comment's answer in the history: "Comment answered: Accepted".
            return gettext("%(action)s: %(status)s") % {
                "action": self.answered,
                "status": _choice_label(AnswerStatus, status),
            }

    @actions.register_action("consultations.comment_answer")
    class FirstAnswerFormatter(AnswerFormatter):
        label = _("Answer comment")

    @actions.register_action("consultations.comment_answer_change")
    class ChangedAnswerFormatter(AnswerFormatter):
        label = _("Change answer")
        answered = _("Answer to the comment changed")

    @actions.register_action("consultations.comment_enter")
    class CommentEnterFormatter(LogFormatter):
        label = _("Enter comment for a member")

        def format_message(self, log_entry: object) -> str:
            if "member" not in log_entry.data:
                return gettext("Comment entered for a member")
            # Translators: "via" is how the member gave it (phone, meeting, writing).
            return gettext("Comment entered for %(member)s, who gave it by: %(via)s") % {
                "member": _pseudonym(log_entry.data["member"]),
                "via": _choice_label(EnteredVia, log_entry.data.get("via")).lower(),
            }

    @actions.register_action("consultations.ratings_enter")
    class RatingsEnterFormatter(LogFormatter):
        label = _("Enter ratings for a member")

        def format_message(self, log_entry: object) -> str:
            if "member" not in log_entry.data:
                return gettext("Ratings entered for a member")
            count = log_entry.data.get("ratings")
            values = {
                "member": _pseudonym(log_entry.data["member"]),
                "via": _choice_label(EnteredVia, log_entry.data.get("via")).lower(),
            }
            if not isinstance(count, int):
                message = gettext("Ratings entered for %(member)s, who gave them by: %(via)s")
                return message % values
            return ngettext(
                # Translators: "via" is how the member gave them (phone, meeting, writing).
                # The plural follows the count; the English says "ratings" for any count.
                "%(count)s ratings entered for %(member)s, who gave them by: %(via)s",
                "%(count)s ratings entered for %(member)s, who gave them by: %(via)s",
                count,
            ) % {"count": count, **values}


@hooks.register("register_log_actions")
def register_traceability_log_actions(actions: LogActionRegistry) -> None:
    class ChangeResponseFormatter(LogFormatter):
        message = ""

        def format_message(self, log_entry: object) -> str:
            comments = log_entry.data.get("comments") or []
            return self.message % {"comments": ", ".join(str(pk) for pk in comments) or "-"}

    @actions.register_action("consultations.change_link")
    class LinkFormatter(ChangeResponseFormatter):
        label = _("Link a change to comments")
        message = _("A changed requirement linked to earlier comments it answers: %(comments)s")

    @actions.register_action("consultations.change_unlink")
    class UnlinkFormatter(ChangeResponseFormatter):
        label = _("Unlink a change from comments")
        message = _("A changed requirement no longer linked to earlier comments: %(comments)s")


def deletion_refused(request: HttpRequest, pages: list[Page]) -> bool:
    """Members' comments and ratings are tied to the revisions a round pinned, so a page
    in a round, or above one, stays; unpublishing it hides it from readers instead."""
    rounds = list(rounds_covering(pages))
    if not rounds:
        return False
    # Translators: a name in quotation marks; use your language's quotation marks.
    titles = [pgettext("quoted name", "“%(name)s”") % {"name": round.title} for round in rounds]
    messages.error(
        request,
        gettext(
            "Nothing was deleted. %(rounds)s covers this page or a page below it, and "
            "members' comments and ratings are tied to it. Unpublish the page instead."
        )
        % {"rounds": ", ".join(titles)},
    )
    return True


@hooks.register("before_delete_page")
def refuse_to_delete_pages_in_rounds(request: HttpRequest, page: Page) -> HttpResponse | None:
    if deletion_refused(request, [page]):
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


def user_deletion_refused(request: HttpRequest, users: list) -> bool:
    """An account whose member has taken part stays: the study keeps what she wrote, under
    her pseudonym, and she leaves by withdrawing."""
    if not members_who_took_part(users):
        return False
    messages.error(
        request,
        gettext(
            "Nothing was deleted. An advisory member has taken part with this account, and "
            "the study keeps her comments and ratings. To stop her taking part, deactivate "
            "the account instead."
        ),
    )
    return True


@hooks.register("before_delete_user")
def refuse_to_delete_members_who_took_part(request: HttpRequest, user) -> HttpResponse | None:
    if user_deletion_refused(request, [user]):
        return redirect("wagtailusers_users:index")
    return None


@hooks.register("before_bulk_action")
def refuse_to_bulk_delete_what_rounds_hold(
    request: HttpRequest, action_type: str, objects: list, action_class_instance: object
) -> HttpResponse | None:
    if action_type != "delete" or not objects:
        return None
    pages = [page for page in objects if isinstance(page, Page)]
    if pages and deletion_refused(request, pages):
        return redirect("wagtailadmin_explore", pages[0].get_parent().pk)
    users = [user for user in objects if isinstance(user, get_user_model())]
    if users and user_deletion_refused(request, users):
        return redirect("wagtailusers_users:index")
    sites = [site for site in objects if isinstance(site, StudySite)]
    if sites and study_site_deletion_refused(request, sites):
        return redirect(StudySite.snippet_viewset.get_url_name("list"))
    return None
