"""Reading drug screens for the chart, a screen's page and plan reviews: a fixed number
of queries however many screens (results and amendments are prefetched), and each
screen described in plain, neutral words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Prefetch
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import outcomes
from .engine import MISSED, NEGATIVE
from .models import ANALYTES, AnalyteResult, DrugScreen, ScreenAmendment

PAGE_SIZE = 25
REVIEW_DAYS = 90
# Not on standard immunoassay panels, so always shown first when a panel names them.
KETAMINE_FIRST = ("ketamine", "norketamine")


def analyte_label(code: str) -> str:
    return ANALYTES.get(code, code)


def _in_sentence(label: str) -> str:
    """"Ketamine" -> "ketamine", but "MDMA" and "GHB" stay as they are."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def ordered_analytes(codes) -> list[str]:
    first = [c for c in KETAMINE_FIRST if c in codes]
    return first + [c for c in codes if c not in KETAMINE_FIRST]


def screens_for(patient):
    """Newest first: a collected screen by its collection time, a missed one by when it
    was due."""
    return (DrugScreen.objects.filter(patient=patient)
            .annotate(when=Coalesce("collected_at", "scheduled_for", "recorded_at"))
            .select_related("panel", "collected_by", "observed_by", "recorded_by",
                            "confirms")
            .prefetch_related("results", Prefetch(
                "amendments", queryset=ScreenAmendment.objects.select_related("author")))
            .order_by("-when", "-pk"))


@dataclass
class AnalyteRow:
    code: str
    label: str
    result: str  # the current result's label
    result_code: str
    original: str = ""  # the first result's label, when amended
    amendments: list = field(default_factory=list)

    @property
    def amended(self) -> bool:
        return bool(self.amendments)


@dataclass
class ScreenRow:
    screen: DrugScreen
    outcome: str  # N, P or M
    outcome_words: str
    analytes: list[AnalyteRow]

    @property
    def negative(self) -> bool:
        return self.outcome == NEGATIVE

    def result_for(self, code: str) -> AnalyteRow | None:
        return next((a for a in self.analytes if a.code == code), None)

    @property
    def ketamine(self):
        return self.result_for("ketamine")

    @property
    def norketamine(self):
        return self.result_for("norketamine")


def outcome_words(screen, current: dict[str, str], result: str) -> str:
    """"negative", "missed", or "not negative: " and why, in neutral words."""
    if result == MISSED:
        return "missed"
    if result == NEGATIVE:
        return "negative"
    reasons = []
    codes = ordered_analytes(list(current))
    positive = [_in_sentence(analyte_label(c)) for c in codes
                if current[c] == AnalyteResult.POSITIVE]
    invalid = [_in_sentence(analyte_label(c)) for c in codes
               if current[c] == AnalyteResult.INVALID]
    if positive:
        reasons.append("positive for " + ", ".join(positive))
    if invalid:
        reasons.append("invalid result for " + ", ".join(invalid))
    if screen.dilute:
        reasons.append("dilute specimen")
    if screen.adulterated:
        reasons.append("adulteration suspected")
    if not reasons:
        reasons.append("no analyte tested")
    return "not negative: " + "; ".join(reasons)


def describe(screen) -> ScreenRow:
    """Uses the prefetched results and amendments: no queries."""
    first = {r.analyte: r.result for r in screen.results.all()}
    current = outcomes.current_results(screen)
    by_analyte: dict[str, list] = {}
    for amendment in screen.amendments.all():
        by_analyte.setdefault(amendment.analyte, []).append(amendment)
    rows = []
    for code in ordered_analytes(list(current)):
        amendments = by_analyte.get(code, [])
        original = AnalyteResult(first[code]).label if amendments and code in first else ""
        rows.append(AnalyteRow(code, analyte_label(code), AnalyteResult(current[code]).label,
                               current[code], original, amendments))
    result = outcomes.outcome(screen)
    return ScreenRow(screen, result, outcome_words(screen, current, result), rows)


def screen_for(patient, screen_id) -> DrugScreen | None:
    return screens_for(patient).filter(uuid=screen_id).first()


def confirmable(patient):
    """Point-of-care screens a laboratory result may confirm (newest first, recent)."""
    return (DrugScreen.objects.filter(patient=patient, status="collected", method="poc")
            .select_related("panel").order_by("-collected_at", "-pk")[:50])


def review_summary(patient, now=None) -> dict:
    now = now or timezone.now()
    since = now - timedelta(days=REVIEW_DAYS)
    screens = [describe(s) for s in screens_for(patient).filter(when__gte=since)]
    return {"rows": screens, "days": REVIEW_DAYS, "total": len(screens),
            "negatives": sum(1 for s in screens if s.negative)}
