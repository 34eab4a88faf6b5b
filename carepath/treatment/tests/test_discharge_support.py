"""Rows the discharge tests build with the ORM (sessions, plans and notes are other
areas' work, so their actions are not used here). Holds no tests itself."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from carepath.conftest import ctx_for
from carepath.measures.models import Mode, Response
from carepath.patients import actions as patient_actions
from carepath.treatment.models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    Goal,
    Objective,
    ObjectiveStatus,
    PlanStatus,
    Problem,
    ProblemKind,
    Programme,
    Session,
    SessionFormat,
    SessionType,
    TreatmentPlan,
)


def open_episode(patient, user, *, days_ago=40, level="residential"):
    return patient_actions.open_episode(
        ctx_for(user), patient, reason="Daily ketamine use, bladder pain", level_of_care=level,
        opened_at=timezone.now() - timedelta(days=days_ago))


def session(org, clinician, *, starts_at, fmt=SessionFormat.GROUP,
            kind=SessionType.GROUP_THERAPY):
    return Session.objects.create(
        organisation=org, session_type=kind, format=fmt, starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1), clinician=clinician, created_by=clinician)


def attend(patient, sess, status=AttendanceStatus.ATTENDED, enrolment=None):
    return Attendance.objects.create(session=sess, patient=patient, status=status,
                                     enrolment=enrolment)


def response(patient, instrument_id, total, band, *, days_ago, amends=None):
    when = timezone.now() - timedelta(days=days_ago)
    return Response.objects.create(
        organisation_id=patient.organisation_id, patient=patient, instrument_id=instrument_id,
        instrument_version="1", status=Response.Status.SUBMITTED, mode=Mode.CLINICIAN,
        total=total, band=band, created_at=when, submitted_at=when, amends=amends)


def plan(episode, user, objectives):
    """An active plan with one problem and goal and the given (text, status) objectives."""
    p = TreatmentPlan.objects.create(
        patient=episode.patient, episode=episode, version=2, status=PlanStatus.ACTIVE,
        created_by=user, activated_at=timezone.now() - timedelta(days=20), activated_by=user,
        next_review_on=date.today() + timedelta(days=10))
    problem = Problem.objects.create(plan=p, kind=ProblemKind.SUBSTANCE_USE,
                                     statement="Uses ketamine daily")
    goal = Goal.objects.create(problem=problem, in_patients_words="I want to stop")
    for order, (text, status) in enumerate(objectives, start=1):
        Objective.objects.create(goal=goal, order=order, text=text, status=status,
                                 target_date=date.today() + timedelta(days=30))
    return p


def enrol(org, episode, user, level="residential"):
    programme = Programme.objects.get_or_create(
        organisation=org, name="Residential 28 days",
        defaults={"level_of_care": level, "duration_days": 28})[0]
    return Enrolment.objects.create(
        patient=episode.patient, episode=episode, programme=programme,
        starts_on=date.today() - timedelta(days=10), ends_on=date.today() + timedelta(days=18),
        enrolled_by=user)


MET, OPEN, NOT_MET = ObjectiveStatus.MET, ObjectiveStatus.OPEN, ObjectiveStatus.NOT_MET
