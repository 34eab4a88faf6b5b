"""Other substances recorded at assessment, and which co-dependences need their own
withdrawal management.

Source: CLINICAL.md section 4 (suggested red flags): co-dependence on alcohol,
benzodiazepines or GHB "needs its own withdrawal scale and level of care". Ketamine has
no agreed withdrawal syndrome (section 4); these substances do. The frequency thresholds
(most days or daily; opioids daily) are CarePath's own design choice, documented in
docs/placement.md, not a published rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

SUBSTANCES = [
    ("alcohol", "Alcohol"),
    ("benzodiazepines", "Benzodiazepines"),
    ("ghb", "GHB / GBL"),
    ("stimulants", "Stimulants (cocaine, amphetamines)"),
    ("opioids", "Opioids"),
    ("cannabis", "Cannabis"),
]
SUBSTANCE_LABELS = dict(SUBSTANCES)

FREQUENCIES = [
    ("none", "None"),
    ("less_than_weekly", "Less than weekly"),
    ("weekly", "Weekly"),
    ("most_days", "Most days"),
    ("daily", "Daily"),
]
FREQUENCY_LABELS = dict(FREQUENCIES)

# The frequencies at which CarePath warns that a co-dependence needs its own withdrawal
# management. Alcohol, benzodiazepines and GHB are named in CLINICAL.md section 4;
# opioids (daily) are added at the project lead's request: see docs/placement.md.
WITHDRAWAL_FREQUENCIES = {
    "alcohol": {"most_days", "daily"},
    "benzodiazepines": {"most_days", "daily"},
    "ghb": {"most_days", "daily"},
    "opioids": {"daily"},
}

NOTES_MAX = 500


@dataclass(frozen=True)
class WithdrawalWarning:
    substance: str
    frequency: str

    @property
    def label(self) -> str:
        return SUBSTANCE_LABELS[self.substance]

    @property
    def message(self) -> str:
        return (f"{self.label} used {FREQUENCY_LABELS[self.frequency].lower()}: this "
                "co-dependence needs its own withdrawal scale and level of care.")


def field_name(substance: str, part: str) -> str:
    """The form and error key of one substance's frequency or notes."""
    return f"substance_{substance}_{part}"


def clean(data: dict | None) -> dict:
    """Check and normalise {substance: {"frequency", "notes"}}.

    Unknown substances are refused; an empty frequency means "not asked" and is kept
    out. Raises ValidationError keyed by ``field_name`` naming the substance.
    """
    data = data or {}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, dict] = {}
    for key, value in data.items():
        if key not in SUBSTANCE_LABELS:
            errors[f"other_substances.{key}"] = [
                f"“{key}” is not one of the substances CarePath records ("
                + ", ".join(SUBSTANCE_LABELS) + ")."]
            continue
        value = value if isinstance(value, dict) else {}
        frequency = (value.get("frequency") or "").strip()
        notes = (value.get("notes") or "").strip()
        label = SUBSTANCE_LABELS[key]
        if frequency and frequency not in FREQUENCY_LABELS:
            errors[field_name(key, "frequency")] = [
                f"{label}: choose how often it is used (none, less than weekly, weekly, "
                "most days or daily)."]
            continue
        if len(notes) > NOTES_MAX:
            errors[field_name(key, "notes")] = [
                f"{label} notes: keep them under {NOTES_MAX} characters."]
            continue
        if frequency or notes:
            cleaned[key] = {"frequency": frequency, "notes": notes}
    if errors:
        raise ValidationError(errors)
    return cleaned


def withdrawal_warnings(other_substances: dict | None) -> list[WithdrawalWarning]:
    """The co-dependences that need their own withdrawal management, in table order."""
    other_substances = other_substances or {}
    warnings = []
    for substance, _label in SUBSTANCES:
        frequency = (other_substances.get(substance) or {}).get("frequency", "")
        if frequency in WITHDRAWAL_FREQUENCIES.get(substance, ()):
            warnings.append(WithdrawalWarning(substance, frequency))
    return warnings
