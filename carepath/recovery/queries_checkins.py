"""Reads of check-ins. Callers have already checked access."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from django.db.models import Avg, Case, Max, Value, When
from django.db.models.fields import IntegerField

from carepath.pagination import Page, paginate

PAGE_SIZE = 20
PAGE_SIZE_MAX = 100


class DayPoint(NamedTuple):
    """One day of check-ins for the charts (means over the day's check-ins)."""

    day: date
    craving: float | None
    mood: float | None
    sleep_hours: float | None
    used: bool


def today_checkins(patient, today):
    """The person's check-ins dated ``today``, newest first."""
    from .models import CheckIn

    return list(CheckIn.objects.filter(patient=patient, checkin_date=today))


def clamp_page_size(value) -> int:
    try:
        return min(max(int(value), 1), PAGE_SIZE_MAX)
    except (TypeError, ValueError):
        return PAGE_SIZE


def checkins_page(patient, page, size: int = PAGE_SIZE) -> Page:
    """One page of the person's check-ins, newest first (no COUNT: see pagination)."""
    from .models import CheckIn

    return paginate(CheckIn.objects.filter(patient=patient)
                    .order_by("-checkin_date", "-submitted_at", "-pk"), page, size)


def get_checkin(patient, checkin_uuid):
    """The person's own check-in with this UUID, or None (never another person's)."""
    from .models import CheckIn

    try:
        return CheckIn.objects.filter(patient=patient, uuid=checkin_uuid).first()
    except (ValueError, TypeError):
        return None


def _mean(value) -> float | None:
    return None if value is None else round(float(value), 2)


def daily_series(patient, since: date, until: date) -> list[DayPoint]:
    """One point per day with check-ins, ``since`` to ``until`` inclusive, oldest first:
    the day's mean craving, mood and sleep, and whether any check-in reported use.
    One grouped query; days without a check-in are absent (a gap, not a zero)."""
    from .models import CheckIn

    rows = (CheckIn.objects.filter(patient=patient, checkin_date__gte=since,
                                   checkin_date__lte=until)
            .order_by().values("checkin_date")
            .annotate(craving=Avg("craving"), mood=Avg("mood"), sleep=Avg("sleep_hours"),
                      # MAX over a boolean is not portable (PostgreSQL has no max(bool)).
                      used=Max(Case(When(used_ketamine=True, then=Value(1)), default=Value(0),
                                    output_field=IntegerField())))
            .order_by("checkin_date"))
    return [DayPoint(r["checkin_date"], _mean(r["craving"]), _mean(r["mood"]),
                     _mean(r["sleep"]), bool(r["used"])) for r in rows]


def series(patient, since: date, until: date | None = None) -> list[DayPoint]:
    """``daily_series`` up to today (the organisation's) when ``until`` is not given."""
    if until is None:
        from .actions_checkins import organisation_today

        until = organisation_today(patient.organisation)
    return daily_series(patient, since, until)


def outreach_requested(checkin) -> bool:
    """Whether the person already asked to be contacted about this check-in."""
    from carepath.treatment.models import OutreachTask

    from .actions_checkins import OBJECT_TYPE, OUTREACH_REASON

    return OutreachTask.objects.filter(source_type=OBJECT_TYPE, source_uuid=checkin.uuid,
                                       reason=OUTREACH_REASON).exists()


def alert_raised(checkin) -> bool:
    """Whether this check-in raised the blood-in-urine alert."""
    from carepath.alerts.models import Alert

    from .actions_checkins import ALERT_FLAG, OBJECT_TYPE

    return Alert.objects.filter(source_type=OBJECT_TYPE, source_uuid=checkin.uuid,
                                flag=ALERT_FLAG).exists()
