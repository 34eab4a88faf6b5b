"""Days in recovery, counted so that a lapse never erases what was achieved.

A day counts as a day of recovery when it has at least one check-in and none of that
day's check-ins reported ketamine use (a design choice, docs/checkins.md). A lapse only
ever changes its own day: the month's and the all-time totals keep every earlier day.
The figures come from one aggregate query, plus (when a run may be under way) one query
of dates since the last use, one value per day: never the person's three years of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Max, Q

RUN_CHUNK = 400  # dates fetched at a time while following the current run back


@dataclass(frozen=True)
class RecoveryCount:
    this_month: int  # days this month reported free of ketamine
    month_days: int  # days of this month so far
    all_time: int  # days reported free of ketamine since the first check-in
    current_run: int  # consecutive days since the last reported use
    last_use_on: date | None


def recovery_count(patient, today: date) -> RecoveryCount:
    from .models import CheckIn

    month_start = today.replace(day=1)
    used = Q(used_ketamine=True)
    in_month = Q(checkin_date__gte=month_start)
    totals = CheckIn.objects.filter(patient=patient, checkin_date__lte=today).aggregate(
        days=Count("checkin_date", distinct=True),
        use_days=Count("checkin_date", distinct=True, filter=used),
        month_days=Count("checkin_date", distinct=True, filter=in_month),
        month_use_days=Count("checkin_date", distinct=True, filter=in_month & used),
        last_use_on=Max("checkin_date", filter=used))
    last_use_on = totals["last_use_on"]
    all_time = totals["days"] - totals["use_days"]
    this_month = totals["month_days"] - totals["month_use_days"]
    run = _current_run(patient, today, last_use_on) if all_time else 0
    return RecoveryCount(this_month=this_month, month_days=today.day, all_time=all_time,
                         current_run=run, last_use_on=last_use_on)


def _current_run(patient, today: date, last_use_on: date | None) -> int:
    """Consecutive recovery days ending today, or yesterday when today has no check-in
    yet (the day is not over). Every date after the last use is a recovery day, so one
    query reads those dates (one value per day, newest first) and stops at the first gap."""
    from .models import CheckIn

    if last_use_on == today:
        return 0  # a lapse today: the run starts again tomorrow
    dates = (CheckIn.objects.filter(patient=patient, checkin_date__lte=today)
             .order_by("-checkin_date").values_list("checkin_date", flat=True).distinct())
    if last_use_on is not None:
        dates = dates.filter(checkin_date__gt=last_use_on)
    run, expected = 0, None
    for day in dates.iterator(chunk_size=RUN_CHUNK):
        if expected is None:
            if day < today - timedelta(days=1):
                return 0  # nothing today or yesterday: no run under way
            expected = day
        if day != expected:
            break
        run += 1
        expected = day - timedelta(days=1)
    return run
