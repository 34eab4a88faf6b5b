"""When the next observation is due.

A plan observes every ``early_every_hours`` for the first ``early_for_hours`` after it
starts, then every ``later_every_hours`` until it ends (defaults from settings:
4 hours for 72 hours, then 8). The first observation is due when the plan starts; each
later one is due an interval after the last valid observation (one entered in error
does not count), the interval being the one in force when that observation was taken.
This timeline is a template, not evidence (CLINICAL.md section 4): each plan can change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings


def default_plan_values() -> dict:
    return {"early_every_hours": settings.CAREPATH_OBSERVATION_EARLY_EVERY_HOURS,
            "early_for_hours": settings.CAREPATH_OBSERVATION_EARLY_FOR_HOURS,
            "later_every_hours": settings.CAREPATH_OBSERVATION_LATER_EVERY_HOURS}


def interval_at(plan, moment: datetime) -> timedelta:
    """The interval in force at ``moment``: early until ``early_for_hours`` have passed."""
    early_until = plan.started_at + timedelta(hours=plan.early_for_hours)
    hours = plan.early_every_hours if moment < early_until else plan.later_every_hours
    return timedelta(hours=hours)


def next_due(plan, last_taken_at: datetime | None) -> datetime | None:
    """When the next observation is due; None once the plan has ended."""
    if plan is None or plan.ended_at is not None:
        return None
    if last_taken_at is None or last_taken_at < plan.started_at:
        return plan.started_at
    # The interval in force when it was taken: one at 70 h is due at 74 h, one at 72 h
    # at 80 h.
    return last_taken_at + interval_at(plan, last_taken_at)


@dataclass(frozen=True)
class Status:
    due_at: datetime | None
    overdue: bool
    minutes_overdue: int
    phase: str  # "early", "later" or "ended"


def status(plan, last_taken_at: datetime | None, now: datetime) -> Status:
    if plan is None or plan.ended_at is not None:
        return Status(None, False, 0, "ended")
    due = next_due(plan, last_taken_at)
    phase = ("early" if now < plan.started_at + timedelta(hours=plan.early_for_hours)
             else "later")
    late = now > due
    minutes = int((now - due).total_seconds() // 60) if late else 0
    return Status(due, late, minutes, phase)
