"""Reads of supervised-withdrawal records. Each reads a bounded number of rows with a
fixed number of queries, whatever the length of the record (a year of observations
every four hours is about 2,000 rows: never load them all)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, OuterRef, Subquery
from django.utils import timezone

from carepath.access.policy import visible_patients
from carepath.alerts.models import Alert
from carepath.pagination import paginate
from carepath.patients.models import Patient

from . import redflags, schedule, symptoms, vitals
from .models import MedicationNote, Observation, ObservationPlan

PAGE_SIZE = 25
MEDICATION_SHOWN = 20
# Trend windows a user may choose, in hours; anything else falls back to the default.
WINDOWS = [(24, "24 hours"), (72, "72 hours"), (168, "7 days"), (336, "14 days")]
DEFAULT_WINDOW = 72
# However often observations were taken, a chart draws at most this many (the newest).
TREND_MAX_POINTS = 500
HANDOVER_HOURS = 12
BOARD_LIMIT = 500
ALERT_FLAG = "withdrawal-red-flag"


def window_hours(value) -> int:
    try:
        hours = int(value)
    except (TypeError, ValueError):
        return DEFAULT_WINDOW
    return hours if hours in dict(WINDOWS) else DEFAULT_WINDOW


def plan_for(patient) -> ObservationPlan | None:
    """The patient's latest observation plan (the open episode's, when there is one)."""
    return (ObservationPlan.objects.filter(patient=patient).select_related("episode")
            .order_by(F("episode__closed_at").desc(nulls_first=True), "-started_at", "-pk")
            .first())


def last_taken_at(patient, since=None) -> datetime | None:
    """When the last valid observation (not entered in error) was taken."""
    rows = Observation.objects.filter(patient=patient, entered_in_error_at__isnull=True)
    if since is not None:
        rows = rows.filter(taken_at__gte=since)
    return rows.order_by("-taken_at").values_list("taken_at", flat=True).first()


def plan_status(patient, now=None):
    now = now or timezone.now()
    plan = plan_for(patient)
    if plan is None:
        return None, None
    if plan.episode.closed_at is not None:
        plan.ended_at = plan.ended_at or plan.episode.closed_at
    last = last_taken_at(patient, since=plan.started_at)
    return plan, schedule.status(plan, last, now)


def observations_page(patient, page, size: int = PAGE_SIZE):
    rows = (Observation.objects.filter(patient=patient)
            .select_related("recorded_by", "entered_in_error_by")
            .order_by("-taken_at", "-pk"))
    return paginate(rows, page, size)


def observations_between(patient, since, until, *, limit=TREND_MAX_POINTS,
                         valid_only=True) -> list[Observation]:
    """Observations taken in [since, until], oldest first: at most ``limit`` (the newest)."""
    rows = Observation.objects.filter(patient=patient, taken_at__gte=since, taken_at__lte=until)
    if valid_only:
        rows = rows.filter(entered_in_error_at__isnull=True)
    newest = list(rows.select_related("recorded_by").order_by("-taken_at", "-pk")[:limit])
    return newest[::-1]


def medication_notes(patient, *, since=None, limit=MEDICATION_SHOWN) -> list[MedicationNote]:
    rows = MedicationNote.objects.filter(patient=patient)
    if since is not None:
        rows = rows.filter(given_at__gte=since)
    return list(rows.select_related("recorded_by").order_by("-given_at", "-pk")[:limit])


def open_red_flag_alerts(patient) -> list[Alert]:
    return list(Alert.objects.open().filter(patient=patient, flag=ALERT_FLAG)
                .order_by("-raised_at")[:20])


def decorate(observations, rules) -> None:
    """Attach what templates show: the symptom total and the red flags' labels."""
    for obs in observations:
        obs.symptom_total = symptoms.total(obs.symptoms)
        obs.symptom_list = [(s.label, obs.symptoms[s.key]) for s in symptoms.SYMPTOMS
                            if obs.symptoms.get(s.key) is not None]
        obs.flag_labels = redflags.labels(obs.red_flags, rules)


# --- Trend chart ----------------------------------------------------------------------

SERIES = [("craving", "Craving (0–10)", "Craving and symptoms"),
          ("symptom_total", f"Symptom total (0–{3 * len(symptoms.SYMPTOMS)})",
           "Craving and symptoms"),
          ("heart_rate", "Heart rate (a minute)", "Vital signs"),
          ("systolic", "Systolic (mmHg)", "Vital signs"),
          ("diastolic", "Diastolic (mmHg)", "Vital signs"),
          ("respiratory_rate", "Respiratory rate (a minute)", "Vital signs"),
          ("spo2", "SpO2 (%)", "Vital signs"),
          ("temperature", "Temperature (°C)", "Temperature")]
PANELS = ["Craving and symptoms", "Vital signs", "Temperature"]


def _value(obs, key):
    value = obs.symptom_total if key == "symptom_total" else getattr(obs, key)
    return float(value) if value is not None else None


