"""Which scheduled measures are due or overdue, for a page of patients at a time.

Two queries for any number of patients: their schedules (their own and their
programme's), and the last submitted response per patient and instrument.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Max, Q
from django.utils import timezone

from carepath.patients.models import EpisodeOfCare

from . import catalogue
from .models import Response, Schedule


@dataclass(frozen=True)
class Due:
    instrument_id: str
    title: str
    every_days: int
    due_on: date
    last_on: date | None
    today: date
    schedule_uuid: object
    schedule_pk: int
    for_programme: bool

    @property
    def is_due(self) -> bool:
        return self.due_on <= self.today

    @property
    def is_overdue(self) -> bool:
        return self.today > self.due_on + timedelta(days=settings.CAREPATH_MEASURE_OVERDUE_DAYS)

    @property
    def state(self) -> str:
        return "overdue" if self.is_overdue else "due" if self.is_due else "scheduled"


def current_levels(patient_ids) -> dict:
    """patient id -> level of care of the open episode (one query)."""
    return dict(EpisodeOfCare.objects.filter(patient_id__in=patient_ids, closed_at__isnull=True)
                .values_list("patient_id", "level_of_care"))


def schedules_for(patients, levels: dict) -> dict:
    """patient id -> active schedules (patient's own first, then programme's)."""
    ids = [p.pk for p in patients]
    org_ids = {p.organisation_id for p in patients}
    wanted_levels = {lvl for lvl in levels.values() if lvl}
    rows = list(Schedule.objects.filter(active=True, organisation_id__in=org_ids).filter(
        Q(patient_id__in=ids) | Q(patient__isnull=True, level_of_care__in=wanted_levels))
        .order_by("instrument_id", "pk"))
    found: dict = {pid: [] for pid in ids}
    for p in patients:
        own = [s for s in rows if s.patient_id == p.pk]
        taken = {s.instrument_id for s in own}
        programme = [s for s in rows if s.patient_id is None
                     and s.level_of_care == levels.get(p.pk) and s.organisation_id
                     == p.organisation_id and s.instrument_id not in taken]
        found[p.pk] = own + programme
    return found


def due_for(patients, levels: dict, *, today: date | None = None,
            only_due: bool = False) -> dict:
    """patient id -> [Due], soonest first. ``levels`` maps patient id -> current level."""
    today = today or timezone.localdate()
    schedules = schedules_for(patients, levels)
    instruments = {s.instrument_id for rows in schedules.values() for s in rows}
    last = {}
    if instruments:
        for row in (Response.objects.filter(patient_id__in=list(schedules),
                                            instrument_id__in=instruments,
                                            status=Response.Status.SUBMITTED)
                    .values("patient_id", "instrument_id").annotate(last=Max("submitted_at"))):
            last[(row["patient_id"], row["instrument_id"])] = timezone.localdate(row["last"])
    result = {}
    for pid, rows in schedules.items():
        items = []
        for s in rows:
            previous = last.get((pid, s.instrument_id))
            due_on = (previous + timedelta(days=s.every_days) if previous
                      else timezone.localdate(s.created_at))
            defn = catalogue.load_all().get(s.instrument_id)
            title = defn.title if defn else s.instrument_id
            item = Due(s.instrument_id, title, s.every_days, due_on, previous, today, s.uuid, s.pk,
                       s.patient_id is None)
            if item.is_due or not only_due:
                items.append(item)
        result[pid] = sorted(items, key=lambda d: d.due_on)
    return result
