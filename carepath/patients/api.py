"""Patient routes of the JSON API: thin, over the same queries and actions as the web."""

from uuid import UUID

from django.http import Http404
from ninja import Header, Query, Router, Schema, Status

from carepath.access import actions as access_actions
from carepath.access.guards import api_patient
from carepath.accounts.idempotency import digest_of, run_once
from carepath.audit import log as audit
from carepath.pagination import paginate

from . import actions, queries
from .models import Patient
from .schemas import BreakGlassIn, BreakGlassOut, PatientIn, PatientOut, PatientPage, PatientPatch

router = Router(tags=["patients"])


class ListParams(Schema):
    q: str = ""
    page: int = 1
    page_size: int = 20


def _ctx(request):
    return audit.Context.from_request(request, via="api")


def _out(patient: Patient) -> dict:
    data = {f: getattr(patient, f) for f in PatientOut.model_fields if f not in ("id", "care_team")}
    data["id"] = patient.uuid
    data["care_team"] = [
        {"username": m.user.username, "name": m.user.display_name, "role": m.role}
        for m in patient.care_team.select_related("user").order_by("added_at")]
    return data


def _guarded(request, patient_id, *, audit_read=True):
    return api_patient(request, patient_id, audit_read=audit_read)


@router.get("", response=PatientPage)
def list_patients(request, params: Query[ListParams]):
    size = queries.clamp_page_size(params.page_size)
    page = paginate(queries.caseload(request.auth, params.q[:100]), params.page, size)
    items = [{"id": p.uuid, "mrn": p.mrn, "display_name": p.display_name,
              "date_of_birth": p.date_of_birth, "current_level_of_care": p.current_level}
             for p in page.object_list]
    audit.record_list(_ctx(request), "patient_list", [i["id"] for i in items],
                      page=page.number, searched=bool(params.q))
    return {"page": page.number, "page_size": size, "has_next": page.has_next,
            "items": items}


@router.post("", response={201: PatientOut, 200: PatientOut, 409: dict})
def create_patient(request, payload: PatientIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    data = payload.model_dump()
    confirm = data.pop("confirm_duplicate")
    try:
        patient, earlier = run_once(
            request.auth, "patients.create", idempotency_key, digest_of(data),
            lambda: actions.create_patient(_ctx(request), data, confirm_duplicate=confirm))
    except actions.PossibleDuplicate as dup:
        return Status(409, {"detail": "A patient with the same name and date of birth exists. "
                               "Send confirm_duplicate: true to create another record.",
                     "errors": [{"field": "legal_family_name",
                                 "message": "Possible duplicate patient."}],
                     "duplicates": [{"mrn": m.mrn} for m in dup.matches]})
    if patient is None:
        return Status(200, _out(_guarded(request, earlier)))
    return Status(201, _out(patient))


@router.get("/{patient_id}", response=PatientOut)
def get_patient(request, patient_id: UUID):
    return _out(_guarded(request, patient_id))


@router.patch("/{patient_id}", response=PatientOut)
def patch_patient(request, patient_id: UUID, payload: PatientPatch):
    patient = _guarded(request, patient_id, audit_read=False)
    changes = payload.model_dump(exclude_unset=True)
    return _out(actions.update_patient(_ctx(request), patient, changes))


@router.post("/{patient_id}/break-glass", response={201: BreakGlassOut})
def break_glass(request, patient_id: UUID, payload: BreakGlassIn):
    patient = Patient.objects.filter(uuid=patient_id).first()
    if patient is None:
        raise Http404
    grant = access_actions.open_break_glass(_ctx(request), patient, payload.reason)
    return Status(201, {"id": grant.uuid, "patient_id": patient.uuid, "reason": grant.reason,
                 "expires_at": grant.expires_at.isoformat()})
