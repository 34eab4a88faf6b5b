"""Risk-window occurrences.

A window is stored once, in UTC, with its first occurrence; weekly and monthly windows
repeat on the organisation's wall clock (a Friday 22:00 club night stays at 22:00 across
a clock change), so occurrences are computed in the organisation's time zone. A monthly
window on the 29th-31st falls on the month's last day in shorter months.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

MAX_REMIND_HOURS = 72  # actions_windows keeps remind_hours_before within this
MAX_OCCURRENCES = 400  # a bound on any one expansion (eight years of weeks)


@dataclass(frozen=True)
class Occurrence:
    window: object  # RiskWindow
    starts_at: datetime
    ends_at: datetime

    @property
    def reference(self) -> str:
        """What the reminder job keys a send on: the window and this occurrence's start
        (UTC, ISO 8601), at most 62 characters."""
        return f"{self.window.uuid}@{self.starts_at.astimezone(UTC).isoformat()}"

    @property
    def remind_at(self) -> datetime:
        return self.starts_at - timedelta(hours=self.window.remind_hours_before)


def zone(organisation) -> ZoneInfo:
    return ZoneInfo(getattr(organisation, "time_zone", "") or "UTC")


def _add_months(moment: datetime, months: int) -> datetime:
    """Naive wall-clock ``moment`` plus ``months``, the day clamped to the month's end."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _shift(moment: datetime, repeats: str, n: int) -> datetime:
    if repeats == "weekly":
        return moment + timedelta(weeks=n)
    return _add_months(moment, n)


def _aware(wall: datetime, tz: ZoneInfo) -> datetime:
    return wall.replace(tzinfo=tz).astimezone(UTC)


def occurrences(window, tz: ZoneInfo, *, ending_after: datetime,
                starting_before: datetime) -> Iterator[Occurrence]:
    """The window's occurrences with ``ends_at > ending_after`` and
    ``starts_at < starting_before``, in order."""
    if window.cancelled_at is not None:
        return
    if window.repeats not in ("weekly", "monthly"):
        if window.ends_at > ending_after and window.starts_at < starting_before:
            yield Occurrence(window, window.starts_at, window.ends_at)
        return
    start_wall = window.starts_at.astimezone(tz).replace(tzinfo=None)
    wall_length = window.ends_at.astimezone(tz).replace(tzinfo=None) - start_wall
    length = window.ends_at - window.starts_at
    # Jump near the first occurrence that can end after ``ending_after``, then step.
    period = timedelta(weeks=1) if window.repeats == "weekly" else timedelta(days=31)
    first = max(0, (ending_after - window.ends_at) // period - 1)
    for n in range(first, first + MAX_OCCURRENCES):
        wall = _shift(start_wall, window.repeats, n)
        starts, ends = _aware(wall, tz), _aware(wall + wall_length, tz)
        if ends <= starts:  # a wall time lost to a clock change: keep the length
            ends = starts + length
        if starts >= starting_before:
            return
        if ends > ending_after:
            yield Occurrence(window, starts, ends)


def upcoming(patient, now: datetime, within_hours: int = 48) -> list[Occurrence]:
    """Occurrences of the person's windows starting within ``within_hours`` (or under way),
    soonest first; cancelled windows are left out."""
    from .models import RiskWindow

    horizon = now + timedelta(hours=within_hours)
    tz = zone(patient.organisation)
    windows = RiskWindow.objects.filter(patient=patient, cancelled_at__isnull=True,
                                        starts_at__lt=horizon).filter(
        ~Q(repeats="none") | Q(ends_at__gt=now))
    found = [o for w in windows
             for o in occurrences(w, tz, ending_after=now, starting_before=horizon)]
    return sorted(found, key=lambda o: (o.starts_at, o.window.label))


def reminders_due(now: datetime) -> list[Occurrence]:
    """Occurrences, across every patient, whose reminder time has come and whose start has
    not passed: ``start - remind_hours_before <= now < start``.

    Only windows that could have such an occurrence are read: not cancelled, first start
    no later than the longest reminder lead from now, and either repeating or starting
    after now; they are read with a few columns, and the due ones then in full with their
    patient and organisation (two queries in all)."""
    from .models import RiskWindow

    horizon = now + timedelta(hours=MAX_REMIND_HOURS)
    candidates = (RiskWindow.objects.filter(cancelled_at__isnull=True, starts_at__lte=horizon)
                  .filter(~Q(repeats="none") | Q(starts_at__gt=now))
                  .select_related("organisation")
                  .only("pk", "uuid", "organisation_id", "starts_at", "ends_at", "repeats",
                        "remind_hours_before", "cancelled_at", "organisation__time_zone"))
    zones: dict[int, ZoneInfo] = {}
    due: list[tuple[int, datetime, datetime]] = []
    for window in candidates.iterator(chunk_size=2000):
        if window.organisation_id not in zones:
            zones[window.organisation_id] = zone(window.organisation)
        lead = timedelta(hours=window.remind_hours_before)
        for o in occurrences(window, zones[window.organisation_id], ending_after=now,
                             starting_before=now + lead + timedelta(microseconds=1)):
            if o.starts_at - lead <= now < o.starts_at:
                due.append((window.pk, o.starts_at, o.ends_at))
    if not due:
        return []
    full = RiskWindow.objects.select_related("patient", "organisation").in_bulk(
        {pk for pk, _, _ in due})
    return sorted((Occurrence(full[pk], s, e) for pk, s, e in due),
                  key=lambda o: (o.starts_at, o.window.pk))
