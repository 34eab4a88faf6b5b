"""One patient's results on one instrument over time, for the trend page.

``series`` reads the submitted responses; ``reliable_changes`` adds the change from
the previous result and from the baseline and marks reliable change; ``vega_lite_spec``
builds the chart, on the server, as a Vega-Lite specification the page hands to
vega-embed as data (the browser evaluates no code of ours and no eval).

Amendments: a correction is a new response that ``amends`` the old one, and either
can be amended again. The series has one point per *original* response (one that
amends nothing), dated when the original was submitted (when the measure was taken),
carrying the scores of the latest submitted response in its chain of amendments.
So an amended response is replaced by its latest amendment, in the original's place.

Reliable change (Jacobson and Truax, 1991): a difference between two scores is
reliable when it is at least the instrument's reliable-change threshold (the
definition's ``reliable_change`` block, which names its source). Lower scores are
better on the instruments that declare one (PHQ-9, GAD-7), so a fall is an improvement.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from django.utils import timezone

from .catalogue import Definition
from .models import Response

IMPROVEMENT = "reliable improvement"
DETERIORATION = "reliable deterioration"
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"

# Chart colours (USWDS palette) and shapes: the marker differs in shape as well as
# colour, so it does not rely on colour alone.
LINE_COLOUR = "#1a4480"  # primary-dark
MARKERS = {IMPROVEMENT: ("#00a91c", "triangle-down"),  # green-cool-50v
           DETERIORATION: ("#d54309", "triangle-up")}  # orange-warm-50v
BAND_SHADES = ["#ffffff", "#f0f0f0", "#e6e6e6", "#dfe1e2", "#d9d9d9", "#cfd1d3"]


@dataclass(frozen=True)
class Point:
    response_uuid: str  # the response whose scores are shown (the latest amendment)
    original_uuid: str
    taken_at: datetime  # when the original was submitted
    total: int | None
    band: str
    subscales: dict = field(default_factory=dict)
    amended_at: datetime | None = None  # when the latest amendment was submitted
    change_from_previous: int | None = None
    change_from_baseline: int | None = None
    reliable_from_previous: str = ""  # IMPROVEMENT, DETERIORATION or ""
    reliable_from_baseline: str = ""

    @property
    def is_amended(self) -> bool:
        return self.amended_at is not None


def series(patient, instrument_id: str) -> list[Point]:
    """The patient's submitted results on the instrument, oldest first (one query)."""
    rows = list(Response.objects.filter(
        patient=patient, instrument_id=instrument_id, status=Response.Status.SUBMITTED)
        .order_by("submitted_at", "pk")
        .only("pk", "uuid", "submitted_at", "total", "band", "subscales", "amends_id"))
    by_pk = {r.pk: r for r in rows}

    def root(response):
        seen = set()
        while response.amends_id in by_pk and response.pk not in seen:
            seen.add(response.pk)
            response = by_pk[response.amends_id]
        return response

    latest: dict[int, Response] = {}  # original pk -> latest response in its chain
    for response in rows:  # oldest first, so the last one seen is the latest
        latest[root(response).pk] = response
    points = []
    for original_pk, shown in latest.items():
        original = by_pk[original_pk]
        points.append(Point(
            response_uuid=str(shown.uuid), original_uuid=str(original.uuid),
            taken_at=original.submitted_at, total=shown.total, band=shown.band,
            subscales=shown.subscales or {},
            amended_at=shown.submitted_at if shown is not original else None))
    points.sort(key=lambda p: p.taken_at)
    return points


def _direction(change: int, threshold: int | None, lower_is_better: bool) -> str:
    if threshold is None or abs(change) < threshold:
        return ""
    return IMPROVEMENT if (change < 0) == lower_is_better else DETERIORATION


