"""The alerts list and acknowledging an alert with an action note."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect, render

from carepath.access.guards import patient_view
from carepath.access.policy import visible_patients
from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.patients.models import Patient
from carepath.patients.views import TABS

from . import actions
from .models import Alert


def open_alerts_for(user, limit: int = 50) -> list[Alert]:
    """Open alerts on patients this user may list, escalated and oldest first."""
    patients = visible_patients(user, Patient.objects.all()).values("pk")
    return list(Alert.objects.open().filter(patient_id__in=patients)
                .select_related("patient")
                .order_by(F("escalated_at").asc(nulls_last=True), "raised_at")[:limit])


@login_required
def alert_list(request):
    if request.user.account_type != AccountType.STAFF:
        raise PermissionDenied
    alerts = open_alerts_for(request.user, limit=200)
    audit.record_list(audit.Context.from_request(request), "alerts.alert",
                      [a.patient.uuid for a in alerts])
    return render(request, "alerts/list.html", {"alerts": alerts})


@patient_view("alerts.alert")
def alert_detail(request, patient, alert_id):
    alert = Alert.objects.select_related("acknowledged_by").filter(
        uuid=alert_id, patient=patient).first()
    if alert is None:
        raise Http404("No such alert")
    if request.user.account_type != AccountType.STAFF:
        raise PermissionDenied
    errors = {}
    note = ""
    if request.method == "POST":
        note = request.POST.get("action_note", "")
        try:
            actions.acknowledge(audit.Context.from_request(request), alert, note)
        except ValidationError as exc:
            errors = exc.message_dict
        except PermissionDenied as exc:
            errors = {"action_note": [str(exc)]}
        else:
            messages.success(request, "Alert acknowledged. Your note is on the record.")
            return redirect("alerts:detail", patient_id=patient.uuid, alert_id=alert.uuid)
    return render(request, "alerts/detail.html", {
        "patient": patient, "alert": alert, "errors": errors, "note": note, "tabs": TABS,
        "tab": "measures", "min_note": actions.MIN_NOTE_LENGTH,
        "access": getattr(request, "patient_access", None)}, status=400 if errors else 200)
