"""A patient's contingency-management history as one Vega-Lite spec: their drug screens
(what each counted as, by date) above their cumulative earnings and balance over the same
dates. Built on the server and handed to the page as data (measures/trend.js draws it,
under the CSP, as on the Recovery tab); the tables on the page give the same data.

The rows come from ``queries_reports.patient_history``.
"""

from __future__ import annotations

from datetime import date, timedelta

from .engine import MISSED, NEGATIVE, POSITIVE

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
DAY_CHOICES = (30, 90, 365)
DEFAULT_DAYS = 90
WIDTH = 440
FONT = "Source Sans Pro Web, Helvetica Neue, Helvetica, Roboto, Arial, sans-serif"

# What a screen counted as, in plain words (never colour alone: each has its own shape).
OUTCOME_LABELS = {NEGATIVE: "Negative", POSITIVE: "Not negative", MISSED: "Missed"}
OUTCOME_SHAPES = ["circle", "triangle-up", "square"]
OUTCOME_COLOURS = ["#00a91c", "#d54309", "#71767a"]  # USWDS green-cool-50v, orange, gray
EARNED, BALANCE = "Earned so far", "Balance"  # balance: earned minus redeemed
MONEY_COLOURS = ["#1a4480", "#936f38"]  # USWDS primary-dark, gold-50: with a dash too


def days_choice(value) -> int:
    """The window asked for, bounded to the choices (anything else: the default)."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_DAYS
    return days if days in DAY_CHOICES else DEFAULT_DAYS


def _date_time(day: date) -> dict:
    return {"year": day.year, "month": day.month, "date": day.day, "utc": True}


def _money_values(history, until: date) -> list[dict]:
    """One value per day at the day's closing totals, from the opening day to ``until``
    (so the lines reach the end of the window)."""
    closing = {history.opening.day: history.opening}
    for point in history.money:
        closing[point.day] = point
    closing.setdefault(until, history.money[-1] if history.money else history.opening)
    values = []
    for day, point in sorted(closing.items()):
        values.append({"date": day.isoformat(), "series": EARNED,
                       "amount": float(point.earned_total)})
        values.append({"date": day.isoformat(), "series": BALANCE,
                       "amount": float(point.balance)})
    return values


def spec(history, since: date, until: date) -> dict | None:
    """Two panels sharing the date axis; None when there is nothing to draw."""
    if not history.screens and not history.money:
        return None
    x = {"field": "date", "type": "temporal", "timeUnit": "utcyearmonthdate", "title": None,
         "scale": {"domain": [_date_time(since), _date_time(until + timedelta(days=1))]},
         "axis": {"format": "%-d %b", "labelAngle": 0, "labelOverlap": "greedy",
                  "tickCount": 8}}
    labels = list(OUTCOME_LABELS.values())
    screens = {
        "title": {"text": "Drug screens", "anchor": "start", "fontSize": 13},
        "height": 70, "width": WIDTH,
        "data": {"values": [{"date": p.day.isoformat(), "outcome": OUTCOME_LABELS[p.outcome]}
                            for p in history.screens]},
        "mark": {"type": "point", "filled": True, "size": 90},
        "encoding": {
            "x": x,
            "y": {"field": "outcome", "type": "nominal", "title": None, "sort": labels,
                  "scale": {"domain": labels}},
            "shape": {"field": "outcome", "type": "nominal", "title": None,
                      "scale": {"domain": labels, "range": OUTCOME_SHAPES},
                      "legend": {"orient": "bottom"}},
            "color": {"field": "outcome", "type": "nominal", "title": None,
                      "scale": {"domain": labels, "range": OUTCOME_COLOURS},
                      "legend": {"orient": "bottom"}}}}
    series = [EARNED, BALANCE]
    money = {
        "title": {"text": f"Earnings ({history.currency})", "anchor": "start", "fontSize": 13},
        "height": 140, "width": WIDTH,
        "data": {"values": _money_values(history, until)},
        "mark": {"type": "line", "interpolate": "step-after", "strokeWidth": 2,
                 "point": True},
        "encoding": {
            "x": x,
            "y": {"field": "amount", "type": "quantitative", "title": history.currency},
            "color": {"field": "series", "type": "nominal", "title": None,
                      "scale": {"domain": series, "range": MONEY_COLOURS},
                      "legend": {"orient": "bottom"}},
            "strokeDash": {"field": "series", "type": "nominal", "title": None,
                           "scale": {"domain": series, "range": [[1, 0], [6, 3]]},
                           "legend": {"orient": "bottom"}}}}
    return {"$schema": SCHEMA, "description": describe(history, since, until),
            "vconcat": [screens, money],
            "resolve": {"scale": {"x": "shared", "color": "independent"}},
            "config": {"font": FONT, "view": {"stroke": None}}}


def describe(history, since: date, until: date) -> str:
    """The chart in words, for its accessible description."""
    span = f"from {since.day} {since:%b %Y} to {until.day} {until:%b %Y}"
    if not history.screens and not history.money:
        return f"No drug screens or rewards {span}."
    counts = {key: sum(p.outcome == key for p in history.screens) for key in OUTCOME_LABELS}
    closing = history.money[-1] if history.money else history.opening
    words = [f"Contingency management {span}: {len(history.screens)} drug "
             f"screen{'s' if len(history.screens) != 1 else ''}",
             f"({counts[NEGATIVE]} negative, {counts[POSITIVE]} not negative, "
             f"{counts[MISSED]} missed).",
             f"Earned so far {closing.earned_total} {history.currency}; balance "
             f"{closing.balance} {history.currency}.",
             "The tables below give the same data."]
    return " ".join(words)
