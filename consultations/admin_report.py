"""The research team's views of a round's response rates and of the whole consultation's
report, on screen, in print and as CSV. Counts only: nothing here names a member or her
site, so every editor who may view rounds may see them."""

import csv
import io
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from cms.spreadsheets import spreadsheet_text
from consultations.admin_round_views import RoundAdminView
from consultations.models import Round
from consultations.participation import round_participation
from consultations.report import ConsultationReport, ItemStep, consultation_report

EM_DASH = "—"


class ParticipationView(RoundAdminView):
    template_name = "consultations/admin/round_participation.html"
    page_title = gettext_lazy("Response rates")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            participation=round_participation(self.object),
            report_url=reverse("rounds:report", args=[self.object.pk]),
        )
        return context


class ReportView(RoundAdminView):
    template_name = "consultations/admin/round_report.html"
    page_title = gettext_lazy("Consultation report")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            report=consultation_report(self.object),
            csv_url=reverse("rounds:report_csv", args=[self.object.pk]),
            made_at=timezone.now(),
        )
        return context


def _when(value: Any) -> str:
    """Local time with its offset from UTC, so a reader elsewhere is not misled."""
    return date_format(timezone.localtime(value), "Y-m-d H:i O")


def report_rows(report: ConsultationReport) -> list[list[str]]:
    """The report as spreadsheet rows: the rule, the rounds with their numbers, then each
    item across the rounds, each part after a blank row."""
    constituencies = report.constituencies
    rows: list[list[str]] = [
        [_("Consultation report"), str(report.round)],
        [_("Consensus rule"), report.consensus_rule],
        [_("Consensus threshold (%)"), str(report.threshold)],
        [_("Bottom limit (%)"), str(report.bottom_limit)],
        [],
        [
            _("Round"),
            _("Opens"),
            _("Closes"),
            _("Status"),
            _("Audience"),
            _("Consensus threshold (%)"),
            _("Bottom limit (%)"),
            *(
                heading
                for label in constituencies
                for heading in (
                    _("%(group)s invited") % {"group": label},
                    _("%(group)s responded") % {"group": label},
                )
            ),
            _("Items"),
            _("Added"),
            _("Reworded"),
            _("Removed"),
            _("Unchanged"),
            _("Consensus to include"),
            _("Consensus to exclude"),
        ],
    ]
    for summary in report.rounds:
        turnout = [
            value
            for group in summary.turnout
            for value in (
                (EM_DASH, EM_DASH) if group is None else (group.invited, group.responded)
            )
        ]
        rows.append(
            [
                str(summary.round),
                _when(summary.round.opens_at),
                _when(summary.round.closes_at),
                str(summary.round.status.label),
                summary.round.get_audience_display(),
                str(summary.threshold),
                str(summary.bottom_limit),
                *(str(value) for value in turnout),
                str(summary.items),
                str(summary.added),
                str(summary.reworded),
                str(summary.removed),
                str(summary.unchanged),
                str(summary.consensus_in),
                str(summary.consensus_out),
            ]
        )
    rows += [[], [_("Page"), _("Item"), *(str(s.round) for s in report.rounds)]]
    for flow in report.items:
        rows.append(
            [
                flow.page_title,
                flow.text,
                *(_flow_cell(step) for step in flow.steps),
            ]
        )
    return rows


def _flow_cell(step: ItemStep | None) -> str:
    """An item in one round: "3.2 (reworded; Consensus to include)", "removed", or blank."""
    if step is None:
        return ""
    what = "; ".join(part for part in (str(step.label), step.consensus_label) if part)
    if not step.number:
        return what
    # Translators: an item's number in a round, then what became of it: "3.2 (reworded)".
    return _("%(number)s (%(what)s)") % {"number": step.number, "what": what}


class ReportCSVView(PermissionCheckedMixin, View):
    """The report as CSV: small, so written at once; the export middleware logs it."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        round = get_object_or_404(Round, pk=pk)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in report_rows(consultation_report(round)):
            writer.writerow([spreadsheet_text(cell) for cell in row])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        filename = f"consultation-report-{slugify(round.title) or round.pk}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
