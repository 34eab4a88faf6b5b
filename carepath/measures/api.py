"""Measures in the JSON API: the instrument catalogue (FHIR Questionnaires) and a
patient's responses. Submitting scores at once; a retry with the same
Idempotency-Key returns the first result and stores nothing twice."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Header, Query, Router, Schema, Status
from pydantic import StrictInt

from carepath.access.guards import api_patient
from carepath.accounts.idempotency import digest_of, run_once
from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.pagination import paginate

from . import actions, catalogue
from .models import Mode, Response

instruments_router = Router(tags=["instruments"])
responses_router = Router(tags=["measures"])
ENDPOINT = "measures.responses.create"


class InstrumentOut(Schema):
    id: str
    title: str
    version: str
    loinc: str
    items: int
    self_report: bool
    validated: bool
    licence: str
    enabled: bool


class ResponseIn(Schema):
    # Defaults, so the access check runs (and refuses outsiders) before any field error.
    instrument: str = ""
    # In item order (the CLI's form, null for a skipped item) or keyed by linkId.
    answers: dict[str, StrictInt | None] | list[StrictInt | None] = {}
    amends: UUID | None = None
    amendment_reason: str = ""


class ResponseOut(Schema):
    id: UUID
    instrument: str
    instrument_version: str
    status: str
    mode: str
    total: int | None
    band: str | None
    subscales: dict
    flags: list[str]
    codes: dict
    answers: dict
    submitted_at: datetime | None
    amends: UUID | None
    amended_by: list[UUID]
    alert_raised: bool


class ResponsePage(Schema):
    page: int
    page_size: int
    has_next: bool
    items: list[ResponseOut]


class ListParams(Schema):
    instrument: str = ""
    page: int = 1
    page_size: int = 20


def _ctx(request):
    return audit.Context.from_request(request, via="api")


def _guarded(request, patient_id, *, audit_read=True):
    return api_patient(request, patient_id, object_type="measures.response",
                       audit_read=audit_read)


def _out(response: Response, amended_by=None) -> dict:
    return {"id": response.uuid, "instrument": response.instrument_id,
            "instrument_version": response.instrument_version, "status": response.status,
            "mode": response.mode, **{k: v for k, v in response.result().items()
                                      if k != "instrument"},
            "answers": response.answers, "submitted_at": response.submitted_at,
            "amends": response.amends.uuid if response.amends_id else None,
            "amended_by": amended_by if amended_by is not None
            else list(response.amendments.values_list("uuid", flat=True)),
            "alert_raised": any(f in response.flags for f in _urgent_ids(response.instrument_id))}


def _urgent_ids(instrument_id: str) -> set[str]:
    defn = catalogue.load_all().get(instrument_id)
    return {f["id"] for f in defn.scoring.get("flags", []) if f.get("urgent")} if defn else set()


@instruments_router.get("", response=list[InstrumentOut])
def list_instruments(request):
    enabled = {d.id for d in actions.enabled_instruments(request.auth.organisation_id)}
    return [{"id": d.id, "title": d.title, "version": d.version, "loinc": d.loinc,
             "items": len(d.items), "self_report": d.self_report,
             "validated": bool(d.provenance.get("validated")),
             "licence": d.provenance.get("licence", ""), "enabled": d.id in enabled}
            for d in catalogue.load_all().values()]


@instruments_router.get("/{instrument_id}", response=dict)
def get_instrument(request, instrument_id: str):
    """The instrument as a FHIR R4 Questionnaire resource."""
    try:
        return catalogue.get(instrument_id).fhir()
    except LookupError:
        raise Http404 from None


def _answers(instrument_id: str, answers) -> dict:
    if isinstance(answers, dict):
        return answers
    try:
        defn = catalogue.get(instrument_id)
    except LookupError:
        return {}  # the action refuses the unknown instrument by name
    if len(answers) != len(defn.items):
        raise ValidationError({"answers": [
            f"{defn.id} takes {len(defn.items)} answers in item order "
            f"({', '.join(defn.item_ids)}); got {len(answers)}."]})
    return dict(zip(defn.item_ids, answers, strict=True))


def _api_errors(exc: ValidationError) -> ValidationError:
    """item_<linkId> keys from the actions become answers.<linkId> in the API."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({(f"answers.{k[5:]}" if k.startswith("item_") else k): v
                            for k, v in exc.message_dict.items()})


@responses_router.post("/{patient_id}/responses", response={201: ResponseOut, 200: ResponseOut})
def create_response(request, patient_id: UUID, payload: ResponseIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    patient = _guarded(request, patient_id, audit_read=False)
    digest = digest_of(payload.model_dump(mode="json"))
    mode = Mode.SELF_REPORT if request.auth.account_type == AccountType.PATIENT \
        else Mode.CLINICIAN
    amends = None
    if payload.amends:
        amends = Response.objects.filter(uuid=payload.amends, patient=patient).first()
        if amends is None:
            raise ValidationError({"amends": ["No such response for this patient."]})
    try:
        response, earlier = run_once(
            request.auth, ENDPOINT, idempotency_key, digest,
            lambda: actions.submit(_ctx(request), patient, payload.instrument,
                                   _answers(payload.instrument, payload.answers), mode=mode,
                                   amends=amends, amendment_reason=payload.amendment_reason))
    except ValidationError as exc:
        raise _api_errors(exc) from None
    if response is None:
        return _replay(request, earlier, patient)
    return Status(201, _out(response, amended_by=[]))


def _replay(request, response_uuid, patient):
    response = Response.objects.select_related("amends").get(uuid=response_uuid,
                                                             patient=patient)
    audit.record(_ctx(request), "read", patient=patient, obj=response,
                 details={"idempotent_replay": True})
    return Status(200, _out(response))


@responses_router.get("/{patient_id}/responses", response=ResponsePage)
def list_responses(request, patient_id: UUID, params: Query[ListParams]):
    patient = _guarded(request, patient_id, audit_read=False)
    size = max(1, min(params.page_size, 100))
    qs = (Response.objects.filter(patient=patient, status=Response.Status.SUBMITTED)
          .select_related("amends").order_by("-submitted_at", "-pk"))
    if params.instrument:
        qs = qs.filter(instrument_id=params.instrument)
    page = paginate(qs, params.page, size)
    rows = list(page.object_list)
    amended = {}
    for old, new in Response.objects.filter(amends__in=[r.pk for r in rows]).values_list(
            "amends__uuid", "uuid"):
        amended.setdefault(old, []).append(new)
    audit.record(_ctx(request), "list", patient=patient, object_type="measures.response",
                 details={"page": page.number, "instrument": params.instrument,
                          "shown": [str(r.uuid) for r in rows]})
    return {"page": page.number, "page_size": size, "has_next": page.has_next,
            "items": [_out(r, amended_by=amended.get(r.uuid, [])) for r in rows]}
