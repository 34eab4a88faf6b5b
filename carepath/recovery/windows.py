"""Risk-window occurrences (owner: plans and windows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Occurrence:
    window: object  # RiskWindow
    starts_at: datetime
    ends_at: datetime


def upcoming(patient, now: datetime, within_hours: int = 48) -> list[Occurrence]:
    """Occurrences of the person's windows starting within ``within_hours`` (or under way)."""
    return []


def reminders_due(now: datetime) -> list[Occurrence]:
    """Occurrences, across every patient, whose reminder time has come and whose start has
    not passed (the reminder job sends each once)."""
    return []
