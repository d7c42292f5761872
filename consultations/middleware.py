"""Every spreadsheet the research team downloads is in the audit log."""

from collections.abc import Callable
from email.message import Message

from django.http import HttpRequest, HttpResponseBase

from consultations.services import export_log

SPREADSHEET_TYPES = frozenset(
    {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
)
# A view sets this attribute on a response whose file names members (real names, email
# addresses, sites): the export entry then says so.
CARRIES_IDENTITIES = "export_carries_identities"
# Uploaded documents are files the team put on the site, not exports of its data.
NOT_EXPORTS = frozenset({"wagtaildocs_serve"})


class ExportAuditMiddleware:
    """Logs each spreadsheet download by someone who may use the admin: Wagtail's report
    and listing exports and the evidence CSV alike, however they are reached.

    Downloads by the public and by members are not logged: the only spreadsheet open to
    them is the published evidence table, with nothing personal in it, and an entry per
    anonymous download would let anyone flood the log, while a member's entry would put
    her account in it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        filename = spreadsheet_filename(response)
        if (
            filename
            and response.status_code == 200
            and getattr(request.resolver_match, "url_name", None) not in NOT_EXPORTS
            and request.user.is_authenticated
            and request.user.has_perm("wagtailadmin.access_admin")
        ):
            export_log(
                user=request.user,
                filename=filename,
                path=request.path,
                identities=getattr(response, CARRIES_IDENTITIES, False),
            )
        return response


def spreadsheet_filename(response: HttpResponseBase) -> str | None:
    """The file name of a spreadsheet sent as a download, or None for anything else."""
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    disposition = response.get("Content-Disposition", "")
    if content_type not in SPREADSHEET_TYPES or not disposition.startswith("attachment"):
        return None
    header = Message()
    header["Content-Disposition"] = disposition
    return header.get_filename() or "download"