def trend_spec(observations, hours: int) -> dict | None:
    """A Vega-Lite spec: three panels over the same time axis (craving and symptom total,
    vital signs, temperature), one line per series; red flags marked. None without data."""
    values = []
    for obs in observations:
        for key, label, panel in SERIES:
            value = _value(obs, key)
            if value is not None:
                values.append({"time": obs.taken_at.isoformat(), "series": label,
                               "panel": panel, "value": value,
                               "flagged": bool(obs.red_flags)})
    if not values:
        return None
    x = {"field": "time", "type": "temporal", "title": "Time taken",
         "axis": {"format": "%-d %b %H:%M", "labelAngle": 0, "labelOverlap": "greedy"}}
    charts = []
    for panel in PANELS:
        rows = [v for v in values if v["panel"] == panel]
        if not rows:
            continue
        colour = {"field": "series", "type": "nominal", "title": None,
                  "legend": {"orient": "right", "labelLimit": 260}}
        charts.append({
            "title": {"text": panel, "anchor": "start", "fontSize": 13},
            "width": 560, "height": 160, "data": {"values": rows},
            "layer": [
                {"mark": {"type": "line", "point": {"filled": True, "size": 40}},
                 "encoding": {"x": x, "y": {"field": "value", "type": "quantitative",
                                            "title": None, "scale": {"zero": False}},
                              "color": colour}},
                {"transform": [{"filter": {"field": "flagged", "equal": True}}],
                 "mark": {"type": "point", "shape": "triangle-up", "size": 150,
                          "color": "#b50909", "filled": True},
                 "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}}},
            ]})
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "description": (f"Withdrawal observations over the last {hours} hours: "
                        f"{len(observations)} observation sets. Red triangles mark "
                        "observations that met a red-flag rule. The table has the same data."),
        "vconcat": charts,
        "config": {"font": "Source Sans Pro Web, Helvetica Neue, Helvetica, Roboto, Arial, "
                           "sans-serif", "view": {"stroke": None}},
    }


# --- Shift handover -------------------------------------------------------------------

@dataclass
class Change:
    label: str
    first: object
    last: object
    first_at: datetime
    last_at: datetime

    @property
    def difference(self):
        try:
            return self.last - self.first
        except TypeError:
            return None


@dataclass
class Handover:
    since: datetime
    until: datetime
    plan: ObservationPlan | None
    status: object
    observations: list = field(default_factory=list)
    in_error: list = field(default_factory=list)
    flagged: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    medication: list = field(default_factory=list)
    open_alerts: list = field(default_factory=list)
    missed: int = 0


def _changes(observations) -> list[Change]:
    out = []
    keys = [("craving", "Craving (0–10)"), ("symptom_total", "Symptom total")]
    keys += [(v.field, f"{v.label} ({v.unit})") for v in vitals.VITALS]
    for key, label in keys:
        points = [(o.taken_at, o.symptom_total if key == "symptom_total" else getattr(o, key))
                  for o in observations]
        points = [(t, v) for t, v in points if v is not None]
        if points:
            out.append(Change(label, points[0][1], points[-1][1], points[0][0], points[-1][0]))
    return out


def handover(patient, now=None, hours: int = HANDOVER_HOURS) -> Handover:
    """What the next shift needs: the last ``hours`` of red flags, trends, what is due or
    overdue, and medication given. Bounded: one shift's rows."""
    now = now or timezone.now()
    since = now - timedelta(hours=hours)
    plan, status = plan_status(patient, now)
    rows = observations_between(patient, since, now, limit=TREND_MAX_POINTS, valid_only=False)
    rules = redflags.rules_for(patient.organisation_id)
    decorate(rows, rules)
    valid = [o for o in rows if not o.in_error]
    result = Handover(since=since, until=now, plan=plan, status=status, observations=rows,
                      in_error=[o for o in rows if o.in_error],
                      flagged=[o for o in valid if o.red_flags], changes=_changes(valid),
                      medication=medication_notes(patient, since=since, limit=200)[::-1],
                      open_alerts=open_red_flag_alerts(patient))
    if plan is not None and status is not None and status.due_at is not None and status.overdue:
        every = schedule.interval_at(plan, status.due_at)
        result.missed = max(1, int((now - status.due_at) / every) + 1)
    return result


# --- Ward board -----------------------------------------------------------------------

@dataclass
class BoardRow:
    patient: Patient
    plan: ObservationPlan
    last_taken_at: datetime | None
    status: schedule.Status
    open_alerts: int


def board(user, now=None) -> list[BoardRow]:
    """Visible patients with an open observation plan on an open episode: overdue first
    (longest overdue first), then by next due. Two queries."""
    now = now or timezone.now()
    last = (Observation.objects.filter(patient=OuterRef("patient"),
                                       entered_in_error_at__isnull=True,
                                       taken_at__gte=OuterRef("started_at"))
            .order_by("-taken_at").values("taken_at")[:1])
    alerts = (Alert.objects.filter(patient=OuterRef("patient"), flag=ALERT_FLAG,
                                   status=Alert.Status.OPEN)
              .order_by().values("patient").annotate(n=Count("pk")).values("n"))
    plans = (ObservationPlan.objects
             .filter(ended_at__isnull=True, episode__closed_at__isnull=True,
                     patient__in=visible_patients(user, Patient.objects.all()))
             .select_related("patient")
             .annotate(last_taken=Subquery(last), open_alerts=Subquery(alerts))
             .order_by("pk")[:BOARD_LIMIT])
    rows = [BoardRow(p.patient, p, p.last_taken, schedule.status(p, p.last_taken, now),
                     p.open_alerts or 0) for p in plans]
    rows.sort(key=lambda r: (not r.status.overdue, r.status.due_at or now, r.patient.pk))
    return rows
