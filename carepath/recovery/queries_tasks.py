"""The person's to-do list in the portal.

A handful of queries whatever the history: the latest check-in (one row), the measures
due (``measures.due``), the follow-ups due and the risk windows ahead. Callers have
checked that the reader may see the person's own record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

STATE_ORDER = {"overdue": 0, "due": 1, "upcoming": 2}
WINDOW_LOOKAHEAD_HOURS = 48


@dataclass(frozen=True)
class PortalTask:
    kind: str  # checkin, measure, follow_up, risk_window
    title: str
    url: str
    due_on: date | None
    state: str  # due, overdue, upcoming


def checkin_url() -> str:
    return reverse("recovery:checkin")


def latest_checkin(patient):
    """(checkin_date, submitted_at) of the person's latest check-in, or None: one row."""
    from .models import CheckIn

    return (CheckIn.objects.filter(patient=patient).order_by("-checkin_date", "-submitted_at")
            .values_list("checkin_date", "submitted_at").first())


def _checkin_task(latest, today: date) -> list[PortalTask]:
    if latest is not None and latest[0] >= today:
        return []
    return [PortalTask("checkin", "Today's check-in (under a minute)", checkin_url(), today,
                       "due")]


def _measure_tasks(patient, today: date) -> list[PortalTask]:
    from carepath.measures import actions as measures
    from carepath.measures import due

    self_report = {d.id for d in measures.enabled_instruments(patient.organisation_id)
                   if d.self_report}
    level = due.current_levels([patient.pk]).get(patient.pk, "")
    items = due.due_for([patient], {patient.pk: level}, today=today, only_due=True)
    tasks = []
    for item in items.get(patient.pk, []):
        if item.instrument_id not in self_report:
            continue  # completed with a clinician: not the person's to-do
        url = reverse("measures:respond", kwargs={"patient_id": patient.uuid,
                                                  "instrument_id": item.instrument_id})
        tasks.append(PortalTask("measure", f"Questionnaire: {item.title}", url, item.due_on,
                                "overdue" if item.is_overdue else "due"))
    return tasks


def _follow_up_tasks(patient, today: date) -> list[PortalTask]:
    from .queries_aftercare import follow_ups_due

    tasks = []
    for follow_up in follow_ups_due(patient, today):
        days = getattr(follow_up, "day_offset", None)
        title = f"Your {days}-day follow-up questions" if days else "Your follow-up questions"
        due_on = getattr(follow_up, "due_on", None)
        state = "overdue" if due_on is not None and due_on < today else "due"
        tasks.append(PortalTask("follow_up", title, f"/my/follow-ups/{follow_up.uuid}/",
                                due_on, state))
    return tasks


def _window_tasks(upcoming, now: datetime, latest) -> list[PortalTask]:
    tasks = []
    for occurrence in upcoming:
        window = occurrence.window
        prompt_at = occurrence.starts_at - timedelta(hours=window.remind_hours_before)
        if latest is not None and latest[1] >= prompt_at:
            continue  # already checked in since the prompt for this window
        state = "due" if now >= prompt_at else "upcoming"
        tasks.append(PortalTask("risk_window", f"Extra check-in before “{window.label}”",
                                checkin_url(), timezone.localdate(occurrence.starts_at),
                                state))
    return tasks


_UNKNOWN = object()


def tasks_for(patient, today: date, *, latest=_UNKNOWN, upcoming=_UNKNOWN
              ) -> list[PortalTask]:
    """What the person has to do now or soon, most pressing first. A page that has
    already read the latest check-in (``latest_checkin``) or the windows ahead
    (``windows.upcoming`` over WINDOW_LOOKAHEAD_HOURS) passes them to save the queries."""
    now = timezone.now()
    if latest is _UNKNOWN:
        latest = latest_checkin(patient)
    if upcoming is _UNKNOWN:
        from . import windows

        upcoming = windows.upcoming(patient, now, within_hours=WINDOW_LOOKAHEAD_HOURS)
    tasks = (_checkin_task(latest, today) + _measure_tasks(patient, today)
             + _follow_up_tasks(patient, today) + _window_tasks(upcoming, now, latest))
    return sorted(tasks, key=lambda t: (STATE_ORDER.get(t.state, 3), t.due_on or today))
