"""Days in recovery, counted so that a lapse never erases what was achieved (owner: check-ins)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RecoveryCount:
    this_month: int  # days this month reported free of ketamine
    month_days: int  # days of this month so far
    all_time: int  # days reported free of ketamine since the first check-in
    current_run: int  # consecutive days since the last reported use
    last_use_on: date | None


def recovery_count(patient, today: date) -> RecoveryCount:
    return RecoveryCount(0, today.day, 0, 0, None)
