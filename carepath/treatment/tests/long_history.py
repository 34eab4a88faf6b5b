"""A patient's long history for the chart tests and bench/treatment_chart.py: a year of
withdrawal observations every 4 hours, a medication note a day, 150 sessions with
attendance and a signed note each, and an active plan. Bulk-inserted: the callers
measure reads, not writes."""

from datetime import timedelta
from decimal import Decimal


def build_history(org, patient, episode, *, clinician, nurse, days: int, sessions: int):
    """A year of observations, medication notes, sessions with attendance and notes,
    and an active plan, bulk-inserted (the benchmark measures reads, not writes)."""
    from django.utils import timezone

    from carepath.treatment.models import (
        Attendance,
        AttendanceStatus,
        ClinicalNote,
        Goal,
        NoteStatus,
        Objective,
        PlanStatus,
        Problem,
        ProblemKind,
        Session,
        SessionFormat,
        SessionStatus,
        SessionType,
        TreatmentPlan,
    )
    from carepath.withdrawal.models import MedicationNote, Observation, ObservationPlan

    now = timezone.now()
    start = now - timedelta(days=days)
    ObservationPlan.objects.create(patient=patient, episode=episode, started_at=start,
                                   created_by=nurse)
    observations = []
    for i in range(days * 6):
        taken = start + timedelta(hours=4 * i)
        observations.append(Observation(
            patient=patient, episode=episode, taken_at=taken, recorded_at=taken,
            recorded_by=nurse, symptoms={"anxiety": i % 4, "insomnia": (i // 3) % 4},
            craving=i % 11, heart_rate=70 + i % 30, systolic=110 + i % 20,
            diastolic=70 + i % 10, temperature=Decimal("36.8"), respiratory_rate=16,
            spo2=97))
    Observation.objects.bulk_create(observations, batch_size=2000)
    MedicationNote.objects.bulk_create([
        MedicationNote(patient=patient, episode=episode, given_at=start + timedelta(days=d),
                       medicine="Paracetamol", dose="1 g", route="oral",
                       reason="Headache", recorded_by=nurse) for d in range(days)],
        batch_size=2000)
    rows = []
    for i in range(sessions):
        at = now - timedelta(days=sessions - i)
        rows.append(Session(organisation=org, session_type=SessionType.CBT,
                            format=SessionFormat.INDIVIDUAL, starts_at=at,
                            ends_at=at + timedelta(minutes=50), clinician=clinician,
                            status=SessionStatus.HELD, created_by=clinician))
    Session.objects.bulk_create(rows)
    made = list(Session.objects.filter(uuid__in=[r.uuid for r in rows]).order_by("starts_at"))
    Attendance.objects.bulk_create([
        Attendance(session=s, patient=patient, recorded_at=s.ends_at, recorded_by=clinician,
                   status=AttendanceStatus.NO_SHOW if i % 10 == 0 else AttendanceStatus.ATTENDED)
        for i, s in enumerate(made)])
    ClinicalNote.objects.bulk_create([
        ClinicalNote(patient=patient, episode=episode, session=s, author=clinician,
                     template="dap", sections={"data": "Attended.", "assessment": "Engaged.",
                                               "plan": "Continue."},
                     status=NoteStatus.SIGNED, created_at=s.ends_at, updated_at=s.ends_at,
                     signed_at=s.ends_at, content_digest="0" * 64)
        for s in made])
    plan = TreatmentPlan.objects.create(patient=patient, episode=episode, created_by=clinician,
                                        status=PlanStatus.ACTIVE, activated_at=start,
                                        activated_by=clinician,
                                        next_review_on=(now + timedelta(days=10)).date())
    problem = Problem.objects.create(plan=plan, kind=ProblemKind.SUBSTANCE_USE,
                                     statement="Daily ketamine use")
    goal = Goal.objects.create(problem=problem, in_patients_words="I want my life back")
    Objective.objects.create(goal=goal, text="No ketamine for 4 weeks",
                             target_date=(now + timedelta(days=28)).date())
