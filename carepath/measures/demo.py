"""Demo measures: histories to chart, programme schedules, and one open alert."""

import random
from datetime import timedelta

from django.utils import timezone

from carepath.accounts.models import User
from carepath.audit import log as audit
from carepath.patients.models import Patient

from . import actions, catalogue, engine
from .models import Mode, Response, Schedule


def _answers(defn, rng, level: float) -> dict:
    """Item answers around a severity level between 0 and 1."""
    answers = {}
    for item in defn.items:
        spread = item.high - item.low
        answers[item.link_id] = max(item.low, min(item.high, round(
            item.low + spread * level + rng.uniform(-0.6, 0.6))))
    return answers


def add_demo_measures(org, seed: int) -> None:
    rng = random.Random(seed)
    clinician = User.objects.get(username="clinician")
    now = timezone.now()
    Schedule.objects.bulk_create([
        Schedule(organisation=org, level_of_care="outpatient", instrument_id="phq-9",
                 every_days=14, created_by=clinician),
        Schedule(organisation=org, level_of_care="intensive_outpatient",
                 instrument_id="bam", every_days=7, created_by=clinician),
    ])
    patients = list(Patient.objects.filter(organisation=org, care_team__user=clinician)
                    .order_by("mrn")[:20])
    linked = Patient.objects.filter(organisation=org, user__isnull=False).first()
    if linked and linked not in patients:
        patients.insert(0, linked)
    rows = []
    for patient in patients:
        start = rng.uniform(0.45, 0.8)
        for instrument_id in ("phq-9", "gad-7"):
            defn = catalogue.get(instrument_id)
            for week in range(0, 12, 2):
                level = max(0.05, start - week * rng.uniform(0.02, 0.05))
                answers = _answers(defn, rng, level)
                if instrument_id == "phq-9":
                    answers["9"] = 0  # the demo's history raises no alerts by itself
                result = engine.score(defn, answers)
                when = now - timedelta(days=84 - week * 7, hours=rng.randint(0, 8))
                rows.append(Response(
                    organisation=org, patient=patient, instrument_id=defn.id,
                    instrument_version=defn.version, status=Response.Status.SUBMITTED,
                    mode=Mode.CLINICIAN, answers=answers, total=result.total,
                    band=result.band or "", flags=result.flags, entered_by=clinician,
                    created_at=when, submitted_at=when))
    Response.objects.bulk_create(rows)
    audit.record(audit.Context.system("demo data load"), "create",
                 object_type="measures.response", details={"demo_responses": len(rows)})
    # One open alert, so the caseload shows what an urgent flag looks like.
    flagged = next((p for p in patients if p != linked), None)
    if flagged is not None:
        actions.submit(audit.Context(user=clinician, via="demo"), flagged, "phq-9",
                       dict(zip("123456789", [2, 2, 1, 2, 1, 2, 1, 1, 1], strict=True)),
                       mode=Mode.CLINICIAN)