def reliable_changes(points: list[Point], threshold: int | None, *,
                     lower_is_better: bool = True) -> list[Point]:
    """The points with their change from the previous result and from the baseline
    (the first result with a total), each marked reliable when its size is at least
    ``threshold`` (None: changes are given but nothing is marked). Points without a
    total are passed over, neither compared nor used as a comparison."""
    out, baseline, previous = [], None, None
    for point in points:
        if point.total is None:
            out.append(point)
            continue
        if baseline is None:
            baseline = previous = point.total
            out.append(point)
            continue
        from_previous, from_baseline = point.total - previous, point.total - baseline
        out.append(replace(
            point, change_from_previous=from_previous, change_from_baseline=from_baseline,
            reliable_from_previous=_direction(from_previous, threshold, lower_is_better),
            reliable_from_baseline=_direction(from_baseline, threshold, lower_is_better)))
        previous = point.total
    return out


def band_labels(defn: Definition) -> dict[str, str]:
    """Band id -> label, from score thresholds or from band rules."""
    scoring = defn.scoring
    rules = (scoring.get("bands") or {}).get("thresholds", []) + scoring.get("band_rules", [])
    return {rule["band"]: rule.get("label", rule["band"]) for rule in rules}


def total_range(defn: Definition) -> tuple[int, int] | None:
    """The lowest and highest possible total, from the items the total adds up."""
    total = defn.scoring.get("total")
    if not total:
        return None
    by_id = {item.link_id: item for item in defn.items}
    items = [by_id[link_id] for link_id in total["items"]]
    return sum(i.low for i in items), sum(i.high for i in items)


def thresholds(defn: Definition, parameters: dict) -> list[dict]:
    """The score bands as {band, label, min, max}, with cut-offs chosen by the
    organisation (``parameters``) applied. Empty when the bands are not score ranges."""
    bands = defn.scoring.get("bands")
    limits = total_range(defn)
    if not bands or bands.get("source") != "total" or limits is None:
        return []
    rows = []
    for t in bands["thresholds"]:
        low = t["min"]
        if isinstance(low, dict):
            low = parameters.get(low["parameter"],
                                 defn.scoring["parameters"][low["parameter"]]["default"])
        rows.append({"band": t["band"], "label": t.get("label", t["band"]), "min": low})
    for row, following in zip(rows, rows[1:] + [None], strict=True):
        row["max"] = following["min"] if following else limits[1]
    return rows


def chart_marker(point: Point, index: int) -> str:
    """What the point's symbol says: reliable change is judged against the baseline."""
    if index == 0:
        return "Baseline"
    return point.reliable_from_baseline.capitalize() or "No reliable change"


