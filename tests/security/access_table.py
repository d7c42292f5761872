"""The access matrix: every URL pattern of the project, and every page type Wagtail serves,
requested (GET) as every role, with the outcome declared for each.

How to add a URL
----------------
Add one line to ``ROWS``: the pattern's name (or, if it has none, its route; for a page
type, ``page:<app>.<Model>``, with ``:<route name>`` for a routable page's sub-route), the
path to request, and one outcome per role, in the order of the header comment. A path may
name objects of the cast in braces (``{shared_round}``, ``{su_comment}``, ``{summary}``...;
see ``ids`` in ``conftest.py``). A pattern may have several lines, one per case (her own
comment, another member's, a round she is not in). The test checks that each line's path
reaches the pattern it names.

A pattern without a line fails the test, with its name. Wagtail's own admin views are the
one family declared as a whole (``wagtail_admin_family``): anyone who is not an editor is
sent to the admin's sign-in, and editors meet no server error. The consultation admin
(rounds, members, invitations), our own admin views and every URL that can show a
member's identity or export data need lines of their own, with real ids.

The family is recognised by its views' module (``wagtail.``): a package's admin URLs, such
as wagtail-2fa's, and any view of ours need their own lines.

Outcomes: ``OK`` (200), ``E403``, ``E404``, ``E405``, ``E410``, ``E500``, ``SIGN_IN`` (a
redirect to the members' sign-in), ``ADMIN_IN`` (to the admin's sign-in), ``DENIED``
(Wagtail's admin refusing an editor a permission: a redirect to the admin's home, with a
message), ``to(path)`` (a redirect there), ``NO_5XX`` (any answer but a server error;
Wagtail's own admin only).

Each line is also a CSRF check (``test_csrf.py``): its path is posted to without a token as
every role that gets ``OK`` or ``E405`` here, and must be refused.
"""

from dataclasses import dataclass

from tests.security.conftest import MEMBER_ROLES, ROLES
from tests.security.matrix import NoServerError, Outcome, RedirectTo, Status, UrlPattern


@dataclass(frozen=True)
class Row:
    pattern: str
    path: str
    outcomes: tuple[Outcome, ...]


OK = Status("200", 200)
E403 = Status("403", 403)
E404 = Status("404", 404)
E405 = Status("405", 405)
E410 = Status("410", 410)
E500 = Status("500", 500)
SIGN_IN = RedirectTo("to the members' sign-in", "/accounts/login/")
ADMIN_IN = RedirectTo("to the admin's sign-in", "/admin/login/")
NO_5XX = NoServerError("not a server error")


def to(path: str) -> RedirectTo:
    return RedirectTo(f"to {path}", path)


def row(pattern: str, path: str, *outcomes: Outcome) -> Row:
    assert len(outcomes) == len(ROLES), f"{pattern}: one outcome per role, {len(ROLES)} in all"
    return Row(pattern, path, outcomes)


DASH = to("/consultations/")
ROUNDS = to("/admin/rounds/")
USERS = to("/admin/users/")
FOUND = to("/api/v2/pages/{summary}/")
# Wagtail's admin refuses an editor who lacks a permission by sending her to its home page
# with a message.
DENIED = HOME = to("/admin/")
INVITES = to("/admin/invitations/")
SITES = to("/admin/snippets/consultations/studysite/")

