"""Contingency-management reports: earnings, negative-screen rates and cost per negative
screen by programme (counts and money only: no one is named), and one patient's history
chart on their record."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from carepath.access.guards import patient_view
from carepath.access.policy import may_read_cm_report
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.views import _render_chart

from . import charts, queries_reports

REPORT_OBJECT = "incentives.report"
HISTORY_OBJECT = "incentives.reward_history"
MAX_DAYS = 3 * 366  # a CarePath design choice: a report covers at most about three years


def _parse(request, name: str, label: str, default: date, errors: dict) -> date:
    value = (request.GET.get(name) or "").strip()
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = f"Enter the “{label}” date as a date, for example {default:%Y-%m-%d}."
        return default


def _range(request, today: date) -> tuple[date, date, dict]:
    default_since, default_until = queries_reports.default_range(today)
    errors: dict = {}
    since = _parse(request, "from", "From", default_since, errors)
    until = _parse(request, "to", "To", default_until, errors)
    if not errors and since > until:
        errors["to"] = "The “To” date must be on or after the “From” date."
    elif not errors and (until - since).days > MAX_DAYS:
        errors["from"] = "A report covers at most three years: choose a later “From” date."
    if errors:
        since, until = default_since, default_until
    return since, until, errors


@login_required
def reports(request):
    ctx = audit.Context.from_request(request)
    if not may_read_cm_report(request.user):
        audit.denied(ctx, object_type=REPORT_OBJECT, reason="role_may_not_read_cm_report")
        raise PermissionDenied
    org = request.user.organisation
    today = timezone.localdate(timezone=ZoneInfo(org.time_zone or "UTC"))
    since, until, errors = _range(request, today)
    report = queries_reports.cm_report(org, since, until)
    as_csv = request.GET.get("format") == "csv" and not errors
    audit.record(ctx, Action.EXPORT if as_csv else Action.READ, object_type=REPORT_OBJECT,
                 details={"from": since.isoformat(), "to": until.isoformat(),
                          "programmes": len(report.lines)})
    if as_csv:
        return _csv(report)
    return render(request, "incentives/reports/report.html", {
        "report": report, "errors": errors,
        "typed": {"from": request.GET.get("from", ""), "to": request.GET.get("to", "")},
        "csv_query": f"from={since.isoformat()}&to={until.isoformat()}&format=csv",
    }, status=400 if errors else 200)


def _money(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _csv(report) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="cm-by-programme-{report.since}-{report.until}.csv"')
    writer = csv.writer(response)
    writer.writerow(["programme", "patients_enrolled", "screens", "negative_screens",
                     "negative_rate_percent", f"earned_{report.currency}",
                     f"redeemed_{report.currency}",
                     f"cost_per_negative_screen_{report.currency}"])
    for line in [*report.lines, report.total]:
        writer.writerow([line.programme, line.patients, line.screens, line.negatives,
                         "" if line.negative_rate is None else f"{line.negative_rate}",
                         _money(line.earned), _money(line.redeemed),
                         _money(line.cost_per_negative)])
    return response


@login_required
@patient_view(HISTORY_OBJECT)
def reward_history(request, patient):
    access = getattr(request, "patient_access", None)
    if access is not None and access.basis == "own_record":
        return redirect("incentives:my_rewards")  # the staff chart is not the portal
    days = charts.days_choice(request.GET.get("days"))
    tz = ZoneInfo(patient.organisation.time_zone or "UTC")
    until = timezone.localdate(timezone=tz)
    since = until - timedelta(days=days - 1)
    history = queries_reports.patient_history(patient, since, until)
    closing = history.money[-1] if history.money else history.opening
    return _render_chart(request, patient, "rewards", "incentives/reports/history.html", {
        "days": days, "day_choices": charts.DAY_CHOICES, "since": since, "until": until,
        "history": history, "closing": closing, "spec": charts.spec(history, since, until),
        "outcome_labels": charts.OUTCOME_LABELS})
