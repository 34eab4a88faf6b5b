"""Referrals in the JSON API (/api/v1/referrals): thin, over the same actions and
queries as the web. Creating takes an Idempotency-Key: a retry returns the first
referral (200) and records nothing twice."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Header, Query, Router, Schema, Status

from carepath.access.guards import api_patient
from carepath.accounts.idempotency import digest_of
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.pagination import page_number, paginate

from . import actions_referrals as actions
from . import queries_referrals as queries
from .models import Referral, Service

router = Router(tags=["referrals"])
ENDPOINT = "directory.referrals.create"


# Every request field has a default, so the access check runs (and refuses an outsider
# with 403/404) before any field error.
class ReferralIn(Schema):
    patient: UUID | None = None
    service: UUID | None = None
    match_reason: str = ""
    level_of_care: str = ""
    affiliation: str = ""
    affiliation_details: str = ""
    no_fee_attested: bool = False


class StatusIn(Schema):
    status: str = ""
    note: str = ""


class ServiceRef(Schema):
    id: UUID
    name: str
    town: str


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    changed_at: datetime
    changed_by: str
    note: str


class ReferralOut(Schema):
    id: UUID
    patient: UUID | None
    enquiry: UUID | None
    service: ServiceRef
    referred_by: str
    level_of_care: str
    match_reason: str
    affiliation: str
    affiliation_details: str
    no_fee_attested: bool
    status: str
    sent_at: datetime
    status_changed_at: datetime
    check_due_at: datetime
    check_overdue: bool
    outcome_note: str
    history: list[StatusChangeOut]


class ReferralPage(Schema):
    page: int
    page_size: int
    has_next: bool
    items: list[ReferralOut]


class ListParams(Schema):
    patient: UUID | None = None
    status: str = ""
    due: bool = False
    page: int = 1
    page_size: int = 20


def _ctx(request):
    return audit.Context.from_request(request, via="api")


def _enquiry_uuid(referral):
    try:
        return referral.enquiry.uuid
    except Referral.enquiry.RelatedObjectDoesNotExist:
        return None


def _out(referral: Referral) -> dict:
    history = getattr(referral, "history", None)
    if history is None:
        history = queries.with_history([referral])[0].history
    return {
        "id": referral.uuid,
        "patient": referral.patient.uuid if referral.patient_id else None,
        "enquiry": _enquiry_uuid(referral),
        "service": {"id": referral.service.uuid, "name": referral.service.name,
                    "town": referral.service.town},
        "referred_by": referral.referred_by.username,
        "level_of_care": referral.level_of_care, "match_reason": referral.match_reason,
        "affiliation": referral.affiliation,
        "affiliation_details": referral.affiliation_details,
        "no_fee_attested": referral.no_fee_attested, "status": referral.status,
        "sent_at": referral.sent_at, "status_changed_at": referral.status_changed_at,
        "check_due_at": referral.check_due_at,
        "check_overdue": actions.is_check_overdue(referral),
        "outcome_note": referral.outcome_note,
        "history": [{"from_status": c.from_status, "to_status": c.to_status,
                     "changed_at": c.changed_at,
                     "changed_by": c.changed_by.username if c.changed_by_id else "",
                     "note": c.note} for c in history],
    }


def _require_intake(request, referral):
    if not queries.may_see(request.auth, referral):
        audit.record(_ctx(request), Action.READ, obj=referral,
                     object_type="directory.referral", outcome="denied",
                     details={"reason": "may_not_see_enquiry"})
        raise PermissionDenied("Only intake staff working the enquiry can see a referral "
                               "made for it.")


def _load(request, referral_id, *, audit_read: bool) -> Referral:
    """The referral, if this user may see it: a patient's through the patient gate,
    an enquiry's for intake staff. Another organisation's is not found."""
    referral = (Referral.objects.select_related("service", "patient", "referred_by",
                                                "organisation")
                .filter(uuid=referral_id, organisation_id=request.auth.organisation_id)
                .first())
    if referral is None:
        raise Http404
    if referral.patient_id is not None:
        api_patient(request, referral.patient.uuid, object_type="directory.referral",
                    audit_read=False)
    else:
        _require_intake(request, referral)
    if audit_read:
        audit.record(_ctx(request), Action.READ, patient=referral.patient, obj=referral)
    return referral


@router.get("", response=ReferralPage)
def list_referrals(request, params: Query[ListParams]):
    patient = None
    if params.patient is not None:
        patient = api_patient(request, params.patient, object_type="directory.referral",
                              audit_read=False)
    size = max(1, min(params.page_size, 100))
    qs = queries.referral_list(request.auth, status=params.status, due=params.due,
                               patient=patient)
    page = paginate(qs, page_number(params.page), size)
    rows = queries.with_history(list(page.object_list))
    audit.record_list(_ctx(request), "directory.referral",
                      [r.patient.uuid for r in rows if r.patient_id], page=page.number,
                      status=params.status, due=params.due,
                      enquiry_referrals=[str(r.uuid) for r in rows if not r.patient_id])
    return {"page": page.number, "page_size": size, "has_next": page.has_next,
            "items": [_out(r) for r in rows]}


@router.post("", response={201: ReferralOut, 200: ReferralOut})
def create_referral(request, payload: ReferralIn,
                    idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    ctx = _ctx(request)
    user = request.auth
    patient = None
    if payload.patient is not None:
        patient = api_patient(request, payload.patient, object_type="directory.referral",
                              audit_read=False)
    if user.organisation is None:
        raise PermissionDenied("Your account belongs to no organisation.")
    actions.require_referral_rights(ctx, user.organisation, patient)
    service = None
    if payload.service is not None:
        service = Service.objects.filter(uuid=payload.service).first()
        if service is None:
            raise ValidationError({"service": ["No service has this id."]})
    digest = digest_of(payload.model_dump(mode="json"))
    referral, created = actions.create_referral_with_key(
        ctx, key=idempotency_key or "", endpoint=ENDPOINT, digest=digest,
        organisation=user.organisation, patient=patient, service=service,
        match_reason=payload.match_reason, level_of_care=payload.level_of_care,
        affiliation=payload.affiliation, affiliation_details=payload.affiliation_details,
        no_fee_attested=payload.no_fee_attested)
    if not created:
        audit.record(ctx, Action.READ, patient=referral.patient, obj=referral,
                     details={"idempotent_replay": True})
        return Status(200, _out(referral))
    return Status(201, _out(referral))


@router.get("/{referral_id}", response=ReferralOut)
def get_referral(request, referral_id: UUID):
    return _out(_load(request, referral_id, audit_read=True))


@router.post("/{referral_id}/status", response=ReferralOut)
def change_status(request, referral_id: UUID, payload: StatusIn):
    referral = _load(request, referral_id, audit_read=False)
    referral = actions.change_referral_status(_ctx(request), referral, payload.status,
                                              note=payload.note)
    return _out(Referral.objects.select_related("service", "patient", "referred_by")
                .get(pk=referral.pk))
