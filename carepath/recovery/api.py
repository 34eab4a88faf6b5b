"""The recovery companion's JSON API, for a future mobile app: the person's own check-ins,
plan and tasks. Patient bearer tokens only; every read is audited. A retried POST with
the same Idempotency-Key answers 200 with the first check-in (the first answer was 201)."""

from __future__ import annotations

from dataclasses import asdict
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Header, Query, Router, Status
from ninja.errors import HttpError

from carepath.accounts.idempotency import digest_of
from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import Patient

from . import actions_checkins as actions
from . import queries_checkins as queries
from .counter import recovery_count
from .models import CheckIn, CheckInSource
from .queries_plans import current_plan
from .queries_tasks import tasks_for
from .schemas import (
    CheckInIn,
    CheckInOut,
    CheckInPage,
    ContactOut,
    ListParams,
    PlanOut,
    TaskOut,
)

router = Router(tags=["recovery"])
OWN_ONLY = "These routes are for the patient's own record"


def _ctx(request):
    return audit.Context.from_request(request, via="api")


def _own_patient(request, object_type: str, message: str = OWN_ONLY) -> Patient:
    """The bearer's own record. Staff and supporters are refused (audited): staff reach
    a patient's check-ins through /patients/{id}/..., never as the patient."""
    user = request.auth
    if user.account_type != AccountType.PATIENT:
        audit.denied(_ctx(request), object_type=object_type, reason="not_a_patient_account")
        raise PermissionDenied(message)
    patient = Patient.objects.select_related("organisation").filter(user=user).first()
    if patient is None:
        raise Http404
    return patient


def advice_for(checkin: CheckIn) -> str:
    if checkin.blood_in_urine:
        return "urgent"
    return "lapse" if checkin.used_ketamine else "ok"


def _out(checkin: CheckIn, alert_raised: bool) -> dict:
    return {"id": checkin.uuid, "checkin_date": checkin.checkin_date,
            "submitted_at": checkin.submitted_at, "craving": checkin.craving,
            "mood": checkin.mood,
            "sleep_hours": None if checkin.sleep_hours is None else float(checkin.sleep_hours),
            "used_ketamine": checkin.used_ketamine,
            "other_substances": checkin.other_substances, "triggers": checkin.triggers,
            "bladder_pain": checkin.bladder_pain, "blood_in_urine": checkin.blood_in_urine,
            "support_contact": checkin.support_contact, "note": checkin.note,
            "source": checkin.source, "advice": advice_for(checkin),
            "alert_raised": alert_raised}


@router.post("/checkins", response={201: CheckInOut, 200: CheckInOut})
def create_checkin(request, payload: CheckInIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """Send today's check-in (or one for up to 7 days back). Send an Idempotency-Key: a
    retry with the same key and body returns the first check-in (200) instead of a
    second; the same key with a different body is refused (422)."""
    patient = _own_patient(request, actions.OBJECT_TYPE, actions.ONLY_THE_PATIENT)
    data = payload.model_dump(exclude_unset=True)
    checkin, created = actions.submit_checkin(
        _ctx(request), patient, data, source=CheckInSource.API,
        idempotency_key=idempotency_key, digest=digest_of(data))
    if created:
        # The action raises exactly one alert, in its transaction, for blood in urine.
        return Status(201, _out(checkin, alert_raised=checkin.blood_in_urine))
    audit.record(_ctx(request), Action.READ, patient=patient, obj=checkin,
                 details={"idempotent_replay": True})
    return Status(200, _out(checkin, alert_raised=queries.alert_raised(checkin)))


@router.get("/checkins", response=CheckInPage)
def list_checkins(request, params: Query[ListParams]):
    """The person's own check-ins, newest first, with their days-of-recovery counter."""
    patient = _own_patient(request, actions.OBJECT_TYPE)
    size = queries.clamp_page_size(params.page_size)
    page = queries.checkins_page(patient, params.page, size)
    rows = list(page.object_list)
    alerted = set()
    if any(c.blood_in_urine for c in rows):
        from carepath.alerts.models import Alert

        alerted = set(Alert.objects.filter(
            source_type=actions.OBJECT_TYPE, flag=actions.ALERT_FLAG,
            source_uuid__in=[c.uuid for c in rows if c.blood_in_urine])
            .values_list("source_uuid", flat=True))
    count = recovery_count(patient, actions.organisation_today(patient.organisation))
    audit.record(_ctx(request), Action.LIST, patient=patient, object_type=actions.OBJECT_TYPE,
                 details={"page": page.number, "shown": [str(c.uuid) for c in rows]})
    return {"page": page.number, "page_size": size, "has_next": page.has_next,
            "items": [_out(c, c.uuid in alerted) for c in rows],
            "counter": asdict(count)}


@router.get("/plan", response=PlanOut)
def get_plan(request):
    """The person's current relapse-prevention plan (its latest version)."""
    patient = _own_patient(request, "recovery.relapsepreventionplan")
    plan = current_plan(patient)
    if plan is None:
        raise HttpError(404, "No relapse-prevention plan has been written yet.")
    audit.record(_ctx(request), Action.READ, patient=patient, obj=plan,
                 details={"version": plan.version})
    return {"id": plan.uuid, **{f: getattr(plan, f) for f in PlanOut.model_fields
                                if f != "id"}}


@router.get("/tasks", response=list[TaskOut])
def list_tasks(request):
    """What the person has to do in the portal: check-ins, questionnaires, follow-ups."""
    patient = _own_patient(request, "recovery.tasks")
    tasks = tasks_for(patient, actions.organisation_today(patient.organisation))
    audit.record(_ctx(request), Action.LIST, patient=patient, object_type="recovery.tasks",
                 details={"shown": len(tasks)})
    return [{"kind": t.kind, "title": t.title, "url": t.url, "due_on": t.due_on,
             "state": t.state} for t in tasks]


@router.post("/checkins/{checkin_id}/contact-me", response=ContactOut)
def ask_for_contact(request, checkin_id: UUID):
    """"Ask my clinician to contact me" after a check-in (offered with the lapse advice).
    One outreach task per check-in: asking again changes nothing."""
    patient = _own_patient(request, actions.OBJECT_TYPE, actions.ONLY_THE_PATIENT)
    checkin = queries.get_checkin(patient, checkin_id)
    if checkin is None:
        raise Http404
    actions.ask_for_contact(_ctx(request), checkin)
    return {"checkin_id": checkin.uuid, "contact_requested": True}
