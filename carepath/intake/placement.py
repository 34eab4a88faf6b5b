"""CarePath's own level-of-care placement rules: transparent, versioned, documented.

These are NOT the ASAM Criteria. The ASAM dimension names are public and the clinician
rates each dimension; the ASAM decision rules and risk-rating anchors are copyrighted and
are not used here (CLINICAL.md section 3). Every rule below is a small function with an
id, a title, the level it recommends (or none, for a caution only), its source, and a
reason built from the values it saw. docs/placement.md documents each one; changing a
rule means a new RULES_VERSION and a new line there.

``recommend`` is pure: give it an assessment (or anything with the same attributes) and
the instrument results, and it returns the Recommendation without touching the database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from carepath.patients.models import LevelOfCare

from . import substances
from .models.assessment import DIMENSIONS, PLACEMENT_LEVELS

RULES_VERSION = "carepath-placement-1"

# The five levels CarePath recommends, most intensive first (stored as LevelOfCare).
LEVELS = PLACEMENT_LEVELS
LEVEL_NAMES = dict(LEVELS)
INTENSITY = {level: rank for rank, (level, _) in enumerate(reversed(LEVELS))}

DIMENSION_NAMES = dict(DIMENSIONS)
RISK_DIMENSIONS = ("1", "2", "3", "4", "5")  # dimension 6 is not a risk rating
DIMENSION_6_LABEL = "barriers / preferences (not a risk rating)"

# The instruments the assessment page lists, in the order shown.
INSTRUMENTS = [
    ("dsm5-ketamine", "DSM-5-TR ketamine use disorder checklist"),
    ("puf", "PUF bladder symptom scale"),
    ("phq-9", "PHQ-9"),
    ("gad-7", "GAD-7"),
    ("pc-ptsd-5", "PC-PTSD-5"),
    ("c-ssrs-screener", "C-SSRS screener"),
    ("readiness-ruler", "Readiness ruler"),
]
INSTRUMENT_NAMES = dict(INSTRUMENTS)

# Suggested red flags from CLINICAL.md section 4 (design, not guideline text).
PHYSICAL_RED_FLAGS = [
    ("blood_in_urine", "Visible blood in urine"),
    ("cannot_pass_urine", "Unable to pass urine"),
    ("flank_pain", "Flank pain"),
    ("k_cramps", "Severe abdominal pain (“K-cramps”)"),
    ("jaundice", "Jaundice"),
]
PSYCHIATRIC_RED_FLAGS = [("hallucinations", "Hallucinations or paranoia")]
RED_FLAGS = PHYSICAL_RED_FLAGS + PSYCHIATRIC_RED_FLAGS
RED_FLAG_LABELS = dict(RED_FLAGS)

HIGH_RATING = 3  # a clinician's rating of 3 or 4 (of 0-4) counts as high
DSM_SEVERE = 6  # DSM-5-TR: 2-3 mild, 4-5 moderate, >= 6 severe (CLINICAL.md section 2)
DSM_DISORDER = 2
FREQUENT_DAYS = 5  # days a week
ABSTINENT_DAYS = 90
PUF_UROLOGY = 16  # PUF above 16: HKMJ 2012;18:123 (CLINICAL.md section 1)


@dataclass(frozen=True)
class Fired:
    rule: str
    title: str
    level: str | None  # None: a caution, not a level
    reason: str
    caution: str = ""

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, "") if self.level else "No change of level"

    def as_dict(self) -> dict:
        return {"rule": self.rule, "title": self.title, "level": self.level,
                "reason": self.reason, "caution": self.caution}


@dataclass(frozen=True)
class Recommendation:
    level: str
    fired: list[Fired]
    cautions: list[str]
    version: str = RULES_VERSION
    explanation: str = ""

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


@dataclass(frozen=True)
class Facts:
    """What the rules read, gathered once from the assessment and the results."""

    days_per_week: int | None
    binges: bool | None
    k_holes: bool | None
    last_use: date | None
    today: date
    ratings: dict[str, int | None]
    other_substances: dict
    red_flags: frozenset[str]
    results: Mapping[str, Mapping]

    def rating(self, dimension: str) -> int | None:
        return self.ratings.get(dimension)

    def total(self, instrument: str) -> int | None:
        result = self.results.get(instrument)
        return None if result is None else result.get("total")

    def band(self, instrument: str) -> str:
        result = self.results.get(instrument)
        return "" if result is None else (result.get("band") or "")

    def flags(self, instrument: str) -> list[str]:
        result = self.results.get(instrument)
        return [] if result is None else list(result.get("flags") or [])


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    level: str | None
    source: str
    check: Callable[[Facts], tuple[str, str] | None] = field(repr=False)

    def apply(self, facts: Facts) -> Fired | None:
        outcome = self.check(facts)
        if outcome is None:
            return None
        reason, caution = outcome
        return Fired(self.id, self.title, self.level, reason, caution)


RULES: list[Rule] = []


def rule(rule_id: str, title: str, level: str | None, *, source: str):
    def register(check):
        RULES.append(Rule(rule_id, title, level, source, check))
        return check
    return register


def _rating(value) -> int | None:
    try:
        rating = int(value)
    except (TypeError, ValueError):
        return None
    return rating if 0 <= rating <= 4 else None


def _dimension_reason(dimension: str, rating: int, why: str) -> str:
    return (f"Dimension {dimension} ({DIMENSION_NAMES[dimension]}) rated {rating} of 4 by "
            f"the clinician: {why}")


def _high(facts: Facts, dimension: str) -> int | None:
    rating = facts.rating(dimension)
    return rating if rating is not None and rating >= HIGH_RATING else None


# --- The rules -----------------------------------------------------------------------

def _dimension_rule(rule_id: str, dimension: str, level: str, why: str) -> None:
    """P2, P3, P8, P9: the clinician rated a dimension 3 or 4 of 4."""
    def check(facts):
        rating = _high(facts, dimension)
        if rating is None:
            return None
        return _dimension_reason(dimension, rating, why), ""

    rule(rule_id, f"Dimension {dimension} rated high", level,
         source=f"CarePath design: the clinician's own rating of dimension {dimension}; the "
                "threshold (3 or more of 4) is CarePath's.")(check)


@rule("P1", "Co-dependence that needs its own withdrawal management",
      LevelOfCare.WITHDRAWAL,
      source="CLINICAL.md section 4: co-dependence on alcohol, benzodiazepines or GHB needs "
             "its own withdrawal scale and level of care. Thresholds (most days or daily; "
             "opioids daily) are CarePath's design.")
def _codependence(facts):
    warnings = substances.withdrawal_warnings(facts.other_substances)
    if not warnings:
        return None
    return (" ".join(w.message for w in warnings),
            "Manage withdrawal from each with its own withdrawal scale ("
            + ", ".join(w.label for w in warnings)
            + "); the ketamine observation chart is not one.")


_dimension_rule("P2", "1", LevelOfCare.WITHDRAWAL,
                "intoxication or withdrawal needs medical "
                "monitoring.")


_dimension_rule("P3", "2", LevelOfCare.WITHDRAWAL,
                "biomedical conditions need a medically "
                "monitored setting.")


@rule("P4", "Bladder or physical red flag", LevelOfCare.WITHDRAWAL,
      source="CLINICAL.md section 4, suggested red flags (design, not guideline text): "
             "visible blood in urine, inability to pass urine, flank pain, severe abdominal "
             "pain, jaundice.")
def _physical_red_flag(facts):
    seen = [label for key, label in PHYSICAL_RED_FLAGS if key in facts.red_flags]
    if not seen:
        return None
    listed = ", ".join(s[0].lower() + s[1:] for s in seen)
    return (f"Red flag recorded at assessment: {listed}. This needs a medically monitored "
            "setting.",
            f"Arrange an urgent medical assessment ({listed}) before or alongside "
            "placement.")


@rule("P5", "C-SSRS screener: high suicide risk", LevelOfCare.RESIDENTIAL,
      source="C-SSRS screener (Posner 2011; CLINICAL.md section 1): yes to Q4 or Q5, or "
             "suicidal behaviour in the past 3 months, is high risk needing immediate "
             "evaluation.")
def _cssrs_high(facts):
    if facts.band("c-ssrs-screener") != "high":
        return None
    return ("C-SSRS screener triaged high risk: a setting with 24-hour support.",
            "Suicide risk is high: immediate evaluation under the suicide-risk protocol "
            "comes first. A placement does not replace a crisis assessment.")


@rule("P6", "Psychiatric or cognitive risk", LevelOfCare.RESIDENTIAL,
      source="CarePath design: the clinician's rating of dimension 3 (3 or more of 4); "
             "hallucinations or paranoia are a suggested red flag in CLINICAL.md section 4; "
             "psychotic features in long-term use are described (US Ketalar label).")
def _psychiatric(facts):
    rating = _high(facts, "3")
    hallucinations = "hallucinations" in facts.red_flags
    if rating is None and not hallucinations:
        return None
    parts = []
    if rating is not None:
        parts.append(_dimension_reason("3", rating, "psychiatric or cognitive conditions "
                                                    "need a setting with 24-hour support."))
    if hallucinations:
        parts.append("Hallucinations or paranoia recorded at assessment.")
    return (" ".join(parts),
            "A mental-health assessment, including suicide risk, comes before or alongside "
            "placement.")


@rule("P7", "Binges with K-holes", LevelOfCare.RESIDENTIAL,
      source="Seed 004: binges (days away from normal life, repeated large doses) mark "
             "serious dependence, for which inpatient care may suit (CLINICAL.md section 3).")
def _binges(facts):
    if not (facts.binges and facts.k_holes):
        return None
    return ("Binges with K-holes reported: seed 004 describes binges as a mark of serious "
            "dependence, for which inpatient care may suit.", "")


_dimension_rule("P8", "4", LevelOfCare.RESIDENTIAL,
                "the risk of continued use is high outside a "
                "structured setting.")


_dimension_rule("P9", "5", LevelOfCare.RESIDENTIAL,
                "the recovery environment does not support "
                "recovery from home.")


@rule("P10", "DSM-5 ketamine use disorder, severe", LevelOfCare.INTENSIVE_OUTPATIENT,
      source="DSM-5-TR phencyclidine class (ketamine named): 6 or more of 10 criteria is "
             "severe (CLINICAL.md section 2). The level is CarePath's choice.")
def _dsm_severe(facts):
    total = facts.total("dsm5-ketamine")
    if total is None or total < DSM_SEVERE:
        return None
    return (f"DSM-5 ketamine checklist: {total} of 10 criteria met (severe, 6 or more).", "")


@rule("P11", "Using 5 or more days a week", LevelOfCare.INTENSIVE_OUTPATIENT,
      source="CarePath design: near-daily use suggests several sessions a week (the seeds "
             "describe intensive outpatient as several sessions a week).")
def _frequent_use(facts):
    days = facts.days_per_week
    if days is None or days < FREQUENT_DAYS:
        return None
    return f"Uses ketamine {days} days a week (5 or more).", ""


@rule("P12", "DSM-5 ketamine use disorder, mild or moderate", LevelOfCare.OUTPATIENT,
      source="DSM-5-TR: 2-3 criteria mild, 4-5 moderate (CLINICAL.md section 2). Outpatient "
             "is CarePath's floor whenever the use-disorder criteria are met.")
def _dsm_mild_moderate(facts):
    total = facts.total("dsm5-ketamine")
    if total is None or not DSM_DISORDER <= total < DSM_SEVERE:
        return None
    severity = "mild, 2-3" if total < 4 else "moderate, 4-5"
    return f"DSM-5 ketamine checklist: {total} of 10 criteria met ({severity}).", ""


@rule("P13", "No recent use and no use disorder", LevelOfCare.AFTERCARE,
      source="CarePath design: no use in the past 90 days and at most 1 DSM-5 criterion "
             "(below the threshold for a use disorder, CLINICAL.md section 2).")
def _recovery(facts):
    total = facts.total("dsm5-ketamine")
    if facts.last_use is None or total is None or total >= DSM_DISORDER:
        return None
    days = (facts.today - facts.last_use).days
    if days <= ABSTINENT_DAYS:
        return None
    return (f"No ketamine use for {days} days (last use {facts.last_use:%d %b %Y}) and "
            f"{total} DSM-5 {'criterion' if total == 1 else 'criteria'} met.", "")


@rule("P14", "PUF above 16: urology review", None,
      source="PUF in street-ketamine users: no one with a total of 16 or less had "
             "urodynamic abnormality or hydronephrosis (Hong Kong Med J 2012;18:123; "
             "CLINICAL.md section 1).")
def _puf(facts):
    total = facts.total("puf")
    if total is None or total <= PUF_UROLOGY:
        return None
    return (f"PUF total {total} (above 16).",
            f"PUF total {total} is above 16: arrange a urology review. In street-ketamine "
            "users no one with 16 or less had urodynamic abnormality or hydronephrosis.")


@rule("P15", "PHQ-9 item 9 above 0", None,
      source="PHQ-9 item 9 above 0: a same-day suicide-risk assessment (C-SSRS), whatever "
             "the total (CLINICAL.md section 1).")
def _phq9_item9(facts):
    if "suicide-risk" not in facts.flags("phq-9"):
        return None
    return ("PHQ-9 item 9 answered above 0.",
            "PHQ-9 item 9 is above 0: a same-day suicide-risk assessment (C-SSRS) is "
            "needed, whatever the total.")


@rule("P16", "C-SSRS screener: moderate suicide risk", None,
      source="C-SSRS screener (Posner 2011; CLINICAL.md section 1): Q3, or behaviour more "
             "than 3 months ago, is moderate risk.")
def _cssrs_moderate(facts):
    if facts.band("c-ssrs-screener") != "moderate":
        return None
    return ("C-SSRS screener triaged moderate risk.",
            "Suicide risk is moderate: prompt clinical review under the organisation's "
            "suicide-risk protocol.")


# --- Combining -----------------------------------------------------------------------

def facts_for(assessment, instrument_results: Mapping[str, Mapping] | None,
              today: date) -> Facts:
    dimensions = getattr(assessment, "dimensions", None) or {}
    return Facts(
        days_per_week=getattr(assessment, "days_per_week", None),
        binges=getattr(assessment, "binges", None),
        k_holes=getattr(assessment, "k_holes", None),
        last_use=getattr(assessment, "last_use", None),
        today=today,
        ratings={d: _rating((dimensions.get(d) or {}).get("rating")) for d in RISK_DIMENSIONS},
        other_substances=getattr(assessment, "other_substances", None) or {},
        red_flags=frozenset(getattr(assessment, "red_flags", None) or ()),
        results={k: v for k, v in (instrument_results or {}).items() if v is not None},
    )


def _missing_cautions(results: Mapping) -> list[str]:
    cautions = []
    # The unscreened suicide risk first: it is the one that must not be missed.
    ordered = sorted(INSTRUMENTS, key=lambda i: i[0] != "c-ssrs-screener")
    for instrument, name in ordered:
        if instrument in results:
            continue
        if instrument == "c-ssrs-screener":
            cautions.append("No C-SSRS screener since the assessment was booked: suicide risk "
                            "was not screened before this recommendation (rules P5 and P16 "
                            "could not fire).")
        elif instrument == "dsm5-ketamine":
            cautions.append("No DSM-5 ketamine checklist since the assessment was booked: the "
                            "use-disorder rules (P10, P12, P13) could not fire.")
        elif instrument == "puf":
            cautions.append("No PUF bladder screen since the assessment was booked: rule P14 "
                            "could not fire.")
        else:
            cautions.append(f"No {name} since the assessment was booked.")
    return cautions


def combine(fired: list[Fired], facts: Facts) -> tuple[str, str]:
    """The most intensive level among the fired rules, with the floors; and why."""
    levelled = [f for f in fired if f.level]
    dsm = facts.total("dsm5-ketamine")
    if not levelled:
        return (LevelOfCare.OUTPATIENT,
                "No rule recommended a level: outpatient, the least intensive treatment "
                "level, is shown as a starting point. Decide from the whole assessment.")
    level = max((f.level for f in levelled), key=INTENSITY.__getitem__)
    by = [f.rule for f in levelled if f.level == level]
    explanation = (f"The most intensive level among the fired rules: {LEVEL_NAMES[level]} "
                   f"({', '.join(by)}).")
    if dsm is not None and dsm >= DSM_DISORDER and INTENSITY[level] < \
            INTENSITY[LevelOfCare.OUTPATIENT]:
        level = LevelOfCare.OUTPATIENT
        explanation += (" Raised to outpatient: that is the floor when the ketamine use "
                        "disorder criteria are met.")
    return level, explanation


def recommend(assessment, instrument_results: Mapping[str, Mapping] | None = None, *,
              today: date | None = None) -> Recommendation:
    """Apply every rule; the recommendation is the most intensive level among those that
    fired. ``instrument_results`` maps an instrument id to its latest result
    ({"total", "band", "flags"}); a missing instrument is a caution, never a block."""
    if today is None:
        from django.utils import timezone

        today = timezone.localdate()
    facts = facts_for(assessment, instrument_results, today)
    fired = [f for f in (r.apply(facts) for r in RULES) if f is not None]
    level, explanation = combine(fired, facts)
    cautions = [f.caution for f in fired if f.caution]
    if level == LevelOfCare.WITHDRAWAL:
        after = sorted({f.level for f in fired if f.level and f.level != level},
                       key=INTENSITY.__getitem__, reverse=True)
        if after:
            cautions.append("After withdrawal management, re-assess: other fired rules point "
                            f"to {LEVEL_NAMES[after[0]].lower()}.")
    cautions += _missing_cautions(facts.results)
    return Recommendation(level=level, fired=fired, cautions=cautions, version=RULES_VERSION,
                          explanation=explanation)
