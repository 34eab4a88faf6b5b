"""Demo assessments: two completed with a placement (one accepted, one overridden with a
reason) and one booked with the demo clinician. Made through the actions, so they are
audited, put people on waiting lists and move enquiries exactly as real ones do."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from carepath.accounts.models import User
from carepath.audit import log as audit
from carepath.measures import actions as measures
from carepath.measures.models import Mode
from carepath.patients.models import Patient

from . import actions_assessment as actions
from . import queries_assessment as queries
from .models import Enquiry, Stage

DSM = {"severe": {str(n): 1 if n <= 7 else 0 for n in range(1, 11)},
       "moderate": {str(n): 1 if n <= 4 else 0 for n in range(1, 11)}}
CSSRS_NONE = {"1": 0, "2": 0, "6": 0}
PUF_HIGH = {"1": 3, "2a": 2, "2b": 2, "3": 0, "5": 2, "6": 2, "7": 2, "8": 2, "9": 2, "10": 2}


def _dimensions(ratings: str, notes: dict[str, str]) -> dict:
    return {str(n): {"rating": int(r), "notes": notes.get(str(n), "")}
            for n, r in enumerate(ratings, start=1)}


# Two stories a clinician can open: values chosen to fire the rules they illustrate.
STORIES = [
    {
        "instruments": [("dsm5-ketamine", DSM["severe"]), ("c-ssrs-screener", CSSRS_NONE),
                        ("puf", PUF_HIGH)],
        "data": {
            "age_first_use": 17, "years_of_use": Decimal("5"), "days_per_week": 6,
            "grams_per_using_day": Decimal("2.5"), "route": "snorted", "binges": True,
            "k_holes": True, "last_use_days_ago": 1,
            "other_substances": {"cannabis": {"frequency": "weekly", "notes": ""}},
            "social": {"housing": "Sofa-surfing since leaving a shared flat.",
                       "work_or_study": "Left college last term.",
                       "family": "Mother is worried and wants to help."},
            "dimensions": _dimensions("222332", {"4": "Weekend binges lasting two to three "
                                                      "days."}),
            "summary": "Weekend binges with K-holes, daily use in between; urinary "
                       "frequency and pain.",
        },
        "accept": True,
    },
    {
        "instruments": [("dsm5-ketamine", DSM["moderate"]), ("c-ssrs-screener", CSSRS_NONE)],
        "data": {
            "age_first_use": 22, "years_of_use": Decimal("2"), "days_per_week": 3,
            "grams_per_using_day": Decimal("1"), "route": "snorted", "binges": False,
            "k_holes": False, "last_use_days_ago": 4,
            "other_substances": {"alcohol": {"frequency": "daily",
                                             "notes": "Four to six cans most evenings."}},
            "social": {"housing": "Own flat.", "work_or_study": "Works full time."},
            "dimensions": _dimensions("211121", {}),
            "summary": "Ketamine at weekends and after work; daily drinking.",
        },
        "accept": False,
        "override": ("intensive_outpatient",
                     "Alcohol withdrawal is being managed by the community alcohol team "
                     "this week; start intensive outpatient alongside."),
    },
]


def add_demo_assessments(org, seed):
    clinician = User.objects.get(organisation=org, username="clinician")
    ctx = audit.Context(user=clinician, purpose="demo data load", via="demo")
    patients = list(Patient.objects.filter(organisation=org, care_team__user=clinician,
                                           episodes__closed_at__isnull=True)
                    .order_by("mrn").distinct()[:3])
    # The demo enquiry that reached "admitted" belongs with a placement, if its patient is
    # one of the clinician's.
    enquiry = (Enquiry.objects.filter(organisation=org, stage=Stage.ADMITTED,
                                      patient__in=patients).first())
    now = timezone.now()
    today = timezone.localdate()
    for index, (patient, story) in enumerate(zip(patients, STORIES, strict=False)):
        linked = enquiry if enquiry is not None and enquiry.patient_id == patient.pk else None
        assessment = actions.book_assessment(ctx, patient, assessor=clinician,
                                             booked_for=now - timedelta(days=2 - index),
                                             enquiry=linked)
        for instrument, answers in story["instruments"]:
            measures.submit(ctx, patient, instrument, answers, mode=Mode.CLINICIAN)
        data = {k: v for k, v in story["data"].items() if k != "last_use_days_ago"}
        data["last_use"] = today - timedelta(days=story["data"]["last_use_days_ago"])
        # Fit the history to the demo patient's age (18 to 45).
        age = actions.age_on(patient.date_of_birth, today)
        first = max(14, min(data["age_first_use"], age - int(data["years_of_use"])))
        data["age_first_use"] = first
        data["years_of_use"] = min(data["years_of_use"], Decimal(age - first))
        actions.complete_assessment(ctx, assessment, data)
        recommendation, _, _ = queries.recommendation_for(assessment)
        level, reason = (recommendation.level, "") if story["accept"] else story["override"]
        own = [s for s in queries.services_for(org.pk) if s.offers(level)]
        actions.decide_placement(ctx, assessment, chosen_level=level, override_reason=reason,
                                 service=own[0] if own else None)
    if len(patients) > len(STORIES):
        tomorrow = timezone.localtime(now + timedelta(days=1)).replace(
            hour=10, minute=0, second=0, microsecond=0)
        actions.book_assessment(ctx, patients[len(STORIES)], assessor=clinician,
                                booked_for=tomorrow)
