"""Risk signals for staff: the rules with their explanations and sources, and one
person's signals with what became of each outreach task. Thin: read and render."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from carepath.access.guards import patient_view
from carepath.accounts.models import AccountType
from carepath.pagination import paginate
from carepath.patients.views import _render_chart
from carepath.treatment.models import OutreachTask, OutreachUrgency

from . import risk_rules
from .models import RiskSignal
from .scan import last_finished_scan

OBJECT_TYPE = "recovery.risksignal"
TAB = "recovery"
PAGE_SIZE = 25
STALE_HOURS = 36


def _staff(user) -> bool:
    return user.account_type == AccountType.STAFF


@login_required
def risk_rules_page(request):
    """Reference for staff: no patient data, so nothing to audit."""
    if not _staff(request.user):
        raise PermissionDenied
    last = last_finished_scan()
    stale = last is None or timezone.now() - last.finished_at > timedelta(hours=STALE_HOURS)
    rows = [{"rule": rule, "threshold": rule.threshold(),
             "urgency": OutreachUrgency(rule.urgency).label}
            for rule in sorted(risk_rules.RULES.values(), key=lambda r: (r.urgency, r.title))]
    return render(request, "recovery/signals/rules.html",
                  {"rows": rows, "last_scan": last, "stale": stale,
                   "stale_hours": STALE_HOURS})


@login_required
@patient_view(OBJECT_TYPE)
def patient_signals(request, patient):
    if not _staff(request.user):
        # The care team's working list; the person's own record is in their portal.
        return _render_chart(request, patient, TAB, "recovery/signals/patient_signals.html",
                             {"patient_account": True})
    page = paginate(RiskSignal.objects.filter(patient=patient).order_by("-detected_at", "-pk"),
                    request.GET.get("page"), PAGE_SIZE)
    tasks = {t.uuid: t for t in OutreachTask.objects.filter(
        patient=patient, uuid__in=[s.outreach_uuid for s in page if s.outreach_uuid])}
    rows = [{"signal": s, "rule": risk_rules.RULES.get(s.rule),
             "urgency": OutreachUrgency(s.urgency).label if s.urgency in OutreachUrgency.values
             else s.urgency,
             "task": tasks.get(s.outreach_uuid),
             "linked": s.outreach_uuid in tasks and tasks[s.outreach_uuid].source_uuid != s.uuid}
            for s in page]
    return _render_chart(request, patient, TAB, "recovery/signals/patient_signals.html",
                         {"page": page, "rows": rows})
