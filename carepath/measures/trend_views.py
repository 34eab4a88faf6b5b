"""The trend page: one patient's results on one instrument over time.

The chart is a Vega-Lite specification built on the server (``trends.vega_lite_spec``)
and handed to the page as JSON data; ``static/measures/trend.js`` draws it with
vega-embed's CSP-safe expression interpreter. The same data is always in a table.
"""

from __future__ import annotations

from django.http import Http404

from carepath.access.guards import patient_view
from carepath.accounts.models import AccountType
from carepath.patients.views import _render_chart

from . import actions, catalogue, trends


def _signed(change: int | None) -> str:
    if change is None:
        return "—"
    return f"+{change}" if change > 0 else ("0" if change == 0 else f"−{-change}")


def _reliable_text(point: trends.Point) -> str:
    parts = []
    if point.reliable_from_previous:
        parts.append(f"{point.reliable_from_previous.capitalize()} since the previous result")
    if point.reliable_from_baseline:
        parts.append(f"{point.reliable_from_baseline.capitalize()} since the baseline")
    return "; ".join(parts)


@patient_view("measures.trend")
def trend(request, patient, instrument_id):
    try:
        defn = catalogue.get(instrument_id)
    except LookupError:
        raise Http404("No such instrument") from None
    setting = actions.setting_for(patient.organisation_id, defn.id)
    parameters = defn.parameters(setting.parameters if setting else None)
    reliable_change = defn.scoring.get("reliable_change")
    points = trends.reliable_changes(
        trends.series(patient, defn.id),
        reliable_change["threshold"] if reliable_change else None)
    has_total = defn.scoring.get("total") is not None
    labels = trends.band_labels(defn)
    subscales = defn.scoring.get("subscales", [])
    rows = [{
        "point": p, "band_label": labels.get(p.band, p.band),
        "change_from_previous": _signed(p.change_from_previous),
        "change_from_baseline": _signed(p.change_from_baseline),
        "reliable": _reliable_text(p),
        "subscales": [(s["label"], p.subscales.get(s["id"])) for s in subscales],
    } for p in points]
    charted = [p for p in points if p.total is not None]
    spec = trends.vega_lite_spec(defn, points, parameters) if has_total and charted else None
    return _render_chart(request, patient, "measures", "measures/trend.html", {
        "defn": defn, "rows": rows, "spec": spec, "has_total": has_total,
        "subscales": subscales, "reliable_change": reliable_change, "has_bands": bool(labels),
        "thresholds": trends.thresholds(defn, parameters),
        "count": len(charted) if has_total else len(points),
        "patient_mode": request.user.account_type == AccountType.PATIENT,
    })
