"""The clinician's check-in trends: one row per day, drawn as a single Vega-Lite spec of
four panels over the same dates (craving, mood, sleep, use days), built on the server and
handed to the page as data (measures/trend.js draws it; the table gives the same data).

The rows come from ``queries_checkins.daily_series``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
DAY_CHOICES = (30, 90, 365)
DEFAULT_DAYS = 30
LINE_COLOUR = "#1a4480"  # USWDS primary-dark
USED_COLOUR = "#d54309"  # orange-warm-50v: with a different shape, never colour alone
NOT_USED_COLOUR = "#71767a"
USED, NOT_USED = "Ketamine use reported", "No use reported"
WIDTH = 440
FONT = "Source Sans Pro Web, Helvetica Neue, Helvetica, Roboto, Arial, sans-serif"


@dataclass(frozen=True)
class Day:
    date: date
    craving: float | None
    mood: float | None
    sleep_hours: float | None
    used: bool


def days_choice(value) -> int:
    """The window asked for, bounded to the choices (anything else: the default)."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_DAYS
    return days if days in DAY_CHOICES else DEFAULT_DAYS


def daily(patient, since: date, until: date) -> list[Day]:
    """Days with at least one check-in between ``since`` and ``until``, oldest first
    (one grouped query: ``queries_checkins.daily_series``)."""
    from .queries_checkins import daily_series

    return [Day(p.day, p.craving, p.mood, p.sleep_hours, p.used)
            for p in daily_series(patient, since, until)]


def _date_time(day: date) -> dict:
    return {"year": day.year, "month": day.month, "date": day.day, "utc": True}


def _panel(title: str, field: str, y_title: str, domain: list[float] | None) -> dict:
    y = {"field": field, "type": "quantitative", "title": y_title}
    if domain:
        y["scale"] = {"domain": domain, "nice": False}
    return {"title": {"text": title, "anchor": "start", "fontSize": 13},
            "transform": [{"filter": {"field": field, "valid": True}}],
            "layer": [{"mark": {"type": "line", "color": LINE_COLOUR, "strokeWidth": 2}},
                      {"mark": {"type": "point", "filled": True, "size": 40,
                                "color": LINE_COLOUR}}],
            "encoding": {"y": y}}


def spec(days: list[Day], since: date, until: date) -> dict | None:
    """Four panels sharing the date axis; None when there is nothing to draw."""
    if not days:
        return None
    values = [{"date": d.date.isoformat(), "craving": d.craving, "mood": d.mood,
               "sleep_hours": d.sleep_hours, "use": USED if d.used else NOT_USED}
              for d in days]
    # Days are dates, not instants: read and shown in UTC so no time zone shifts a day.
    x = {"field": "date", "type": "temporal", "timeUnit": "utcyearmonthdate", "title": None,
         "scale": {"domain": [_date_time(since), _date_time(until + timedelta(days=1))]},
         "axis": {"format": "%-d %b", "labelAngle": 0, "labelOverlap": "greedy",
                  "tickCount": 8}}
    panels = [
        _panel("Craving (0–10, not a validated scale)", "craving", "Craving", [0, 10]),
        _panel("Mood (0 very low – 10 very good)", "mood", "Mood", [0, 10]),
        _panel("Sleep (hours a night)", "sleep_hours", "Hours", None),
        {"title": {"text": "Use days", "anchor": "start", "fontSize": 13}, "height": 50,
         "mark": {"type": "point", "filled": True, "size": 90},
         "encoding": {
             "y": {"field": "use", "type": "nominal", "title": None,
                   "sort": [USED, NOT_USED]},
             "shape": {"field": "use", "type": "nominal", "title": None,
                       "scale": {"domain": [USED, NOT_USED],
                                 "range": ["triangle-up", "circle"]},
                       "legend": {"orient": "bottom"}},
             "color": {"field": "use", "type": "nominal", "title": None,
                       "scale": {"domain": [USED, NOT_USED],
                                 "range": [USED_COLOUR, NOT_USED_COLOUR]},
                       "legend": {"orient": "bottom"}}}},
    ]
    for panel in panels:
        panel.setdefault("height", 120)
        panel["width"] = WIDTH
        panel["encoding"]["x"] = x
    return {"$schema": SCHEMA, "description": describe(days, since, until),
            "data": {"values": values}, "vconcat": panels,
            "resolve": {"scale": {"x": "shared"}},
            "config": {"font": FONT, "view": {"stroke": None}}}


def describe(days: list[Day], since: date, until: date) -> str:
    """The chart in words, for its accessible description."""
    span = f"from {since.day} {since:%b %Y} to {until.day} {until:%b %Y}"
    if not days:
        return f"No check-ins {span}."
    used = sum(d.used for d in days)
    cravings = [d.craving for d in days if d.craving is not None]
    moods = [d.mood for d in days if d.mood is not None]
    words = [f"Check-in trends {span}: {len(days)} day{'s' if len(days) != 1 else ''} "
             "with a check-in."]
    if cravings:
        words.append(f"Craving first {cravings[0]:g}, latest {cravings[-1]:g}.")
    if moods:
        words.append(f"Mood first {moods[0]:g}, latest {moods[-1]:g}.")
    words.append(f"Ketamine use reported on {used} day{'s' if used != 1 else ''}.")
    words.append("The table below gives the same data.")
    return " ".join(words)
