"""Demo data: 60 days of daily check-ins for the demo patient (the "patient" account) and
about ten other patients, deterministic for the seed, with their recovery profiles.

Written with bulk_create (one audit event records the load) because 600-odd check-ins
through the action would take most of the demo's start-up time. Nothing reports blood in
urine, so the demo does not start with urgent alerts the action never raised; a few days
report a lapse, so the counter and the supportive reply have something to show. Today is
left empty for the demo patient, who can check in at once.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from carepath.accounts.models import AccountType, User
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import Patient
from carepath.treatment.models import DischargeReason

from .actions_checkins import organisation_today
from .forms_checkins import COMMON_SUBSTANCES, plan_triggers
from .models import CheckIn, CheckInSource, RecoveryProfile
from .queries_plans import current_plan

DAYS = 60
OTHERS = 10
NOTES = ["Good day at work.", "Went to the gym.", "Hard evening, rang my sister.",
         "Tired but OK.", "Craving after payday, went for a walk instead.",
         "Group tonight helped.", "Couldn't sleep, watched a film.", ""]


def _portal_user(patient, org) -> User:
    """The person's portal account; made (with no usable password) when they have none,
    because a check-in is always entered by the person themself."""
    if patient.user_id:
        return patient.user
    user = User(username=f"portal-{patient.mrn.lower()}", organisation=org,
                account_type=AccountType.PATIENT, first_name=patient.legal_given_name,
                last_name=patient.legal_family_name)
    user.set_unusable_password()
    user.save()
    patient.user = user
    patient.save(update_fields=["user"])
    return user


def _series(rng: random.Random, patient, user, org, today, *, skip_today: bool,
            lapse_days: set[int]) -> list[CheckIn]:
    zone = ZoneInfo(org.time_zone)
    triggers = plan_triggers(current_plan(patient)) or ["Stress", "Boredom"]
    craving = rng.uniform(4.5, 7.5)  # drifts down as treatment takes hold
    mood = rng.uniform(3.0, 5.5)
    bladder = rng.uniform(1.0, 5.0)
    adherence = rng.uniform(0.75, 0.97)
    rows = []
    for days_ago in range(DAYS, -1, -1):
        if days_ago == 0 and skip_today:
            continue
        craving = min(10.0, max(0.0, craving - 0.05 + rng.gauss(0, 0.6)))
        mood = min(10.0, max(0.0, mood + 0.04 + rng.gauss(0, 0.5)))
        bladder = max(0.0, bladder - 0.05 + rng.gauss(0, 0.3))
        lapse = days_ago in lapse_days
        if rng.random() > adherence and not lapse:
            continue  # a day without a check-in: the counter does not count it
        day = today - timedelta(days=days_ago)
        at = datetime.combine(day, time(19, 0), zone) + timedelta(minutes=rng.randint(0, 180))
        met = rng.sample(triggers, k=min(len(triggers), rng.choice([0, 0, 0, 1, 1, 2])))
        rows.append(CheckIn(
            uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
            organisation=org, patient=patient, checkin_date=day, submitted_at=at,
            craving=min(10, round(craving + (3 if lapse else 0))),
            mood=max(0, round(mood - (2 if lapse else 0))),
            sleep_hours=Decimal(str(round(min(11.0, max(3.0, rng.gauss(7, 1.1))) * 2) / 2)),
            used_ketamine=lapse,
            other_substances=["Alcohol"] if lapse and rng.random() < 0.5 else
            ([rng.choice(COMMON_SUBSTANCES[:2])] if rng.random() < 0.05 else []),
            triggers=met, bladder_pain=min(10, round(bladder)), blood_in_urine=False,
            support_contact=rng.random() < 0.6, note=rng.choice(NOTES),
            source=CheckInSource.API if rng.random() < 0.3 else CheckInSource.WEB,
            entered_by=user))
    return rows


def add_demo_checkins(org, seed: int) -> None:
    demo_user = User.objects.filter(username="patient", organisation=org,
                                    account_type=AccountType.PATIENT).first()
    demo_patient = Patient.objects.filter(organisation=org, user=demo_user).first() \
        if demo_user else None
    if demo_patient is None or CheckIn.objects.filter(patient=demo_patient).exists():
        return  # no demo patient, or already loaded
    rng = random.Random(f"checkins:{seed}")
    today = organisation_today(org)
    # Never someone whose record says they died (treatment's demo signs such a discharge).
    others = list(Patient.objects.filter(organisation=org).exclude(pk=demo_patient.pk)
                  .exclude(discharges__reason=DischargeReason.DIED)
                  .select_related("user").order_by("mrn")[:OTHERS])
    rows = _series(rng, demo_patient, demo_user, org, today, skip_today=True,
                   lapse_days={12})
    with transaction.atomic():
        for patient in others:
            lapses = set(rng.sample(range(1, DAYS), k=rng.choice([0, 1, 1, 2, 3])))
            rows += _series(rng, patient, _portal_user(patient, org), org, today,
                            skip_today=rng.random() < 0.5, lapse_days=lapses)
        CheckIn.objects.bulk_create(rows, batch_size=500)
        dates: dict[int, list] = {}
        for row in rows:
            dates.setdefault(row.patient_id, []).append(row.checkin_date)
        RecoveryProfile.objects.bulk_create([
            RecoveryProfile(organisation=org, patient_id=pk, first_checkin_on=min(days),
                            last_checkin_on=max(days))
            for pk, days in dates.items()], ignore_conflicts=True)
        for pk, days in dates.items():  # profiles made earlier (by plans) get the dates too
            RecoveryProfile.objects.filter(patient_id=pk).update(
                first_checkin_on=min(days), last_checkin_on=max(days))
        audit.record(audit.Context.system("demo data load"), Action.CREATE,
                     object_type="demo_checkins",
                     details={"patients": len(dates), "checkins": len(rows), "seed": seed})
