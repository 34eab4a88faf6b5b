"""The person's to-do list in the portal (owner: portal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class PortalTask:
    kind: str  # checkin, measure, follow_up, risk_window
    title: str
    url: str
    due_on: date | None
    state: str  # due, overdue, upcoming


def tasks_for(patient, today: date) -> list[PortalTask]:
    return []
