"""Red-flag rules for withdrawal observations.

``DEFAULT_RULES`` apply to an organisation with no ``RedFlagRule`` rows; an organisation
with rows uses its own active rows only (edited in the admin, which can copy these
defaults in as a starting point). Sources:

- Symptoms: CLINICAL.md section 4 "suggested red flags (design, not guideline text)":
  hallucinations or paranoia, visible blood in urine, severe abdominal or bladder pain.
  The rating at which each fires is CarePath's design choice.
- Vitals: the single-parameter "red" score (3) of NEWS2, Royal College of Physicians,
  National Early Warning Score (NEWS) 2, London: RCP, 2017, chart 1: respiration rate
  <= 8 or >= 25 a minute; SpO2 (scale 1) <= 91 %; systolic <= 90 or >= 220 mmHg; pulse
  <= 40 or >= 131 a minute; temperature <= 35.0 degrees C. NEWS2 scores no diastolic
  pressure and gives 39.1 degrees C and above a 2, not a 3, so neither is a default red
  flag. SpO2 scale 2 (hypercapnic respiratory failure) is not modelled: an organisation
  that needs it sets its own rule. NEWS2's aggregate score and its consciousness
  parameter are not computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from . import symptoms, vitals

NEWS2 = "NEWS2 single-parameter red score (RCP, NEWS2, 2017)"
CLINICAL_4 = "CLINICAL.md section 4, suggested red flag (CarePath design)"
VITAL_FIELDS = vitals.FIELDS


@dataclass(frozen=True)
class Rule:
    code: str
    label: str
    field: str  # a vital, "craving" or "symptom:<key>"
    comparator: str  # "gte" or "lte"
    threshold: Decimal
    source: str = ""

    def met(self, value) -> bool:
        if value is None:
            return False
        value = Decimal(str(value))
        return value >= self.threshold if self.comparator == "gte" else value <= self.threshold


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("hallucinations-paranoia", "Hallucinations or paranoia",
         "symptom:hallucinations_paranoia", "gte", Decimal(1), CLINICAL_4),
    Rule("blood-in-urine", "Visible blood in urine", "symptom:blood_in_urine", "gte",
         Decimal(2), CLINICAL_4),
    Rule("severe-bladder-pain", "Severe bladder or abdominal pain",
         "symptom:bladder_pain", "gte", Decimal(3), CLINICAL_4),
    Rule("heart-rate-low", "Heart rate 40 a minute or lower", "heart_rate", "lte",
         Decimal(40), NEWS2),
    Rule("heart-rate-high", "Heart rate 131 a minute or higher", "heart_rate", "gte",
         Decimal(131), NEWS2),
    Rule("respiratory-rate-low", "Respiratory rate 8 a minute or lower", "respiratory_rate",
         "lte", Decimal(8), NEWS2),
    Rule("respiratory-rate-high", "Respiratory rate 25 a minute or higher",
         "respiratory_rate", "gte", Decimal(25), NEWS2),
    Rule("spo2-low", "Oxygen saturation 91% or lower", "spo2", "lte", Decimal(91), NEWS2),
    Rule("systolic-low", "Systolic blood pressure 90 mmHg or lower", "systolic", "lte",
         Decimal(90), NEWS2),
    Rule("systolic-high", "Systolic blood pressure 220 mmHg or higher", "systolic", "gte",
         Decimal(220), NEWS2),
    Rule("temperature-low", "Temperature 35.0 °C or lower", "temperature", "lte",
         Decimal("35.0"), NEWS2),
)


def valid_field(field: str) -> bool:
    if field in VITAL_FIELDS or field == "craving":
        return True
    return field.startswith("symptom:") and field.removeprefix("symptom:") in symptoms.BY_KEY


def rules_for(organisation_id) -> list[Rule]:
    """The organisation's active rules, or the defaults when it has none at all."""
    from .models import RedFlagRule

    rows = list(RedFlagRule.objects.filter(organisation_id=organisation_id).order_by("code"))
    if not rows:
        return list(DEFAULT_RULES)
    return [Rule(r.code, r.label, r.field, r.comparator, r.threshold, "organisation rule")
            for r in rows if r.active and valid_field(r.field)]


def value_of(field: str, values: dict):
    if field.startswith("symptom:"):
        return (values.get("symptoms") or {}).get(field.removeprefix("symptom:"))
    return values.get(field)


def evaluate(values: dict, rules) -> list[Rule]:
    """The rules ``values`` (an observation's fields as a dict) meets, in rule order."""
    return [rule for rule in rules if rule.met(value_of(rule.field, values))]


def labels(codes, rules) -> list[str]:
    by_code = {r.code: r.label for r in rules}
    by_code.update({r.code: r.label for r in DEFAULT_RULES if r.code not in by_code})
    return [by_code.get(code, code) for code in codes]
