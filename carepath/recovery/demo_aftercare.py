"""Demo data: aftercare, made through the actions (audited like real records).

- The demo "patient" logs a few support meetings.
- Treatment's demo discharges (signed today) already have their follow-ups (the receiver
  scheduled them); so that the staff page shows a completed one, one more patient of
  the demo clinician is discharged 35 days ago, and their 30-day follow-up is answered
  on a phone call.
The extra discharge is made only when treatment's demo discharges exist, so loading the
demo without them (as treatment's own demo test does) leaves the discharges alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from carepath.accounts.models import User
from carepath.audit import log as audit
from carepath.patients.models import Patient

from . import actions_aftercare as actions
from .followups import schedule_follow_ups
from .models import FollowUp, FollowUpStatus, MeetingKind, SupportMeeting

DISCHARGED_DAYS_AGO = 35
MEETINGS = [  # (days ago, kind, name, note)
    (2, MeetingKind.TWELVE_STEP, "Thursday evening group", ""),
    (6, MeetingKind.SMART, "SMART Recovery, Deansgate", "Worked on my cost-benefit list."),
    (13, MeetingKind.TWELVE_STEP, "Thursday evening group", ""),
    (20, MeetingKind.OTHER, "Recovery café", "Met two people from the group."),
]


def _meetings(org) -> None:
    patient = Patient.objects.filter(organisation=org, user__username="patient").first()
    if patient is None or SupportMeeting.objects.filter(patient=patient).exists():
        return
    ctx = audit.Context(user=patient.user, purpose="demo data load", via="demo")
    today = timezone.localdate()
    for days, kind, name, note in MEETINGS:
        actions.log_meeting(ctx, patient, met_on=today - timedelta(days=days), kind=kind,
                            name=name, note=note)


def _past_discharge_candidate(org, clinician):
    from carepath.treatment.models import Attendance, Discharge, Enrolment
    from carepath.withdrawal.models import Observation

    opened_before = timezone.now() - timedelta(days=DISCHARGED_DAYS_AGO + 5)
    busy = [Discharge, Enrolment, Attendance, Observation]
    patients = Patient.objects.filter(
        organisation=org, care_team__user=clinician, user__isnull=True,
        episodes__closed_at__isnull=True, episodes__opened_at__lt=opened_before)
    for model in busy:
        patients = patients.exclude(Exists(model.objects.filter(patient=OuterRef("pk"))))
    return patients.distinct().order_by("mrn").first()


def _completed_follow_up(org) -> None:
    from carepath.treatment import actions_discharge as discharge_actions
    from carepath.treatment.demo_discharge import AFTERCARE, SUMMARY
    from carepath.treatment.models import Discharge

    clinician = User.objects.filter(organisation=org, username="clinician").first()
    if clinician is None or not Discharge.objects.filter(patient__organisation=org).exists():
        return
    if FollowUp.objects.filter(organisation=org, status=FollowUpStatus.COMPLETED).exists():
        return
    patient = _past_discharge_candidate(org, clinician)
    if patient is None:
        return
    ctx = audit.Context(user=clinician, purpose="demo data load", via="demo")
    on = timezone.localdate() - timedelta(days=DISCHARGED_DAYS_AGO)
    draft = discharge_actions.start_discharge(ctx, patient, reason="completed",
                                              discharged_on=on)
    text = draft.summary.replace(discharge_actions.drafting.CLINICIAN_PROMPT, SUMMARY)
    draft = discharge_actions.save_draft(ctx, draft, reason="completed", discharged_on=on,
                                         summary=text, aftercare_plan=AFTERCARE)
    signed = discharge_actions.sign_discharge(ctx, draft)
    first = FollowUp.objects.filter(discharge=signed).order_by("day_offset").first()
    if first is not None:
        actions.answer_follow_up(ctx, first, used_since_discharge=False,
                                 days_abstinent_past_30=30, wellbeing=14)


def add_demo_aftercare(org, seed: int) -> None:
    _meetings(org)
    schedule_follow_ups()  # a no-op when the receiver did its work; shows it is safe
    _completed_follow_up(org)
