"""Assessments and placements in the JSON API: thin, over the same actions as the web.

Input schemas give every field a default, so a caller without access to the patient is
refused (403) before any field is checked. Creating (booking, placing) honours an
Idempotency-Key header: a retry returns the first result and creates nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Header, Query, Router, Schema, Status
from pydantic import ConfigDict

from carepath.access.guards import api_patient
from carepath.accounts.idempotency import digest_of, run_once
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.pagination import page_number, paginate

from . import actions_assessment as actions
from . import queries_assessment as queries
from . import substances
from .models import Assessment, Placement
from .queries_enquiries import visible_enquiries

router = Router(tags=["assessments"])
BOOK_ENDPOINT = "intake.assessments.create"
PLACE_ENDPOINT = "intake.placements.create"


class PersonOut(Schema):
    id: UUID
    username: str
    name: str


class AssessmentOut(Schema):
    id: UUID
    patient: UUID
    status: str
    assessor: PersonOut
    booked_for: datetime | None
    created_at: datetime
    completed_at: datetime | None
    enquiry: UUID | None
    age_first_use: int | None
    years_of_use: Decimal | None
    days_per_week: int | None
    grams_per_using_day: Decimal | None
    route: str
    binges: bool | None
    k_holes: bool | None
    last_use: date | None
    other_substances: dict
    codependence_warnings: list[str]
    social: dict
    dimensions: dict
    red_flags: list[str]
    summary: str


class AssessmentPage(Schema):
    page: int
    page_size: int
    has_next: bool
    items: list[AssessmentOut]


class ListParams(Schema):
    patient: UUID | None = None
    page: int = 1
    page_size: int = 20


class BookIn(Schema):
    model_config = ConfigDict(extra="forbid")

    patient: UUID | None = None
    assessor: UUID | None = None  # a user's id; the caller when empty
    booked_for: datetime | None = None
    enquiry: UUID | None = None


class AssessmentPatch(Schema):
    """Only the fields sent change; a JSON field sent replaces what was stored."""

    model_config = ConfigDict(extra="forbid")

    age_first_use: int | None = None
    years_of_use: Decimal | None = None
    days_per_week: int | None = None
    grams_per_using_day: Decimal | None = None
    route: str | None = None
    binges: bool | None = None
    k_holes: bool | None = None
    last_use: date | None = None
    other_substances: dict[str, dict] | None = None
    social: dict[str, str] | None = None
    dimensions: dict[str, dict] | None = None
    red_flags: list[str] | None = None
    summary: str | None = None


class FiredOut(Schema):
    rule: str
    title: str
    level: str | None
    reason: str
    caution: str


class RecommendationOut(Schema):
    assessment: UUID
    level: str
    level_name: str
    version: str
    explanation: str
    fired: list[FiredOut]
    cautions: list[str]
    instruments: dict


class PlacementIn(Schema):
    model_config = ConfigDict(extra="forbid")

    chosen_level: str = ""
    accept_recommendation: bool = False
    override_reason: str = ""
    service: UUID | None = None


class PlacementOut(Schema):
    id: UUID
    assessment: UUID
    patient: UUID
    rules_version: str
    recommended_level: str
    chosen_level: str
    overridden: bool
    override_reason: str
    fired_rules: list[dict]
    cautions: list[str]
    service: UUID | None
    waitlist_entry: UUID | None
    decided_by: str
    decided_at: datetime


def _ctx(request):
    return audit.Context.from_request(request, via="api")


def _out(a: Assessment) -> dict:
    return {
        "id": a.uuid, "patient": a.patient.uuid, "status": a.status,
        "assessor": {"id": a.assessor.uuid, "username": a.assessor.username,
                     "name": a.assessor.get_full_name() or a.assessor.username},
        "booked_for": a.booked_for, "created_at": a.created_at,
        "completed_at": a.completed_at, "enquiry": a.enquiry.uuid if a.enquiry_id else None,
        **{f: getattr(a, f) for f in ("age_first_use", "years_of_use", "days_per_week",
                                      "grams_per_using_day", "route", "binges", "k_holes",
                                      "last_use", "other_substances", "social", "dimensions",
                                      "red_flags", "summary")},
        "codependence_warnings": [w.message for w in
                                  substances.withdrawal_warnings(a.other_substances)],
    }


def _placement_out(p: Placement) -> dict:
    return {"id": p.uuid, "assessment": p.assessment.uuid, "patient": p.patient.uuid,
            "rules_version": p.rules_version, "recommended_level": p.recommended_level,
            "chosen_level": p.chosen_level, "overridden": p.overridden,
            "override_reason": p.override_reason, "fired_rules": p.fired_rules,
            "cautions": p.cautions, "service": p.service.uuid if p.service_id else None,
            "waitlist_entry": p.waitlist_entry.uuid if p.waitlist_entry_id else None,
            "decided_by": p.decided_by.username, "decided_at": p.decided_at}


def _assessment(request, assessment_id, *, object_type="intake.assessment",
                audit_read=True) -> Assessment:
    """Load by id, then the patient guard (403 for outsiders, audited)."""
    assessment = (Assessment.objects.select_related("patient", "assessor", "enquiry")
                  .filter(uuid=assessment_id).first())
    if assessment is None:
        raise Http404
    assessment.patient = api_patient(request, assessment.patient.uuid,
                                     object_type=object_type, audit_read=audit_read)
    return assessment


@router.get("", response=AssessmentPage)
def list_assessments(request, params: Query[ListParams]):
    if params.patient is None:
        raise ValidationError({"patient": ["Say whose assessments: ?patient=<patient id>."]})
    patient = api_patient(request, params.patient, object_type="intake.assessment",
                          audit_read=False)
    size = max(1, min(params.page_size, 100))
    page = paginate(Assessment.objects.filter(patient=patient)
                    .select_related("assessor", "enquiry").order_by("-created_at", "-pk"),
                    page_number(params.page), size)
    rows = list(page.object_list)
    for a in rows:
        a.patient = patient
    audit.record(_ctx(request), "list", patient=patient, object_type="intake.assessment",
                 details={"page": page.number, "shown": [str(a.uuid) for a in rows]})
    return {"page": page.number, "page_size": size, "has_next": page.has_next,
            "items": [_out(a) for a in rows]}


@router.post("", response={201: AssessmentOut, 200: AssessmentOut})
def book(request, payload: BookIn,
         idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    if payload.patient is None:
        raise ValidationError({"patient": ["Say which patient the assessment is for."]})
    patient = api_patient(request, payload.patient, object_type="intake.assessment",
                          audit_read=False)

    def create() -> Assessment:
        assessor = request.auth
        if payload.assessor is not None:
            assessor = get_user_model().objects.filter(uuid=payload.assessor).first()
        enquiry = None
        if payload.enquiry is not None:
            # Only an enquiry the caller may see: placement later closes it as admitted.
            enquiry = (visible_enquiries(request.auth)
                       .filter(uuid=payload.enquiry, organisation_id=patient.organisation_id)
                       .first())
            if enquiry is None:
                raise ValidationError({"enquiry": ["No such enquiry in this organisation."]})
        return actions.book_assessment(_ctx(request), patient, assessor=assessor,
                                       booked_for=payload.booked_for, enquiry=enquiry)

    assessment, earlier = run_once(request.auth, BOOK_ENDPOINT, idempotency_key,
                                   digest_of(payload.model_dump(mode="json")), create)
    if assessment is None:
        return Status(200, _out(_assessment(request, earlier)))
    return Status(201, _out(assessment))


@router.get("/{assessment_id}", response=AssessmentOut)
def get_assessment(request, assessment_id: UUID):
    return _out(_assessment(request, assessment_id))


@router.patch("/{assessment_id}", response=AssessmentOut)
def patch_assessment(request, assessment_id: UUID, payload: AssessmentPatch):
    assessment = _assessment(request, assessment_id, audit_read=False)
    data = payload.model_dump(exclude_unset=True)
    for key in ("other_substances", "social", "dimensions"):
        if key in data and data[key] is None:
            data[key] = {}
    if "red_flags" in data and data["red_flags"] is None:
        data["red_flags"] = []
    if data.get("summary", "") is None:
        data["summary"] = ""
    before = assessment.updated_at
    actions.update_assessment(_ctx(request), assessment, data)
    if assessment.updated_at == before:  # nothing changed or audited: the reply is a read
        audit.record(_ctx(request), Action.READ, patient=assessment.patient, obj=assessment)
    return _out(assessment)


@router.post("/{assessment_id}/complete", response=AssessmentOut)
def complete(request, assessment_id: UUID):
    assessment = _assessment(request, assessment_id, audit_read=False)
    actions.complete_assessment(_ctx(request), assessment)
    return _out(assessment)


@router.get("/{assessment_id}/recommendation", response=RecommendationOut)
def recommendation(request, assessment_id: UUID):
    assessment = _assessment(request, assessment_id, object_type="intake.placement")
    rec, results, _ = queries.recommendation_for(assessment)
    return {"assessment": assessment.uuid, "level": rec.level, "level_name": rec.level_name,
            "version": rec.version, "explanation": rec.explanation,
            "fired": [f.as_dict() for f in rec.fired], "cautions": rec.cautions,
            "instruments": results}


@router.post("/{assessment_id}/placement", response={201: PlacementOut, 200: PlacementOut})
def place(request, assessment_id: UUID, payload: PlacementIn,
          idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    assessment = _assessment(request, assessment_id, object_type="intake.placement",
                             audit_read=False)

    def create() -> Placement:
        service = None
        if payload.service is not None:
            service = queries.service_by_uuid(payload.service)
            if service is None:
                raise ValidationError({"service": ["No such service."]})
        chosen = payload.chosen_level
        if payload.accept_recommendation:
            rec, _, _ = queries.recommendation_for(assessment)
            if chosen and chosen != rec.level:
                raise ValidationError({"chosen_level": [
                    f"accept_recommendation is set, but chosen_level ({chosen}) is not the "
                    f"recommended level ({rec.level}). Send one or the other."]})
            chosen = rec.level
        return actions.decide_placement(_ctx(request), assessment, chosen_level=chosen,
                                        override_reason=payload.override_reason,
                                        service=service)

    # The same body for another assessment is another request: the id is in the digest.
    body = {**payload.model_dump(mode="json"), "assessment": str(assessment_id)}
    decision, earlier = run_once(request.auth, PLACE_ENDPOINT, idempotency_key,
                                 digest_of(body), create)
    if decision is None:
        return Status(200, _replayed_placement(request, assessment, earlier))
    return Status(201, _placement_out(decision))


def _replayed_placement(request, assessment, placement_uuid) -> dict:
    """The first decision, for a retry: nothing is written, so the reply is a read."""
    decision = _placement(assessment, placement_uuid)
    audit.record(_ctx(request), Action.READ, patient=decision.patient, obj=decision,
                 details={"idempotent_replay": True})
    return _placement_out(decision)


def _placement(assessment, placement_uuid) -> Placement:
    return (Placement.objects.select_related("assessment", "patient", "service",
                                             "waitlist_entry", "decided_by")
            .get(uuid=placement_uuid, assessment=assessment))

