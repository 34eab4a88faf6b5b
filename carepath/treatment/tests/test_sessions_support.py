"""Helpers shared by the sessions, attendance, calendar and outreach tests (no tests)."""

from datetime import timedelta

from django.utils import timezone

from carepath.conftest import ctx_for
from carepath.patients import actions as patient_actions
from carepath.patients.models import LevelOfCare
from carepath.treatment import actions_programmes, actions_sessions
from carepath.treatment.models import Programme, ProgrammeSlot, Room, SessionFormat, SessionType


def open_episode(user, patient, level=LevelOfCare.INTENSIVE_OUTPATIENT, days_ago=30):
    return patient_actions.open_episode(
        ctx_for(user), patient, reason="Referred for treatment", level_of_care=level,
        opened_at=timezone.now() - timedelta(days=days_ago))


def programme(org, name="Outpatient (weekly)"):
    actions_programmes.install_default_programmes(org)
    return Programme.objects.get(organisation=org, name=name)


def small_group_programme(org, capacity=2, weekday=None, weeks=2):
    """A programme with one group slot on ``weekday`` (default: today's) at 10:00."""
    room = Room.objects.create(organisation=org, name=f"Small room {capacity}",
                               capacity=capacity)
    prog = Programme.objects.create(organisation=org, name=f"Small group {capacity}",
                                    level_of_care=LevelOfCare.OUTPATIENT,
                                    duration_days=7 * weeks)
    day = timezone.localdate().weekday() if weekday is None else weekday
    from datetime import time
    ProgrammeSlot.objects.create(programme=prog, weekday=day, start_time=time(10, 0),
                                 duration_minutes=60, session_type=SessionType.GROUP_THERAPY,
                                 format=SessionFormat.GROUP, title="Small group", room=room)
    return prog


def enrol(user, patient, prog, starts_on=None, **kwargs):
    return actions_programmes.enrol(ctx_for(user), patient, programme=prog,
                                    starts_on=starts_on or timezone.localdate(), **kwargs)


def past_session(user, patient, hours_ago=2, **kwargs):
    """An ad-hoc individual session that started ``hours_ago``."""
    fields = {"session_type": SessionType.CBT, "format": SessionFormat.INDIVIDUAL,
              "starts_at": timezone.now() - timedelta(hours=hours_ago),
              "duration_minutes": 60, "clinician": user, "confirm_overlap": True, **kwargs}
    return actions_sessions.schedule_session(ctx_for(user), patient, **fields)
