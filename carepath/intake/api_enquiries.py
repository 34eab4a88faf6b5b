"""Enquiries in the JSON API (/api/v1/enquiries): the same queries and actions as the
advisors' pages. Creating takes an Idempotency-Key so a retry never logs a person twice.

Request schemas give every field a default, so someone who may not work intake is
refused (403) before any field is checked."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from ninja import Header, Query, Router, Schema, Status
from pydantic import ConfigDict

from carepath.accounts.idempotency import digest_of, run_once
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.pagination import page_number, paginate
from carepath.patients.queries import clamp_page_size

from . import actions_enquiries as actions
from . import queries_enquiries as queries
from .models.enquiries import Enquiry

router = Router(tags=["enquiries"])
ENDPOINT = "intake.enquiries.create"


class StageChangeOut(Schema):
    from_stage: str
    to_stage: str
    changed_at: datetime
    changed_by: str | None
    note: str
    outcome_reason: str


class EnquiryOut(Schema):
    id: UUID
    source: str
    stage: str
    stage_changed_at: datetime
    created_at: datetime
    given_name: str
    family_name: str
    date_of_birth: date | None
    phone: str
    email: str
    preferred_contact: str
    best_time: str
    postcode: str
    contact_consent_at: datetime | None
    caller_name: str
    caller_relationship: str
    caller_phone: str
    caller_email: str
    referrer_organisation: str
    summary: str
    risk_flagged: bool
    assigned_to: UUID | None
    next_action: str
    next_action_due: date | None
    overdue: bool
    outcome_reason: str
    patient: UUID | None
    referral: UUID | None


class EnquiryDetailOut(EnquiryOut):
    selfcheck_summary: dict
    history: list[StageChangeOut]


class EnquiryPage(Schema):
    page: int
    page_size: int
    has_next: bool
    items: list[EnquiryOut]


class EnquiryIn(Schema):
    model_config = ConfigDict(extra="forbid")

    source: str = ""
    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    phone: str = ""
    email: str = ""
    preferred_contact: str = "phone"
    best_time: str = ""
    postcode: str = ""
    contact_consent: bool = False
    caller_name: str = ""
    caller_relationship: str = ""
    caller_phone: str = ""
    caller_email: str = ""
    referrer_organisation: str = ""
    summary: str = ""
    risk_flagged: bool = False
    assigned_to: UUID | None = None
    next_action: str = ""
    next_action_due: date | None = None


class StageIn(Schema):
    model_config = ConfigDict(extra="forbid")

    stage: str = ""
    note: str = ""
    outcome_reason: str = ""


class ListParams(Schema):
    stage: str = ""
    source: str = ""
    overdue: bool = False
    page: int = 1
    page_size: int = 20


def _ctx(request):
    return audit.Context.from_request(request, via="api")


def _require(request):
    actions.require_intake(_ctx(request))


def _out(enquiry: Enquiry) -> dict:
    queries.mark([enquiry])
    return {
        "id": enquiry.uuid,
        **{f: getattr(enquiry, f) for f in (
            "source", "stage", "stage_changed_at", "created_at", "given_name", "family_name",
            "date_of_birth", "phone", "email", "preferred_contact", "best_time", "postcode",
            "contact_consent_at", "caller_name", "caller_relationship", "caller_phone",
            "caller_email", "referrer_organisation", "summary", "risk_flagged", "next_action",
            "next_action_due", "outcome_reason")},
        "assigned_to": enquiry.assigned_to.uuid if enquiry.assigned_to_id else None,
        "overdue": enquiry.overdue,
        "patient": enquiry.patient.uuid if enquiry.patient_id else None,
        "referral": enquiry.referral.uuid if enquiry.referral_id else None,
    }


def _detail(enquiry: Enquiry) -> dict:
    return {**_out(enquiry), "selfcheck_summary": enquiry.selfcheck_summary or {},
            "history": [{"from_stage": c.from_stage, "to_stage": c.to_stage,
                         "changed_at": c.changed_at,
                         "changed_by": c.changed_by.username if c.changed_by else None,
                         "note": c.note, "outcome_reason": c.outcome_reason}
                        for c in queries.stage_history(enquiry)]}


def _reload(user, enquiry_id) -> Enquiry:
    return queries.get_enquiry(user, enquiry_id)


@router.get("", response=EnquiryPage)
def list_enquiries(request, params: Query[ListParams]):
    """The organisation's enquiries, risk-flagged first. ``stage`` defaults to every open
    stage; ``all`` or a stage name widen or narrow it."""
    _require(request)
    size = clamp_page_size(params.page_size)
    filters = queries.Filters(stage=params.stage or queries.OPEN, source=params.source,
                              overdue=params.overdue)
    page = paginate(queries.enquiry_list(request.auth, filters)
                    .select_related("patient", "referral"), page_number(params.page),
                    size)
    rows = list(page.object_list)
    audit.record(_ctx(request), Action.LIST, object_type=actions.OBJECT_TYPE, details={
        "view": "api", "page": page.number, "filters": filters.as_query(),
        "enquiries_shown": [str(e.uuid) for e in rows],
        "patients_shown": [str(e.patient.uuid) for e in rows if e.patient_id]})
    return {"page": page.number, "page_size": size, "has_next": page.has_next,
            "items": [_out(e) for e in rows]}


@router.post("", response={201: EnquiryDetailOut, 200: EnquiryDetailOut})
def create_enquiry(request, payload: EnquiryIn,
                   idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """Log an enquiry for the caller's organisation. Refused without a given name, without
    any phone or email for the person or the caller, and (source ``callback``) without
    ``contact_consent``."""
    _require(request)
    user = request.auth
    digest = digest_of(payload.model_dump(mode="json"))
    data = payload.model_dump(exclude={"source"})
    if data.get("assigned_to"):
        found = get_user_model().objects.filter(uuid=data["assigned_to"]).first()
        if found is None:
            raise ValidationError({"assigned_to": ["No such staff member."]})
        data["assigned_to"] = found
    enquiry, earlier = run_once(
        user, ENDPOINT, idempotency_key, digest,
        lambda: actions.create_enquiry(_ctx(request), user.organisation, data,
                                       source=payload.source))
    if enquiry is None:
        return _replay(request, earlier)
    return Status(201, _detail(_reload(user, enquiry.uuid)))


def _replay(request, enquiry_uuid):
    enquiry = _reload(request.auth, enquiry_uuid)
    audit.record(_ctx(request), Action.READ, obj=enquiry, object_type=actions.OBJECT_TYPE,
                 patient=enquiry.patient, details={"idempotent_replay": True})
    return Status(200, _detail(enquiry))


@router.get("/{enquiry_id}", response=EnquiryDetailOut)
def get_enquiry(request, enquiry_id: UUID):
    _require(request)
    enquiry = _reload(request.auth, enquiry_id)
    actions.record_read(_ctx(request), enquiry, view="api")
    return _detail(enquiry)


@router.post("/{enquiry_id}/stage", response=EnquiryDetailOut)
def change_stage(request, enquiry_id: UUID, payload: StageIn):
    """Move the enquiry to another stage; ``outcome_reason`` is required for
    ``referred_elsewhere`` and ``not_proceeding``."""
    _require(request)
    enquiry = _reload(request.auth, enquiry_id)
    unchanged = payload.stage == enquiry.stage
    actions.change_stage(_ctx(request), enquiry, payload.stage, note=payload.note,
                         outcome_reason=payload.outcome_reason)
    if unchanged:  # nothing written, so nothing audited yet: the reply is a read
        actions.record_read(_ctx(request), enquiry, view="api")
    return _detail(_reload(request.auth, enquiry_id))
