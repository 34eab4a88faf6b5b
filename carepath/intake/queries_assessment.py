"""Reads for assessments and placements. Callers have passed the access guard (the
patient is already decided); these only fetch, in a fixed number of queries."""

from __future__ import annotations

from carepath.measures import catalogue, presentation
from carepath.measures.actions import enabled_instruments
from carepath.measures.models import Response

from . import placement
from .models import Assessment, Placement

INSTRUMENT_IDS = [i for i, _ in placement.INSTRUMENTS]


def assessments_for(patient) -> list[Assessment]:
    return list(Assessment.objects.filter(patient=patient)
                .select_related("assessor", "enquiry").order_by("-created_at", "-pk"))


def assessment_for(patient, assessment_id) -> Assessment | None:
    try:
        return (Assessment.objects.select_related("assessor", "enquiry", "episode")
                .filter(patient=patient, uuid=assessment_id).first())
    except (ValueError, TypeError):
        return None


def latest_responses(assessment: Assessment) -> dict[str, Response]:
    """The latest submitted response to each listed instrument since the assessment was
    booked, as corrected: a response that was amended counts with its amendment's scores
    (an amendment of a response given before the booking is not counted). One query."""
    rows = list(Response.objects.filter(
        patient_id=assessment.patient_id, instrument_id__in=INSTRUMENT_IDS,
        status=Response.Status.SUBMITTED, submitted_at__gte=assessment.created_at)
        .order_by("submitted_at", "pk"))
    by_pk = {r.pk: r for r in rows}
    latest_fix: dict[int, Response] = {}
    for r in rows:  # oldest first, so a later amendment replaces an earlier one
        root = r
        while root.amends_id is not None and root.amends_id in by_pk:
            root = by_pk[root.amends_id]
        if root.amends_id is None:
            latest_fix[root.pk] = r
    latest: dict[str, Response] = {}
    for r in rows:
        if r.amends_id is None:
            latest[r.instrument_id] = latest_fix.get(r.pk, r)
    return latest


def instrument_results(responses: dict[str, Response]) -> dict[str, dict]:
    """The rules' view of the responses: {instrument: {"total", "band", "flags", ...}}."""
    return {instrument: {"total": r.total, "band": r.band, "flags": list(r.flags or []),
                         "response": str(r.uuid),
                         "submitted_at": r.submitted_at.isoformat() if r.submitted_at
                         else None}
            for instrument, r in responses.items()}


def instrument_rows(assessment: Assessment, responses: dict[str, Response]) -> list[dict]:
    """One row per listed instrument for the assessment page: the latest result, its band
    label, and whether it can be given now (switched off for the organisation or not)."""
    enabled = {d.id for d in enabled_instruments(assessment.patient.organisation_id)}
    rows = []
    for instrument, short_name in placement.INSTRUMENTS:
        defn = catalogue.load_all().get(instrument)
        response = responses.get(instrument)
        band_label = ""
        if response is not None and defn is not None and response.band:
            band_label = _band_label(defn, response.band)
        rows.append({"id": instrument, "name": short_name,
                     "title": defn.title if defn else short_name,
                     "validated": bool(defn and defn.provenance.get("validated")),
                     "response": response, "band_label": band_label,
                     "enabled": instrument in enabled and defn is not None})
    return rows


def _band_label(defn, band: str) -> str:
    for band_rule in defn.scoring.get("band_rules") or []:
        if band_rule.get("band") == band:
            return band_rule.get("label", band)
    return presentation.band_label(defn, band)


def placement_history(patient) -> list[Placement]:
    return list(Placement.objects.filter(patient=patient)
                .select_related("decided_by", "service", "waitlist_entry", "assessment")
                .order_by("-decided_at", "-pk"))


def recommendation_for(assessment: Assessment):
    """The rules' recommendation now, with the inputs it used."""
    responses = latest_responses(assessment)
    results = instrument_results(responses)
    return placement.recommend(assessment, results), results, responses


def services_for(organisation_id) -> list:
    """Services the placement page offers: the organisation's own, active ones (other
    services are reached by a referral). Reference data, no health information."""
    from carepath.directory.models import Service

    return list(Service.objects.filter(operated_by_id=organisation_id, active=True)
                .order_by("name")[:200])


def service_by_uuid(service_uuid):
    from carepath.directory.models import Service

    return Service.objects.filter(uuid=service_uuid).first()
