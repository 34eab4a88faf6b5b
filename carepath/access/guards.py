"""The one gate in front of every patient-scoped view and API route.

``patient_view`` (HTML) and ``guard_patient`` (API) load the patient by UUID,
ask the policy, audit the outcome (a refusal too) and hand the view the patient.
A test walks every URL pattern and fails if a patient-scoped route lacks this.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import Patient

from .policy import Decision, may_break_glass, patient_access, patient_change_access

GUARD_ATTRIBUTE = "carepath_patient_guard"


class AccessRefused(Exception):
    def __init__(self, patient, decision: Decision):
        super().__init__(decision.basis)
        self.patient = patient
        self.decision = decision


CHANGE_REFUSED = "You do not have access to change this record."


def require_change(ctx: audit.Context, patient, object_type: str, *,
                   decision: Decision | None = None, message: str = CHANGE_REFUSED) -> Decision:
    """The actions' gate: the change decision (or one the caller already made, e.g. a
    role-specific one), a refusal audited and raised as PermissionDenied."""
    if decision is None:
        decision = patient_change_access(ctx.user, patient)
    if not decision:
        audit.denied(ctx, patient=patient, object_type=object_type, reason=decision.basis)
        raise PermissionDenied(message)
    return decision


def _load(patient_id) -> Patient:
    try:
        return Patient.objects.select_related("organisation").get(uuid=patient_id)
    except (Patient.DoesNotExist, ValueError, TypeError):
        raise Http404("No such record") from None


def check_patient(ctx: audit.Context, patient_id, *, object_type="patients.patient",
                  audit_read=True, action=Action.READ) -> tuple[Patient, Decision]:
    """Load, decide, audit. Raises Http404 or AccessRefused (already audited)."""
    patient = _load(patient_id)
    decision = patient_access(ctx.user, patient)
    if not decision:
        audit.denied(ctx, patient=patient, object_type=object_type, reason=decision.basis)
        raise AccessRefused(patient, decision)
    if audit_read:
        purpose = decision.grant.reason if decision.grant else ""
        audit.record(ctx, action, patient=patient, object_type=object_type,
                     purpose=purpose, details={"basis": decision.basis})
    return patient, decision


def api_patient(request, patient_id, *, object_type="patients.patient",
                audit_read=True) -> Patient:
    """The API's gate: like ``check_patient`` with the API's context; a refusal becomes
    PermissionDenied, which the API answers with 403."""
    try:
        patient, _ = check_patient(audit.Context.from_request(request, via="api"), patient_id,
                                   object_type=object_type, audit_read=audit_read)
    except AccessRefused:
        raise PermissionDenied("You do not have access to this patient's record.") from None
    return patient


def patient_view(object_type: str = "patients.patient", action: str = Action.READ):
    """Decorate a view taking ``patient_id``; it receives ``patient`` instead.

    GETs are audited here (as reads, or ``action``); writes by the action they call.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, patient_id, *args, **kwargs):
            ctx = audit.Context.from_request(request)
            try:
                patient, decision = check_patient(
                    ctx, patient_id, object_type=object_type, action=action,
                    audit_read=request.method in ("GET", "HEAD"))
            except AccessRefused as refused:
                if may_break_glass(request.user, refused.patient):
                    return render(request, "access/break_glass_offer.html",
                                  {"patient_uuid": refused.patient.uuid}, status=403)
                raise PermissionDenied from None
            request.patient_access = decision
            return view(request, patient, *args, **kwargs)

        setattr(wrapped, GUARD_ATTRIBUTE, True)
        return wrapped

    return decorator


def break_glass_entry(view):
    """Mark the break-glass form: patient-scoped, but it shows nothing of the record."""
    setattr(view, GUARD_ATTRIBUTE, True)
    return view
