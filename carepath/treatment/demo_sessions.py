"""Demo sessions, made through the actions (audited like real ones): the default
programmes and rooms; ten of the demo clinician's patients in the intensive outpatient
programme since two weeks ago (shared 10-person groups), one in weekly outpatient;
attendance recorded for past sessions, with a few lates and two no-shows (so two
outreach tasks are open on the caseload)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from carepath.accounts.models import User
from carepath.audit import log as audit
from carepath.patients.models import Patient

from . import actions_programmes, actions_sessions
from .models import Attendance, AttendanceStatus, Enrolment, Programme, SessionStatus

IOP = "Intensive outpatient (12 weeks)"
OUTPATIENT = "Outpatient (weekly)"
STARTED_DAYS_AGO = 14


def add_demo_sessions(org, seed):
    clinician = User.objects.filter(organisation=org, username="clinician").first()
    actions_programmes.install_default_programmes(org)
    if clinician is None or Enrolment.objects.filter(enrolled_by=clinician).exists():
        return
    ctx = audit.Context(user=clinician, purpose="demo data load", via="demo")
    rng = random.Random(seed)
    today = timezone.localdate()
    start = today - timedelta(days=STARTED_DAYS_AGO)
    opened_before = timezone.now() - timedelta(days=STARTED_DAYS_AGO + 1)
    patients = list(Patient.objects.filter(
        organisation=org, care_team__user=clinician, episodes__closed_at__isnull=True,
        episodes__opened_at__lt=opened_before).order_by("mrn")[:11])
    programmes = {p.name: p for p in Programme.objects.filter(organisation=org)}
    for n, patient in enumerate(patients):
        name = IOP if n < 10 else OUTPATIENT
        actions_programmes.enrol(ctx, patient, programme=programmes[name], starts_on=start,
                                 clinician=clinician)
    _record_past_attendance(ctx, org, rng)


def _record_past_attendance(ctx, org, rng) -> None:
    """Mostly attended; some late or leaving early; exactly two no-shows."""
    now = timezone.now()
    rows = list(Attendance.objects.filter(
        session__organisation=org, session__starts_at__lt=now - timedelta(hours=3),
        session__status=SessionStatus.SCHEDULED, status=AttendanceStatus.EXPECTED)
        .select_related("session").order_by("session__starts_at", "pk"))
    by_session: dict = {}
    for row in rows:
        by_session.setdefault(row.session, []).append(row)
    no_shows = 2
    sessions = list(by_session.items())
    for index, (session, attendees) in enumerate(sessions):
        last = index >= len(sessions) - 2  # the two newest sessions carry the no-shows
        entries = {}
        for row in attendees:
            roll = rng.random()
            if last and no_shows:
                status, no_shows = AttendanceStatus.NO_SHOW, no_shows - 1
            elif roll < 0.08:
                status = AttendanceStatus.LATE
            elif roll < 0.12:
                status = AttendanceStatus.LEFT_EARLY
            else:
                status = AttendanceStatus.ATTENDED
            entries[str(row.uuid)] = (status, "")
        actions_sessions.record_attendance(ctx, session, entries)
