"""Demo data for supervised withdrawal: one of the demo nurse's patients in supervised
withdrawal with two days of observations (4-hourly), one of them a red flag, and two
medication notes. Made through the actions, so it is audited and raises its alert
exactly as a real one does."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from carepath.accounts.models import User
from carepath.audit import log as audit
from carepath.patients import actions as patient_actions
from carepath.patients.models import Patient

from . import actions

HOURS = 48
RED_FLAG_AT = 20  # hours after the plan started: hallucinations and a fast pulse


def _values(rng: random.Random, hours: int) -> dict:
    """Illustrative values only, not clinical guidance: symptoms easing over two days,
    craving falling from about 8 to 4."""
    ease = hours / HOURS
    level = 2 if ease < 0.4 else 1
    values = {
        "craving": max(0, round(8 - 4 * ease + rng.choice([-1, 0, 0, 1]))),
        "symptoms": {"anxiety": level + (1 if ease < 0.2 else 0), "low_mood": level,
                     "insomnia": level if hours % 24 >= 20 or hours % 24 < 8 else 1,
                     "irritability": level, "sweating": 1 if ease < 0.5 else 0,
                     "tremor": 1 if ease < 0.3 else 0, "headache": rng.choice([0, 1]),
                     "bladder_pain": 1},
        "heart_rate": rng.randint(82, 100) - int(10 * ease),
        "systolic": rng.randint(122, 136), "diastolic": rng.randint(74, 86),
        "temperature": f"{rng.choice(['36.8', '37.0', '37.1', '37.3'])}",
        "respiratory_rate": rng.randint(14, 18), "spo2": rng.randint(96, 99),
    }
    if hours == RED_FLAG_AT:
        values["symptoms"]["hallucinations_paranoia"] = 2
        values["heart_rate"] = 134
        values["note"] = ("Convinced staff are talking about them; pulse 134. Doctor "
                          "informed.")
    return values


def add_demo_withdrawal(org, seed):
    nurse = User.objects.filter(organisation=org, username="nurse").first()
    prescriber = User.objects.filter(organisation=org, username="prescriber").first()
    if nurse is None:
        return None
    # The last of the nurse's patients by MRN, not linked to the demo patient account:
    # other demos take the first few, and the measures journey expects the linked
    # patient to start with no open alert.
    candidates = Patient.objects.filter(organisation=org, care_team__user=nurse,
                                        user__isnull=True, episodes__closed_at__isnull=True)
    patient = (candidates.filter(care_team__user=prescriber).order_by("-mrn").distinct()
               .first() if prescriber else None) or candidates.order_by("-mrn").first()
    if patient is None:
        return None
    ctx = audit.Context(user=nurse, purpose="demo data load", via="demo")
    if prescriber is not None and not patient.care_team.filter(user=prescriber).exists():
        patient_actions.add_care_team_member(ctx, patient, prescriber, "prescriber")
    episode = patient.episodes.filter(closed_at__isnull=True).get()
    if episode.level_of_care != "withdrawal":
        patient_actions.change_level_of_care(ctx, episode, level_of_care="withdrawal",
                                             reason="Admitted for supervised withdrawal")
    now = timezone.now()
    started = now - timedelta(hours=HOURS + 2)
    if episode.opened_at > started:
        return None  # a just-opened episode cannot hold two days of observations
    actions.start_plan(ctx, patient, started_at=started)
    rng = random.Random(seed)
    for hours in range(0, HOURS + 1, 4):
        actions.record_observation(ctx, patient, {
            "taken_at": started + timedelta(hours=hours, minutes=rng.randint(0, 20)),
            **_values(rng, hours)})
    given_by = ctx if prescriber is None else audit.Context(
        user=prescriber, purpose="demo data load", via="demo")
    for hours, medicine, dose, reason in [
            (RED_FLAG_AT - 6, "Paracetamol", "1 g", "Headache"),
            (HOURS - 10, "Zopiclone", "7.5 mg", "Insomnia")]:
        actions.record_medication(given_by, patient, {
            "given_at": started + timedelta(hours=hours), "medicine": medicine, "dose": dose,
            "route": "by mouth", "reason": reason})
    return patient
