"""The withdrawal observation chart's symptoms: NOT A VALIDATED WITHDRAWAL SCALE.

No validated ketamine withdrawal scale exists and no withdrawal syndrome is agreed
(CLINICAL.md section 4). The thirteen symptoms are the ten the seed material lists
(anxiety, depression, confusion, irritability, insomnia, sweating, nausea, tremors,
palpitations, headaches; "intense cravings" is rated separately, 0 to 10) and the three
CLINICAL.md section 4 names as red flags that can be rated at the bedside
(hallucinations or paranoia, blood in urine, bladder or abdominal pain). Each is rated
0 to 3; the anchors are CarePath's wording, a design choice, not validated text.
The total is a convenience for seeing a trend, not a score with bands or cut-offs.
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_VALIDATED = ("NOT A VALIDATED WITHDRAWAL SCALE: CarePath's configurable observation "
                 "chart. No validated ketamine withdrawal scale exists; the total shows a "
                 "trend and has no cut-offs.")
RATING_MAX = 3
CRAVING_MAX = 10


@dataclass(frozen=True)
class Symptom:
    key: str
    label: str
    anchors: tuple[str, str, str, str]  # ratings 0, 1, 2, 3


SYMPTOMS: tuple[Symptom, ...] = (
    Symptom("anxiety", "Anxiety",
            ("None", "Mild: worried, settles with reassurance",
             "Moderate: tense or restless much of the time",
             "Severe: panic or cannot be settled")),
    Symptom("low_mood", "Low mood (depression)",
            ("None", "Mild: a little flat", "Moderate: tearful or withdrawn",
             "Severe: hopeless; ask about suicidal thoughts")),
    Symptom("confusion", "Confusion",
            ("None", "Mild: slow to answer, oriented",
             "Moderate: muddled about time or place",
             "Severe: disoriented; needs urgent review")),
    Symptom("irritability", "Irritability",
            ("None", "Mild: short-tempered", "Moderate: argumentative, hard to redirect",
             "Severe: hostile or aggressive")),
    Symptom("insomnia", "Insomnia",
            ("None: slept well", "Mild: some broken sleep",
             "Moderate: awake much of the night", "Severe: no sleep")),
    Symptom("sweating", "Sweating",
            ("None", "Mild: moist palms", "Moderate: beads of sweat on the face",
             "Severe: drenching")),
    Symptom("nausea", "Nausea",
            ("None", "Mild: nausea, no vomiting", "Moderate: retching or vomited once",
             "Severe: repeated vomiting")),
    Symptom("tremor", "Tremor",
            ("None", "Mild: felt, not seen", "Moderate: seen with arms outstretched",
             "Severe: seen at rest")),
    Symptom("palpitations", "Palpitations",
            ("None", "Mild: aware of heartbeat now and then",
             "Moderate: frequent or distressing", "Severe: constant, with dizziness or "
                                                  "chest pain")),
    Symptom("headache", "Headache",
            ("None", "Mild", "Moderate: interferes with activity",
             "Severe: disabling")),
    Symptom("hallucinations_paranoia", "Hallucinations or paranoia",
            ("None", "Mild: fleeting, knows they are not real",
             "Moderate: frequent or distressing suspicion or perceptions",
             "Severe: acting on them or cannot tell they are not real")),
    Symptom("blood_in_urine", "Blood in urine",
            ("None", "Reported, not seen", "Visible blood in urine",
             "Visible blood with clots, or cannot pass urine")),
    Symptom("bladder_pain", "Bladder or abdominal pain (K-cramps)",
            ("None", "Mild", "Moderate: interferes with activity or sleep",
             "Severe: doubled up, or flank pain")),
)
BY_KEY = {s.key: s for s in SYMPTOMS}


def label(key: str) -> str:
    symptom = BY_KEY.get(key)
    return symptom.label if symptom else key


def total(ratings: dict) -> int | None:
    """Sum of the symptoms rated; None when none is rated (not 0: nothing was asked)."""
    values = [v for k, v in (ratings or {}).items() if k in BY_KEY and v is not None]
    return sum(values) if values else None


def check(ratings, errors: dict) -> dict:
    """Clean ``{key: rating}``; unknown keys and ratings outside 0-3 become errors."""
    cleaned: dict[str, int] = {}
    if not isinstance(ratings, dict):
        errors["symptoms"] = ["Symptoms must map a symptom to a rating from 0 to 3."]
        return cleaned
    for key, value in ratings.items():
        if key not in BY_KEY:
            errors["symptoms"] = [f"{key!r} is not a symptom on this chart."]
            continue
        if value in ("", None):
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not (
                0 <= value <= RATING_MAX):
            errors[f"symptom_{key}"] = [
                f"{BY_KEY[key].label} must be rated with a whole number from 0 to "
                f"{RATING_MAX}."]
            continue
        cleaned[key] = value
    return cleaned
