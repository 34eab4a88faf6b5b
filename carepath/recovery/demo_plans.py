"""Demo data: relapse-prevention plans and risk windows, made through the actions.

The demo patient (linked to the "patient" account) gets a plan in two versions (the first
written with their clinician in a session, the second changed by them in the portal) and
two risk windows: a weekly Friday club night and a festival next month. About five other
patients get a one-version plan written by a member of their care team.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from carepath.accounts.models import AccountType, User
from carepath.audit import log as audit
from carepath.patients.models import CareTeamMember, Patient

from . import actions_plans, actions_windows
from .models import RelapsePreventionPlan, WindowRepeat
from .windows import zone

OTHERS = 5
FIRST_VERSION = {
    "reasons": ["Getting back to work and keeping it", "Being there for my sister",
                "No more bladder pain"],
    "triggers": ["Friday nights out", "Payday", "Feeling lonely at home"],
    "high_risk_situations": ["Club nights with the old crowd", "After an argument"],
    "warning_signs": ["Skipping meals", "Not answering my phone", "Thinking “just once”"],
    "coping_strategies": [
        {"kind": "dbt", "text": "TIPP: cold water on my face, then a fast walk"},
        {"kind": "dbt", "text": "STOP before I reply to the dealer's message"},
        {"kind": "cbt", "text": "Urge surfing: watch the craving rise and fall"},
        {"kind": "cbt", "text": "Play it through to the next morning"},
        {"kind": "other", "text": "Go to the Tuesday SMART Recovery group"},
    ],
    "people": [{"name": "Sam", "relationship": "sister", "phone": "07700 900123"},
               {"name": "Jo", "relationship": "sponsor", "phone": "+44 7700 900456"}],
    "safe_places": ["The gym on Mill Road", "Sam's flat", "The library"],
}
SECOND_CHANGES = {
    "reasons": ["Saving for a holiday in the spring"],
    "people": [{"name": "Alex", "relationship": "friend from group", "phone": "07700 900789"}],
    "triggers": ["Festival season"],
}
BANK = {
    "reasons": ["My children", "My health", "Finishing my course", "My partner",
                "Feeling proud of myself", "Keeping my job"],
    "triggers": ["Stress at work", "Seeing old friends who use", "Boredom at weekends",
                 "Money arriving", "Trouble sleeping"],
    "high_risk_situations": ["Parties", "Being alone on a Saturday night",
                             "After family arguments"],
    "warning_signs": ["Isolating", "Lying about where I've been", "Missing appointments"],
    "coping": [("dbt", "Self-soothe: a hot shower and music"),
               ("dbt", "Pros and cons written on my phone"),
               ("cbt", "Thought record when I start bargaining"),
               ("cbt", "Talk the craving through with someone"),
               ("other", "Walk the dog")],
    "safe_places": ["The park", "My mum's house", "The recovery café", "The swimming pool"],
}
RELATIONSHIPS = ["mum", "brother", "friend", "key worker", "partner"]


def _demo_patient(org):
    user = User.objects.filter(username="patient", organisation=org,
                               account_type=AccountType.PATIENT).first()
    if user is None:
        return None, None
    return Patient.objects.filter(organisation=org, user=user).first(), user


def _team_member(patient):
    member = (CareTeamMember.objects.select_related("user").filter(patient=patient)
              .order_by("pk").first())
    return member.user if member else None


def _next_weekday(today, weekday: int):
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _demo_windows(ctx, patient, tz, now) -> None:
    today = timezone.localdate(now, timezone=tz)
    friday = _next_weekday(today, 4)
    starts = datetime.combine(friday, time(22, 0), tzinfo=tz)
    actions_windows.add_window(ctx, patient, label="Club night", starts_at=starts,
                               ends_at=starts + timedelta(hours=6),
                               repeats=WindowRepeat.WEEKLY, remind_hours_before=4)
    festival = datetime.combine(today + timedelta(days=35), time(12, 0), tzinfo=tz)
    actions_windows.add_window(ctx, patient, label="Summer festival", starts_at=festival,
                               ends_at=festival + timedelta(days=3, hours=11),
                               repeats=WindowRepeat.NONE, remind_hours_before=48)


def _other_plan(rng: random.Random, fake_phone: str) -> dict:
    return {
        "reasons": rng.sample(BANK["reasons"], 2),
        "triggers": rng.sample(BANK["triggers"], 3),
        "high_risk_situations": rng.sample(BANK["high_risk_situations"], 1),
        "warning_signs": rng.sample(BANK["warning_signs"], 2),
        "coping_strategies": [{"kind": k, "text": t} for k, t in rng.sample(BANK["coping"], 3)],
        "people": [{"name": rng.choice(["Chris", "Dee", "Kai", "Lou", "Max"]),
                    "relationship": rng.choice(RELATIONSHIPS), "phone": fake_phone}],
        "safe_places": rng.sample(BANK["safe_places"], 2),
    }


def add_demo_plans(org, seed: int) -> None:
    patient, user = _demo_patient(org)
    if patient is None or RelapsePreventionPlan.objects.filter(patient=patient).exists():
        return  # no demo patient, or already loaded
    clinician = _team_member(patient)
    if clinician is None:
        return
    staff_ctx = audit.Context(user=clinician, purpose="demo data load", via="demo")
    own_ctx = audit.Context(user=user, purpose="demo data load", via="demo")
    first = actions_plans.save_plan(staff_ctx, patient, content=FIRST_VERSION,
                                    change_note="First plan, written together in session",
                                    written_with=clinician, based_on_version=0)
    second = actions_plans.content_of(first)
    for key, extra in SECOND_CHANGES.items():
        second[key] = second[key] + extra
    actions_plans.save_plan(own_ctx, patient, content=second,
                            change_note="Added Alex and the festival",
                            based_on_version=first.version)
    now = timezone.now()
    _demo_windows(own_ctx, patient, zone(org), now)

    rng = random.Random(seed + 6)
    others = (Patient.objects.filter(organisation=org, care_team__isnull=False)
              .exclude(pk=patient.pk).order_by("mrn").distinct()[:OTHERS])
    for n, other in enumerate(others):
        member = _team_member(other)
        if member is None:
            continue
        ctx = audit.Context(user=member, purpose="demo data load", via="demo")
        actions_plans.save_plan(ctx, other, content=_other_plan(rng, f"07700 900{n:03d}"),
                                change_note="Written in session",
                                written_with=member if n % 2 == 0 else None,
                                based_on_version=0)
