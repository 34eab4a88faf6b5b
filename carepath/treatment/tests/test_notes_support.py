"""Shared set-up for the notes tests: sessions, attendance and plans made with the ORM
(the session and plan actions are other people's work and not needed here)."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from carepath.conftest import ctx_for
from carepath.patients import actions as patient_actions
from carepath.treatment.models import (
    Attendance,
    AttendanceStatus,
    Goal,
    Objective,
    PlanStatus,
    Problem,
    Session,
    SessionFormat,
    SessionType,
    TreatmentPlan,
)


def make_session(org, clinician, *, fmt=SessionFormat.GROUP,
                 session_type=SessionType.RELAPSE_PREVENTION, hours_ago=2, **fields):
    start = timezone.now() - timedelta(hours=hours_ago)
    return Session.objects.create(
        organisation=org, session_type=session_type, format=fmt, starts_at=start,
        ends_at=start + timedelta(hours=1), clinician=clinician, created_by=clinician,
        title=fields.pop("title", "Relapse prevention group"), **fields)


def attend(session, patient, status=AttendanceStatus.ATTENDED):
    return Attendance.objects.create(session=session, patient=patient, status=status)


def active_plan(patient, by, objectives=("Attend 3 groups a week for 4 weeks",)):
    """An active plan with one problem, one goal and the given objectives."""
    episode = patient.episodes.filter(closed_at__isnull=True).first()
    if episode is None:
        episode = patient_actions.open_episode(ctx_for(by), patient, reason="Admitted",
                                               level_of_care="outpatient")
    plan = TreatmentPlan.objects.create(patient=patient, episode=episode, created_by=by,
                                        status=PlanStatus.ACTIVE,
                                        activated_at=timezone.now(), activated_by=by)
    problem = Problem.objects.create(plan=plan, kind="substance_use",
                                     statement="Daily ketamine use")
    goal = Goal.objects.create(problem=problem, in_patients_words="I want to stop using")
    return [Objective.objects.create(goal=goal, order=n, text=text,
                                     target_date=date.today() + timedelta(days=28))
            for n, text in enumerate(objectives, start=1)]
