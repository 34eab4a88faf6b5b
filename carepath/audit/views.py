"""The audit report for supervisors and administrators, with CSV export.

Filters are posted and kept in the session: an MRN must not sit in a URL.
"""

import csv
from datetime import datetime, time

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from carepath.access.policy import may_read_audit_report
from carepath.pagination import paginate
from carepath.patients.models import Patient

from . import log as audit
from .forms import AuditFilterForm
from .models import Action, AuditEvent, Outcome

FILTER_KEY = "audit_report_filters"
CSV_COLUMNS = ["seq", "occurred_at", "actor_username", "actor_role", "action", "outcome",
               "patient_uuid", "object_type", "object_id", "client_address", "purpose", "hash"]


def _events(user, filters: dict):
    events = AuditEvent.objects.all()
    if user.organisation_id:
        # Events by this organisation's users, or about its patients.
        org_patients = Patient.objects.filter(organisation_id=user.organisation_id).values("uuid")
        events = events.filter(Q(actor__organisation_id=user.organisation_id)
                               | Q(patient_uuid__in=org_patients))
    if filters.get("username"):
        events = events.filter(actor_username=filters["username"])
    if filters.get("mrn"):
        uuid = Patient.objects.filter(organisation_id=user.organisation_id,
                                      mrn=filters["mrn"].strip().upper()).values("uuid")
        events = events.filter(patient_uuid__in=uuid)
    tz = timezone.get_current_timezone()
    if filters.get("date_from"):
        start = datetime.combine(datetime.fromisoformat(filters["date_from"]).date(), time.min)
        events = events.filter(occurred_at__gte=timezone.make_aware(start, tz))
    if filters.get("date_to"):
        end = datetime.combine(datetime.fromisoformat(filters["date_to"]).date(), time.max)
        events = events.filter(occurred_at__lte=timezone.make_aware(end, tz))
    if filters.get("action"):
        events = events.filter(action=filters["action"])
    if filters.get("denied_only"):
        events = events.filter(outcome=Outcome.DENIED)
    return events.order_by("-seq")


def _require(request):
    if not may_read_audit_report(request.user):
        raise PermissionDenied


@login_required
def report(request):
    _require(request)
    if request.method == "POST":
        form = AuditFilterForm(request.POST)
        if form.is_valid():
            request.session[FILTER_KEY] = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                           for k, v in form.cleaned_data.items()}
            return redirect("audit:report")
    else:
        form = AuditFilterForm(initial=request.session.get(FILTER_KEY, {}))
    filters = request.session.get(FILTER_KEY, {})
    page = paginate(_events(request.user, filters), request.GET.get("page"), 50)
    audit.record(audit.Context.from_request(request), Action.READ, object_type="audit_report",
                 details={"filters": sorted(k for k, v in filters.items() if v)})
    return render(request, "audit/report.html", {"form": form, "page": page,
                                                 "query_prefix": ""})


class _Echo:
    def write(self, value):
        return value


@login_required
def report_csv(request):
    _require(request)
    filters = request.session.get(FILTER_KEY, {})
    events = _events(request.user, filters)
    audit.record(audit.Context.from_request(request), Action.EXPORT, object_type="audit_report",
                 details={"filters": sorted(k for k, v in filters.items() if v)})
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for event in events.iterator(chunk_size=2000):
            yield writer.writerow([getattr(event, c) for c in CSV_COLUMNS])

    response = StreamingHttpResponse(rows(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="carepath-audit.csv"'
    return response