def vega_lite_spec(defn: Definition, points: list[Point], parameters: dict) -> dict:
    """A Vega-Lite v6 chart of the total over time: one line with a symbol per result,
    the score bands shaded and labelled behind it, and, when the instrument declares a
    reliable-change threshold, a layer marking reliable change since the baseline."""
    low, high = total_range(defn) or (0, max([p.total for p in points
                                              if p.total is not None] or [1]))
    labels = band_labels(defn)
    charted = [p for p in points if p.total is not None]
    rc = defn.scoring.get("reliable_change")
    values = []
    for index, p in enumerate(charted):
        values.append({
            "date": p.taken_at.isoformat(), "total": p.total,
            "band": labels.get(p.band, p.band), "marker": chart_marker(p, index),
            "change_from_baseline": p.change_from_baseline})
    x = {"field": "date", "type": "temporal", "title": "Date taken", "scale": {"padding": 14},
         "axis": {"format": "%-d %b %Y", "labelAngle": 0, "labelOverlap": "greedy",
                  "labelSeparation": 8, "tickCount": 8}}
    scale = {"domain": [low, high], "nice": False, "zero": False}
    y = {"field": "total", "type": "quantitative", "title": f"Total score ({low}–{high})",
         "scale": scale}
    bands = thresholds(defn, parameters)
    layers = []
    if bands:
        shaded = [{**b, "shade": BAND_SHADES[i % len(BAND_SHADES)]} for i, b in enumerate(bands)]
        layers += [
            {"name": "bands", "data": {"values": shaded},
             "mark": {"type": "rect", "aria": False},
             "encoding": {"y": {"field": "min", "type": "quantitative", "scale": scale},
                          "y2": {"field": "max"},
                          "x": {"value": 0}, "x2": {"value": "width"},
                          "fill": {"field": "shade", "type": "nominal", "scale": None}}},
            {"name": "band-thresholds", "data": {"values": [b for b in bands if b["min"] > low]},
             "mark": {"type": "rule", "color": "#71767a", "strokeDash": [4, 3], "aria": False},
             "encoding": {"y": {"field": "min", "type": "quantitative", "scale": scale}}},
            {"name": "band-labels", "data": {"values": bands},
             "mark": {"type": "text", "align": "right", "baseline": "bottom", "dx": -4,
                      "dy": -2, "fontSize": 11, "color": "#3d4551"},
             "encoding": {"y": {"field": "min", "type": "quantitative", "scale": scale},
                          "x": {"value": "width"}, "text": {"field": "label"}}},
        ]
    layers += [
        {"name": "total-line", "data": {"values": values},
         "mark": {"type": "line", "color": LINE_COLOUR, "strokeWidth": 2},
         "encoding": {"x": x, "y": y}},
        {"name": "results", "data": {"values": values},
         "mark": {"type": "point", "filled": True, "size": 60, "color": LINE_COLOUR},
         "encoding": {"x": x, "y": y}},
    ]
    if rc:
        reliable = [v for v in values if v["marker"].lower() in MARKERS]
        domain = [IMPROVEMENT.capitalize(), DETERIORATION.capitalize()]
        legend_title = f"Reliable change since baseline ({rc['threshold']}+ points)"
        layers.append(
            {"name": "reliable-change", "data": {"values": reliable},
             "mark": {"type": "point", "filled": True, "size": 170, "stroke": "#ffffff",
                      "strokeWidth": 1, "opacity": 1},
             "encoding": {
                 "x": x, "y": y,
                 "color": {"field": "marker", "type": "nominal", "title": legend_title,
                           "scale": {"domain": domain,
                                     "range": [MARKERS[IMPROVEMENT][0],
                                               MARKERS[DETERIORATION][0]]},
                           "legend": {"orient": "bottom", "direction": "vertical",
                                      "titleLimit": 400, "labelLimit": 400}},
                 "shape": {"field": "marker", "type": "nominal", "title": legend_title,
                           "scale": {"domain": domain,
                                     "range": [MARKERS[IMPROVEMENT][1],
                                               MARKERS[DETERIORATION][1]]}}}})
    title = {"text": "Total score over time", "anchor": "start"}
    if rc:
        title["subtitle"] = "Lower scores are better."
    return {
        "$schema": SCHEMA,
        "title": title,
        "description": describe(defn, charted, bands, rc),
        "width": "container", "height": 320,
        "layer": layers,
        "config": {"font": "Source Sans Pro Web, Helvetica Neue, Helvetica, Roboto, Arial, "
                           "sans-serif", "view": {"stroke": None}},
    }


def _day(moment: datetime) -> str:
    moment = timezone.localtime(moment)
    return f"{moment.day} {moment:%b %Y}"


def describe(defn: Definition, charted: list[Point], bands: list[dict], rc: dict | None) -> str:
    """The chart in words, for its accessible description."""
    labels = band_labels(defn)
    if not charted:
        return f"{defn.title}: no results yet."
    first, last = charted[0], charted[-1]
    words = [f"Line chart of {defn.title} total scores: {len(charted)} "
             f"result{'s' if len(charted) != 1 else ''} from {_day(first.taken_at)} "
             f"to {_day(last.taken_at)}.",
             f"First {first.total}, latest {last.total}"
             + (f" ({labels.get(last.band, last.band)})." if last.band else ".")]
    if bands:
        words.append("Shaded score bands: " + "; ".join(b["label"] for b in bands) + ".")
    if rc:
        marked = sum(1 for p in charted if p.reliable_from_baseline)
        words.append(f"{marked} result{'s' if marked != 1 else ''} marked as reliable change "
                     f"since the baseline (a change of {rc['threshold']} points or more).")
    words.append("The table below gives the same data.")
    return " ".join(words)