# fmt: off
ROWS = [
    #   pattern                       path                                                  anonymous service_user professional outsider withdrawn editor coordinator superuser
    # The public site
    row("search",                     "/search/?q=care",                                    OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("wagtailapi:pages:listing",   "/api/v2/pages/",                                     OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("wagtailapi:pages:detail",    "/api/v2/pages/{summary}/",                           OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("wagtailapi:pages:detail",    "/api/v2/pages/{section}/",                           E404,    E404,  E404,  E404,  E404,  E404,  E404,  E404),
    row("wagtailapi:pages:find",      "/api/v2/pages/find/?html_path={summary_path}",       FOUND,   FOUND, FOUND, FOUND, FOUND, FOUND, FOUND, FOUND),
    row("wagtailapi:pages:find",      "/api/v2/pages/find/?html_path={section_path}",       E404,    E404,  E404,  E404,  E404,  E404,  E404,  E404),
    row("wagtaildocs_serve",          "/documents/999999/missing.pdf",                      E404,    E404,  E404,  E404,  E404,  E404,  E404,  E404),
    row("wagtaildocs_authenticate_with_password", "/documents/authenticate_with_password/999999/", E404, E404, E404, E404, E404, E404, E404, E404),
    row("wagtailcore_authenticate_with_password", "/_util/authenticate_with_password/999999/{summary}/", E404, E404, E404, E404, E404, E404, E404, E404),
    row("wagtailcore_login",          "/_util/login/",                                      OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("wagtail_serve",              "{draft_path}",                                       E404,    E404,  E404,  E404,  E404,  E404,  E404,  E404),
    row("wagtail_serve",              "/no-such-page/",                                     E404,    E404,  E404,  E404,  E404,  E404,  E404,  E404),
    # Pages, one per page type
    row("page:home.HomePage",         "{home_path}",                                        OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("page:home.StandardPage",     "{standard_path}",                                    OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("page:evidence.EvidenceIndexPage", "{evidence_index_path}",                         OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("page:evidence.EvidenceIndexPage:csv", "{evidence_index_path}csv/",                 OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("page:evidence.EvidenceSummaryPage", "{summary_path}",                              OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("page:evidence.LayFindingsIndexPage", "{findings_index_path}",                      OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("page:evidence.LayFindingsPage", "{finding_path}",                                  OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # The draft framework is private to the research team (Editors and Moderators).
    row("page:evidence.FrameworkIndexPage", "{framework_path}",                             SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, OK, OK,  OK),
    row("page:evidence.FrameworkSectionPage", "{section_path}",                             SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, SIGN_IN, OK, OK,  OK),
    # Signing in and out, passwords
    row("login",                      "/accounts/login/",                                   OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("logout",                     "/accounts/logout/",                                  E405,    E405,  E405,  E405,  E405,  E405,  E405,  E405),
    row("password_change",            "/accounts/password/change/",                         SIGN_IN, OK,    OK,    OK,    OK,    E403,  E403,  E403),
    row("password_reset",             "/accounts/password/reset/",                          OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("password_reset_done",        "/accounts/password/reset/sent/",                     OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # Django swaps the token for a session key and sends her on, whoever follows the link.
    row("password_reset_confirm",     "/accounts/password/reset/{reset_uid}/{reset_token}/", *[to("/accounts/password/reset/{reset_uid}/set-password/")] * 8),
    row("password_reset_confirm",     "/accounts/password/reset/{reset_uid}/wrong-token/",  OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("password_reset_complete",    "/accounts/password/reset/complete/",                 OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # The members' pages
    row("consultations:dashboard",    "/consultations/",                                    SIGN_IN, OK,    OK,    OK,    OK,    E403,  E403,  E403),
    row("consultations:join",         "/consultations/join/{pending_token}/",               OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("consultations:join",         "/consultations/join/{expired_token}/",               E410,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("consultations:join",         "/consultations/join/{accepted_token}/",              E410,    OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("consultations:join",         "/consultations/join/not-a-token/",                   E404,    E404,  E404,  E404,  E404,  E404,  E404,  E404),
    row("consultations:profile",      "/consultations/profile/",                            SIGN_IN, OK,    OK,    OK,    OK,    E403,  E403,  E403),
    row("consultations:withdraw",     "/consultations/profile/withdraw/",                   SIGN_IN, OK,    OK,    OK,    DASH,  E403,  E403,  E403),
    row("consultations:round",        "/consultations/{shared_round}/",                     SIGN_IN, OK,    OK,    OK,    E404,  E403,  E403,  E403),
    row("consultations:round",        "/consultations/{su_round}/",                         SIGN_IN, OK,    E404,  E404,  E404,  E403,  E403,  E403),
    row("consultations:round",        "/consultations/{scheduled_round}/",                  SIGN_IN, E404,  E404,  E404,  E404,  E403,  E403,  E403),
    row("consultations:round",        "/consultations/{closed_round}/",                     SIGN_IN, OK,    OK,    OK,    E404,  E403,  E403,  E403),
    row("consultations:round",        "/consultations/999999/",                             SIGN_IN, E404,  E404,  E404,  E404,  E403,  E403,  E403),
    row("consultations:round_page",   "/consultations/{shared_round}/pages/{section}/",     SIGN_IN, OK,    OK,    OK,    E404,  E403,  E403,  E403),
    row("consultations:round_page",   "/consultations/{su_round}/pages/{section}/",         SIGN_IN, OK,    E404,  E404,  E404,  E403,  E403,  E403),
    row("consultations:round_page",   "/consultations/{scheduled_round}/pages/{section}/",  SIGN_IN, E404,  E404,  E404,  E404,  E403,  E403,  E403),
    row("consultations:round_page",   "/consultations/{closed_round}/pages/{section}/",     SIGN_IN, OK,    OK,    OK,    E404,  E403,  E403,  E403),
    row("consultations:round_page",   "/consultations/{shared_round}/pages/{summary}/",     SIGN_IN, E404,  E404,  E404,  E404,  E403,  E403,  E403),
    row("consultations:rate",         "/consultations/{shared_round}/pages/{section}/rate/", SIGN_IN, E405, E405,  E405,  E405,  E403,  E403,  E403),
    row("consultations:comment",      "/consultations/{shared_round}/pages/{section}/comment/", SIGN_IN, E405, E405, E405, E405, E403,  E403,  E403),
    row("consultations:comment_edit", "/consultations/{shared_round}/comments/{su_comment}/edit/", SIGN_IN, OK, E404, E404, E404, E403, E403,  E403),
    row("consultations:comment_edit", "/consultations/{shared_round}/comments/{pro_comment}/edit/", SIGN_IN, E404, OK, E404, E404, E403, E403,  E403),
    row("consultations:comment_edit", "/consultations/{su_round}/comments/{su_round_comment}/edit/", SIGN_IN, OK, E404, E404, E404, E403, E403, E403),
    row("consultations:comment_edit", "/consultations/{su_round}/comments/{su_comment}/edit/", SIGN_IN, E404, E404, E404, E404, E403, E403,  E403),
    row("consultations:comment_edit", "/consultations/{shared_round}/comments/{withdrawn_comment}/edit/", SIGN_IN, E404, E404, E404, E404, E403, E403, E403),
    row("consultations:comment_withdraw", "/consultations/{shared_round}/comments/{su_comment}/withdraw/", SIGN_IN, OK, E404, E404, E404, E403, E403, E403),
    row("consultations:comment_withdraw", "/consultations/{shared_round}/comments/{pro_comment}/withdraw/", SIGN_IN, E404, OK, E404, E404, E403, E403, E403),
    row("consultations:comment_withdraw", "/consultations/{su_round}/comments/{su_round_comment}/withdraw/", SIGN_IN, OK, E404, E404, E404, E403, E403, E403),
    row("consultations:comment_withdraw", "/consultations/{shared_round}/comments/{withdrawn_comment}/withdraw/", SIGN_IN, E404, E404, E404, E404, E403, E403, E403),
    # The group's results: once the round has closed (and if it shares them), for its audience
    row("consultations:results",      "/consultations/{closed_round}/results/",             SIGN_IN, OK,    OK,    OK,    E404,  E403,  E403,  E403),
    row("consultations:results",      "/consultations/{shared_round}/results/",             SIGN_IN, E404,  E404,  E404,  E404,  E403,  E403,  E403),
    row("consultations:results",      "/consultations/{scheduled_round}/results/",          SIGN_IN, E404,  E404,  E404,  E404,  E403,  E403,  E403),
    row("consultations:results",      "/consultations/999999/results/",                     SIGN_IN, E404,  E404,  E404,  E404,  E403,  E403,  E403),
    # "You said, we did": not published (404 for all), to the round's members, to everyone
    row("consultations:you_said_we_did", "/consultations/{shared_round}/you-said-we-did/", E404, E404, E404, E404, E404, E404, E404, E404),
    row("consultations:you_said_we_did", "/consultations/{su_round}/you-said-we-did/",    SIGN_IN, OK,   E404,  E404,  E404,  E403,  E403,  E403),
    row("consultations:you_said_we_did", "/consultations/{closed_round}/you-said-we-did/", OK,     OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("consultations:you_said_we_did", "/consultations/999999/you-said-we-did/",        E404,    E404,  E404,  E404,  E404,  E404,  E404,  E404),
    # Kept drafts: posted as she types (POST only); the view finds the round after the method check
    row("consultations:drafts",       "/consultations/{shared_round}/drafts/",              SIGN_IN, E405,  E405,  E405,  E405,  E403,  E403,  E403),
    # Turning an email off from its link: the signed token is the permission, for whoever
    # holds the email; without a good token, nothing.
    row("consultations:unsubscribe",  "/consultations/unsubscribe/{unsubscribe_token}/",    OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("consultations:unsubscribe",  "/consultations/unsubscribe/not-a-token/",            E404,    E404,  E404,  E404,  E404,  E404,  E404,  E404),
    # Support services: for anyone
    row("consultations:support",      "/consultations/support/",                            OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    # The consultation admin: rounds
    row("rounds:index",               "/admin/rounds/",                                     ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:index_results",       "/admin/rounds/results/",                             ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:add",                 "/admin/rounds/new/",                                 ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:edit",                "/admin/rounds/edit/{shared_round}/",                 ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:delete",              "/admin/rounds/delete/{shared_round}/",               ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ROUNDS, ROUNDS, ROUNDS),
    row("rounds:delete",              "/admin/rounds/delete/{scheduled_round}/",            ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:history",             "/admin/rounds/history/{shared_round}/",              ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:history_results",     "/admin/rounds/history-results/{shared_round}/",      ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:usage",               "/admin/rounds/usage/{shared_round}/",                ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:inspect",             "/admin/rounds/inspect/{shared_round}/",              ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    # Moderation: every editor moderates, answers and enters for members, by pseudonym
    row("rounds:moderation",          "/admin/rounds/moderation/{shared_round}/",           ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:moderation",          "/admin/rounds/moderation/999999/",                   ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E404, E404, E404),
    row("rounds:moderation_results",  "/admin/rounds/moderation-results/{shared_round}/",   ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:answer",              "/admin/rounds/answer/{su_comment}/",                 ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:answer",              "/admin/rounds/answer/999999/",                       ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E404, E404, E404),
    row("rounds:hide",                "/admin/rounds/hide/{su_comment}/",                   ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    # A comment that is not hidden has nothing to show again: back to its round's queue.
    row("rounds:show",                "/admin/rounds/show/{su_comment}/",                   ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, *[to("/admin/rounds/moderation/{shared_round}/")] * 3),
    row("rounds:enter",               "/admin/rounds/enter/{shared_round}/",                ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:enter",               "/admin/rounds/enter/{shared_round}/?member={service_user}&page={section}&kind=ratings", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:changes",             "/admin/rounds/changes/{shared_round}/",              ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:changes",             "/admin/rounds/changes/999999/",                      ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E404, E404, E404),
    # Results: every editor who can see rounds; counts only, nobody named
    row("rounds:results",             "/admin/rounds/results/{shared_round}/",              ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:results",             "/admin/rounds/results/{closed_round}/?sort=-consensus", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:results",             "/admin/rounds/results/999999/",                      ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E404, E404, E404),
    # Response rates and the consultation report: counts only, for every editor who views rounds
    row("rounds:participation",       "/admin/rounds/participation/{shared_round}/",        ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:participation",       "/admin/rounds/participation/{closed_round}/",        ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:participation",       "/admin/rounds/participation/999999/",                ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E404, E404, E404),
    row("rounds:report",              "/admin/rounds/report/{shared_round}/",               ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:report",              "/admin/rounds/report/999999/",                       ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E404, E404, E404),
    row("rounds:report_csv",          "/admin/rounds/report-csv/{shared_round}/",           ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:report_csv",          "/admin/rounds/report-csv/999999/",                   ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E404, E404, E404),
    # Exports of a round: for every editor by pseudonym or study id; real names only with the
    # identity permission, and a crafted request for them is refused outright
    row("rounds:export",              "/admin/rounds/export/{shared_round}/",               ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:export",              "/admin/rounds/export/{shared_round}/?dataset=comments&format=csv&identity=pseudonym", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:export",              "/admin/rounds/export/{shared_round}/?dataset=ratings&format=xlsx&identity=study_id", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:export",              "/admin/rounds/export/{shared_round}/?dataset=comments&format=csv&identity=real_names", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E403, OK, OK),
    row("rounds:export",              "/admin/rounds/export/{shared_round}/?dataset=ratings&format=xlsx&identity=real_names", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E403, OK, OK),
    row("rounds:export",              "/admin/rounds/export/999999/",                       ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E404, E404, E404),
    # The admin preview of "you said, we did", whatever its publication state
    row("rounds:you_said_we_did",     "/admin/rounds/you-said-we-did/{shared_round}/",      ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:you_said_we_did",     "/admin/rounds/you-said-we-did/{closed_round}/",      ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("rounds:you_said_we_did",     "/admin/rounds/you-said-we-did/999999/",              ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E404, E404, E404),
    # Members: nobody adds or deletes one; only coordinators change one
    row("members:index",              "/admin/members/",                                    ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("members:index_results",      "/admin/members/results/",                            ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("members:add",                "/admin/members/new/",                                ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, DENIED),
    row("members:edit",               "/admin/members/edit/{service_user}/",                ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    row("members:delete",             "/admin/members/delete/{service_user}/",              ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, DENIED),
    row("members:history",            "/admin/members/history/{service_user}/",             ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    row("members:history_results",    "/admin/members/history-results/{service_user}/",     ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    row("members:usage",              "/admin/members/usage/{service_user}/",               ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    # Withdrawing a member who asked by phone: matching her to the record takes the identity permission
    row("members:withdraw",           "/admin/members/withdraw/{service_user}/",            ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    row("members:withdraw",           "/admin/members/withdraw/{withdrawn}/",               ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    # Invitations: for those who may see who is invited
    row("invitations:index",          "/admin/invitations/",                                ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    row("invitations:index_results",  "/admin/invitations/results/",                        ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    row("invitations:add",            "/admin/invitations/new/",                            ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    row("invitations:edit",           "/admin/invitations/edit/{pending_invitation}/",      ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    row("invitations:edit",           "/admin/invitations/edit/{accepted_invitation}/",     ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, INVITES, INVITES),
    row("invitations:delete",         "/admin/invitations/delete/{pending_invitation}/",    ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, OK),
    row("invitations:delete",         "/admin/invitations/delete/{accepted_invitation}/",   ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, INVITES),
    row("invitations:history",        "/admin/invitations/history/{accepted_invitation}/",  ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    row("invitations:history_results", "/admin/invitations/history-results/{accepted_invitation}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    row("invitations:usage",          "/admin/invitations/usage/{accepted_invitation}/",    ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    row("invitations:renew",          "/admin/invitations/renew/{expired_invitation}/",     ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, OK, OK),
    row("invitations:renew",          "/admin/invitations/renew/{accepted_invitation}/",    ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, INVITES, INVITES),
    # Support services (a snippet): the research team keeps the list
    row("wagtailsnippets_consultations_supportservice:list", "/admin/snippets/consultations/supportservice/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_supportservice:list_results", "/admin/snippets/consultations/supportservice/results/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_supportservice:add", "/admin/snippets/consultations/supportservice/add/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_supportservice:edit", "/admin/snippets/consultations/supportservice/edit/{support_service}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_supportservice:delete", "/admin/snippets/consultations/supportservice/delete/{support_service}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_supportservice:usage", "/admin/snippets/consultations/supportservice/usage/{support_service}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_supportservice:history", "/admin/snippets/consultations/supportservice/history/{support_service}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_supportservice:history_results", "/admin/snippets/consultations/supportservice/history-results/{support_service}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippetchoosers_consultations_supportservice:choose", "/admin/snippets/choose/consultations/supportservice/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippetchoosers_consultations_supportservice:choose_results", "/admin/snippets/choose/consultations/supportservice/results/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippetchoosers_consultations_supportservice:chosen", "/admin/snippets/choose/consultations/supportservice/chosen/{support_service}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippetchoosers_consultations_supportservice:chosen_multiple", "/admin/snippets/choose/consultations/supportservice/chosen-multiple/?id={support_service}", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippetchoosers_consultations_supportservice:create", "/admin/snippets/choose/consultations/supportservice/create/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    # Study sites (a snippet in the Consultations menu): the research team keeps the list.
    # Its pages name sites, never who is at one; a site in use is not deleted.
    row("wagtailsnippets_consultations_studysite:list", "/admin/snippets/consultations/studysite/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_studysite:list_results", "/admin/snippets/consultations/studysite/results/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_studysite:add", "/admin/snippets/consultations/studysite/add/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_studysite:edit", "/admin/snippets/consultations/studysite/edit/{study_site}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_studysite:delete", "/admin/snippets/consultations/studysite/delete/{study_site}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, SITES, SITES, SITES),
    row("wagtailsnippets_consultations_studysite:delete", "/admin/snippets/consultations/studysite/delete/{spare_study_site}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_studysite:usage", "/admin/snippets/consultations/studysite/usage/{study_site}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_studysite:history", "/admin/snippets/consultations/studysite/history/{study_site}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippets_consultations_studysite:history_results", "/admin/snippets/consultations/studysite/history-results/{study_site}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippetchoosers_consultations_studysite:choose", "/admin/snippets/choose/consultations/studysite/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippetchoosers_consultations_studysite:choose_results", "/admin/snippets/choose/consultations/studysite/results/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippetchoosers_consultations_studysite:chosen", "/admin/snippets/choose/consultations/studysite/chosen/{study_site}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippetchoosers_consultations_studysite:chosen_multiple", "/admin/snippets/choose/consultations/studysite/chosen-multiple/?id={study_site}", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailsnippetchoosers_consultations_studysite:create", "/admin/snippets/choose/consultations/studysite/create/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    # Our other admin views
    row("evidence_import",            "/admin/evidence/import/",                            ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("evidence_lay_text_readability", "/admin/evidence/lay-text-readability/evidencesummarypage/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E405, E405, E405),
    # Wagtail's admin views that show members' accounts (real names, emails) or export
    row("wagtailusers_users:index",   "/admin/users/",                                      ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, OK),
    row("wagtailusers_users:index",   "/admin/users/?export=csv",                           ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, OK),
    row("wagtailusers_users:index_results", "/admin/users/results/",                        ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, OK),
    row("wagtailusers_users:edit",    "/admin/users/edit/{service_user_user}/",             ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, OK),
    row("wagtailusers_users:add",     "/admin/users/new/",                                  ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, OK),
    # She took part, so her account stays (deactivate it instead).
    row("wagtailusers_users:delete",  "/admin/users/delete/{service_user_user}/",           ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, USERS),
    row("wagtailusers_users:history", "/admin/users/history/{service_user_user}/",          ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, OK),
    row("wagtailusers_users:history_results", "/admin/users/history-results/{service_user_user}/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, OK),
    row("wagtailusers_users:usage",   "/admin/users/usage/{service_user_user}/",            ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, OK),
    row("wagtailusers_users:copy",    "/admin/users/copy/{service_user_user}/",             ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, USERS),
    row("wagtailadmin_reports:site_history", "/admin/reports/site-history/",                ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailadmin_reports:site_history", "/admin/reports/site-history/?export=csv",     ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailadmin_reports:site_history_results", "/admin/reports/site-history/results/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    # Translations out of date: page titles and languages only, for anyone in the admin.
    row("cms_translations_out_of_date", "/admin/reports/translations-out-of-date/",      ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("cms_translations_out_of_date_results", "/admin/reports/translations-out-of-date/results/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    # Emails not sent: for those who moderate comments (every editor); pseudonyms, never
    # addresses. Sending one again is a POST.
    row("consultations_emails_not_sent", "/admin/reports/emails-not-sent/",                ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("consultations_emails_not_sent_results", "/admin/reports/emails-not-sent/results/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("consultations_email_send_again", "/admin/reports/emails-not-sent/999999/send-again/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E405, E405, E405),
    # Two-factor sign-in (cms/two_factor.py, wagtail-2fa's views): her own devices; only a
    # superuser sees or removes another account's. The QR code exists only while she sets
    # up a device, so its line comes before the set-up page's, which starts one.
    row("wagtail_2fa_auth",           "/admin/2fa/auth",                                    ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtail_2fa_device_list",    "/admin/2fa/devices/{service_user_user}",             ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, DENIED, DENIED, OK),
    row("wagtail_2fa_device_qrcode",  "/admin/2fa/devices/qr-code",                         ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E404, E404, E404),
    row("wagtail_2fa_device_new",     "/admin/2fa/devices/new",                             ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtail_2fa_device_update",  "/admin/2fa/devices/999999/update",                   ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E404, E404, E404),
    row("wagtail_2fa_device_remove",  "/admin/2fa/devices/999999/remove",                   ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E404, E404, E404),
    # Wagtail's admin pages open to all, and its patterns that take a regex
    row("wagtailadmin_login",         "/admin/login/",                                      OK,      OK,    OK,    OK,    OK,    HOME,  HOME,  HOME),
    row("wagtailadmin_password_reset", "/admin/password_reset/",                            OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("wagtailadmin_password_reset_done", "/admin/password_reset/done/",                  OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("wagtailadmin_password_reset_confirm", "/admin/password_reset/confirm/{reset_uid}/wrong-token/", OK, OK, OK, OK, OK, OK, OK, OK),
    row("wagtailadmin_password_reset_complete", "/admin/password_reset/complete/",          OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("wagtailadmin_javascript_catalog", "/admin/jsi18n/",                                OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("wagtail_localize:javascript_catalog", "/admin/localize/jsi18n/",                  ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("wagtailadmin_error_test",    "/admin/failwhale/",                                  ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E500, E500, E500),
    row("wagtailadmin_pages:revisions_compare", "/admin/pages/{section}/revisions/compare/earliest...latest/", ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK, OK, OK),
    row("admin/test404/",             "/admin/test404/",                                    ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, OK,    OK,    OK),
    row("wagtailadmin_sprite",        "/admin/sprite/",                                     OK,      OK,    OK,    OK,    OK,    OK,    OK,    OK),
    row("admin/.*/$",                 "/admin/no-such-view/",                                ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, ADMIN_IN, E404, E404, E404),
]
# fmt: on

# The consultation admin, our own admin views, and Wagtail's that can show a member's
# identity: each needs lines of its own, not the family's rule.
OWN_ADMIN_NAMESPACES = {"rounds", "members", "invitations"}
IDENTITY_NAMESPACES = {"wagtailusers_users"}


def wagtail_admin_family(pattern: UrlPattern) -> tuple[Outcome, ...] | None:
    """Wagtail's own admin (and wagtail-localize's): only editors get in, and none of its
    views breaks for them."""
    if (
        pattern.route.startswith("admin/")
        # wagtail-localize's views (translating pages, PO files, locales) are registered
        # as Wagtail's admin views are, behind its sign-in, and show only page content.
        and pattern.lookup.startswith(("wagtail.", "wagtail_localize."))
        and pattern.namespace not in OWN_ADMIN_NAMESPACES | IDENTITY_NAMESPACES
        # Wagtail's generic views showing the consultation plugin's models (where members
        # and what they wrote live) are ours to declare, whatever their code.
        and pattern.app_label != "consultations"
    ):
        return tuple(
            ADMIN_IN if role == "anonymous" or role in MEMBER_ROLES else NO_5XX for role in ROLES
        )
    return None
