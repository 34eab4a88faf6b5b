"""Vital signs: the physiological limits an entry must fall within.

These limits only catch typing errors (a heart rate of 700, a temperature of 3.7);
they are CarePath's plausibility limits, not clinical thresholds. Clinical thresholds
are the red-flag rules (``redflags.py``). A value outside a limit is refused with the
limit named, and nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class Vital:
    field: str
    label: str
    unit: str
    low: Decimal
    high: Decimal
    decimals: int = 0

    def limit_text(self) -> str:
        return f"{self.label} must be between {self.low} and {self.high} {self.unit}"


VITALS: tuple[Vital, ...] = (
    Vital("heart_rate", "Heart rate", "beats a minute", Decimal(25), Decimal(250)),
    Vital("systolic", "Systolic blood pressure", "mmHg", Decimal(50), Decimal(300)),
    Vital("diastolic", "Diastolic blood pressure", "mmHg", Decimal(20), Decimal(200)),
    Vital("temperature", "Temperature", "°C", Decimal("30.0"), Decimal("45.0"), 1),
    Vital("respiratory_rate", "Respiratory rate", "breaths a minute", Decimal(4),
          Decimal(70)),
    Vital("spo2", "Oxygen saturation (SpO2)", "%", Decimal(50), Decimal(100)),
)
BY_FIELD = {v.field: v for v in VITALS}
FIELDS = tuple(BY_FIELD)


def check(values: dict, errors: dict) -> dict:
    """Clean the vitals in ``values`` (ints, temperature a Decimal to 0.1); any outside
    its limit, or not a number, becomes an error naming the field and the limit."""
    cleaned = {}
    for vital in VITALS:
        raw = values.get(vital.field)
        if raw in (None, ""):
            cleaned[vital.field] = None
            continue
        try:
            number = Decimal(str(raw))
        except (InvalidOperation, ValueError):
            errors[vital.field] = [f"{vital.limit_text()}; enter a number."]
            continue
        if not number.is_finite() or not vital.low <= number <= vital.high:
            errors[vital.field] = [f"{vital.limit_text()} (you entered {raw})."]
            continue
        if vital.decimals == 0:
            if number != number.to_integral_value():
                errors[vital.field] = [f"{vital.limit_text()}, as a whole number."]
                continue
            cleaned[vital.field] = int(number)
        else:
            if number != number.quantize(Decimal("0.1")):
                errors[vital.field] = [f"{vital.limit_text()}, to one decimal place."]
                continue
            cleaned[vital.field] = number
    systolic, diastolic = cleaned.get("systolic"), cleaned.get("diastolic")
    if systolic is not None and diastolic is not None and diastolic >= systolic:
        errors["diastolic"] = [f"Diastolic blood pressure ({diastolic} mmHg) must be lower "
                               f"than systolic ({systolic} mmHg)."]
    return cleaned
