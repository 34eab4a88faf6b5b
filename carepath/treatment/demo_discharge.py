"""Demo discharges, made through the actions (audited like real ones): one of the demo
clinician's weekly-outpatient patients discharged today with a signed summary and an
aftercare plan; another discharged and readmitted (so the Discharge tab shows the link
both ways); a third with a discharge started and left as a draft. The record linked to
the demo "patient" account is left open, so the other journeys keep working."""

from __future__ import annotations

from django.utils import timezone

from carepath.accounts.models import User
from carepath.audit import log as audit
from carepath.patients.models import Patient

from . import actions_discharge as actions
from .models import Discharge, Enrolment, EnrolmentStatus

SUMMARY = ("Engaged well with weekly sessions and the group. No ketamine use reported for "
           "the last six weeks; bladder symptoms improving. No current risk identified. "
           "GP informed by letter.")
AFTERCARE = ("Aftercare group every Tuesday at 18:00 for 12 weeks.\n"
             "Check-in with Chris Morgan on the phone every two weeks.\n"
             "If you use again, or cravings get strong: call the team (01632 960000, "
             "9:00-17:00) the same day; it is not a failure and you can come back.\n"
             "In a crisis: call 999, or NHS 111 and choose the mental health option.")


def _candidates(org, clinician):
    from carepath.withdrawal.models import Observation

    observed = Observation.objects.values("patient_id")
    return list(Patient.objects.filter(organisation=org, care_team__user=clinician,
                                       user__isnull=True, episodes__closed_at__isnull=True)
                .exclude(pk__in=observed).distinct().order_by("mrn"))


def _discharge(ctx, patient, *, reason="completed", sign=True, summary=SUMMARY):
    today = timezone.localdate()
    draft = actions.start_discharge(ctx, patient, reason=reason, discharged_on=today)
    if not sign:
        return draft
    text = draft.summary.replace(actions.drafting.CLINICIAN_PROMPT, summary)
    draft = actions.save_draft(ctx, draft, reason=reason, discharged_on=today, summary=text,
                               aftercare_plan=AFTERCARE)
    return actions.sign_discharge(ctx, draft)


def add_demo_discharge(org, seed):
    clinician = User.objects.filter(organisation=org, username="clinician").first()
    if clinician is None or Discharge.objects.filter(created_by=clinician).exists():
        return
    candidates = _candidates(org, clinician)
    if len(candidates) < 4:
        return
    ctx = audit.Context(user=clinician, purpose="demo data load", via="demo")
    enrolled = set(Enrolment.objects.filter(status=EnrolmentStatus.ACTIVE,
                                            patient__in=candidates)
                   .values_list("patient_id", flat=True))
    # The richest summary: a patient with sessions, if the sessions demo enrolled any.
    with_sessions = [p for p in candidates if p.pk in enrolled]
    rich = with_sessions[-1] if with_sessions else candidates[-1]
    rest = [p for p in candidates if p.pk != rich.pk and p.pk not in enrolled]
    _discharge(ctx, rich)
    readmitted = rest[-1]
    _discharge(ctx, readmitted, summary="Completed residential treatment. " + SUMMARY)
    actions.readmit(ctx, readmitted, reason="Used again after a bereavement; asked to come "
                                            "back", level_of_care="outpatient")
    _discharge(ctx, rest[-2], reason="against_advice", sign=False)
