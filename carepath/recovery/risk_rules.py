"""The risk rules: when CarePath asks the care team to reach out to someone.

Each rule is data (``Rule``: what it means, its threshold, urgency and source, shown to
staff at /recovery/risk-rules/) and one small pure function that turns already-gathered
numbers into a ``Finding`` or nothing. Gathering the numbers (one set-based query per
kind, for 100,000 people at once) is ``scan.py``'s job; storing a finding as a
``RiskSignal`` and raising its outreach task is ``signal_outreach.py``'s. So a rule can be
read, tested and changed here without touching a query.

Explanations hold numbers and dates only, never the person's own words (no notes, no
trigger names): they are shown on caseload lists. Thresholds that are design choices
say so, on screen and in docs/risk-signals.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings

from carepath.treatment.models import OutreachUrgency

# Craving windows (calendar days ending today): recent = today-2..today, previous =
# today-5..today-3. The "3-day mean up 3 points".
CRAVING_WINDOW_DAYS = 3
# A gap this long (in days without a check-in) is raised again, more urgently: a person
# silent for a week needs a call even if the first, routine task was closed unanswered.
# Design choice.
STILL_MISSING_DAYS = 7
BAM_DEFAULT_CHANGE_POINTS = 3  # design choice; settings.CAREPATH_BAM_CHANGE_POINTS
EPSILON = 1e-9  # means are floats on SQLite: 5.0 - 2.0 must count as a rise of 3

OUTREACH_SOURCE = "recovery.risksignal"


def reason_for(rule_id: str) -> str:
    """The outreach task's reason for a rule (OutreachTask.reason, 40 characters)."""
    return f"risk:{rule_id}"


# --- thresholds, read when used so that settings (and tests) can change them ----------

def craving_rise_points() -> float:
    return float(settings.CAREPATH_CRAVING_RISE_POINTS)


def missed_checkin_days() -> int:
    return max(1, int(settings.CAREPATH_MISSED_CHECKIN_DAYS))


def bam_change_points() -> int:
    return max(1, int(getattr(settings, "CAREPATH_BAM_CHANGE_POINTS",
                              BAM_DEFAULT_CHANGE_POINTS)))


def phq9_reliable_change() -> tuple[int, str]:
    """The PHQ-9 reliable-change threshold and its source, from the instrument's
    definition (one place for the number: the trend chart uses the same block)."""
    from carepath.measures import catalogue

    block = catalogue.get("phq-9").scoring["reliable_change"]
    return int(block["threshold"]), block["source"]


def _missed_threshold_text() -> str:
    days = missed_checkin_days()
    if days < STILL_MISSING_DAYS:
        return (f"{days} days without a check-in; raised again, soon, at "
                f"{STILL_MISSING_DAYS} days")
    return f"{days} days without a check-in (raised soon)"


# --- the rules as data -------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    what: str  # the rule in plain words, for the rules page
    explanation: str  # the template of what the clinician sees on the task
    urgency: int  # OutreachUrgency
    urgency_note: str
    source: str
    design_choice: bool
    evaluated: str  # when: after each check-in and/or in the nightly scan
    threshold: Callable[[], str]


RISING_CRAVING = "rising_craving"
REPORTED_USE = "reported_use"
MISSED_CHECKINS = "missed_checkins"
BAM_RISK_UP = "bam_risk_up"
BAM_PROTECTIVE_DOWN = "bam_protective_down"
PHQ9_RELIABLE_WORSENING = "phq9_reliable_worsening"
BLADDER_RED_FLAG = "bladder_red_flag"

AFTER_CHECKIN_AND_NIGHTLY = "After each check-in, and again in the nightly scan"
NIGHTLY = "In the nightly scan"

RULES: dict[str, Rule] = {r.id: r for r in [
    Rule(BLADDER_RED_FLAG, "Blood in urine reported",
         "A check-in reports visible blood in the urine.",
         "Reported blood in urine in the check-in for {day}. An urgent alert was also "
         "raised. Arrange a urological assessment.",
         OutreachUrgency.URGENT, "Urgent: a red flag for ketamine bladder damage.",
         "CarePath clinical reference (CLINICAL.md §4): visible blood in urine is a "
         "suggested red flag (a design, not guideline text).", False,
         AFTER_CHECKIN_AND_NIGHTLY, lambda: "Any report"),
    Rule(REPORTED_USE, "Ketamine use reported",
         "A check-in reports using ketamine that day (one signal per check-in).",
         "Reported using ketamine in the check-in for {day}. They told us honestly: a "
         "supportive, non-judgemental contact is suggested.",
         OutreachUrgency.SOON, "Soon: the person said so themselves; the contact supports.",
         "Design choice: a reported lapse is a moment to reach out.", True,
         AFTER_CHECKIN_AND_NIGHTLY, lambda: "Any report"),
    Rule(RISING_CRAVING, "Craving rising",
         "The mean craving (0-10) of the last 3 days (today and the 2 days before) is "
         "well above the mean of the 3 days before that. Each day counts once (days with "
         "several check-ins are averaged first); both 3-day windows need a check-in.",
         "Craving rose from a 3-day average of {previous} ({previous_from} to "
         "{previous_to}) to {recent} ({recent_from} to {recent_to}), up {rise} points "
         "(rule: {threshold} or more). The 0-10 craving rating is not a validated scale.",
         OutreachUrgency.SOON, "Soon.",
         "Design choice (CAREPATH_CRAVING_RISE_POINTS). The 0-10 craving rating is not a "
         "validated ketamine scale (none exists).", True,
         AFTER_CHECKIN_AND_NIGHTLY,
         lambda: f"3-day mean up {craving_rise_points():g} points or more"),
    Rule(MISSED_CHECKINS, "Check-ins missed",
         "Someone expected to check in has not for several days (counted from the day "
         "after their last check-in, or after their portal account was set up, to "
         "yesterday). Raised once when the gap reaches the threshold, and once more, "
         f"soon, if it reaches {STILL_MISSING_DAYS} days.",
         "No check-in for {days} days ({since}).",
         OutreachUrgency.ROUTINE,
         f"Routine; soon once the gap reaches {STILL_MISSING_DAYS} days.",
         "Design choice (CAREPATH_MISSED_CHECKIN_DAYS; the 7-day step too).", True,
         NIGHTLY,
         lambda: _missed_threshold_text()),
    Rule(BAM_RISK_UP, "BAM risk factors up",
         "The Brief Addiction Monitor's Risk factors score (items 1, 2, 3, 8, 11, 15; "
         "0-24) rose since the previous BAM.",
         "BAM Risk factors score rose from {previous} to {current} (+{change}) between "
         "{previous_on} and {current_on} (rule: a rise of {threshold} or more, a design "
         "choice).",
         OutreachUrgency.SOON, "Soon.",
         "Subscales: Cacciola et al. 2013 (BAM, VA). The change threshold is a design "
         "choice: no validated change threshold exists.", True, NIGHTLY,
         lambda: f"A rise of {bam_change_points()} points or more"),
    Rule(BAM_PROTECTIVE_DOWN, "BAM protective factors down",
         "The Brief Addiction Monitor's Protective factors score (items 9, 10, 12, 13, "
         "14, 16; 0-24) fell since the previous BAM.",
         "BAM Protective factors score fell from {previous} to {current} ({change}) "
         "between {previous_on} and {current_on} (rule: a fall of {threshold} or more, "
         "a design choice).",
         OutreachUrgency.SOON, "Soon.",
         "Subscales: Cacciola et al. 2013 (BAM, VA). The change threshold is a design "
         "choice: no validated change threshold exists.", True, NIGHTLY,
         lambda: f"A fall of {bam_change_points()} points or more"),
    Rule(PHQ9_RELIABLE_WORSENING, "PHQ-9 reliably worse",
         "The PHQ-9 total rose by at least the reliable-change amount since the "
         "previous PHQ-9 (Jacobson and Truax method).",
         "PHQ-9 total rose from {previous} to {current} (+{change}) between "
         "{previous_on} and {current_on}: a reliable worsening (rule: {threshold} "
         "points or more).",
         OutreachUrgency.SOON,
         "Soon. (PHQ-9 item 9 above 0 raises its own urgent alert, separately.)",
         "NHS Talking Therapies (IAPT) manual: a change of 6 or more PHQ-9 points is "
         "reliable [R: secondary source, check the current manual]; the number comes "
         "from the PHQ-9 definition's reliable_change block.", False, NIGHTLY,
         lambda: f"A rise of {phq9_reliable_change()[0]} points or more"),
]}


@dataclass(frozen=True)
class Finding:
    """A rule met for one person: what ``signal_outreach`` stores as a RiskSignal."""

    patient_id: int
    organisation_id: int
    rule: str
    key: str  # what this occurrence is about: never raised twice for the same key
    explanation: str
    urgency: int


def _finding(rule_id: str, patient_id: int, organisation_id: int, key: str,
             urgency: int | None = None, **fields) -> Finding:
    rule = RULES[rule_id]
    text = rule.explanation.format(**fields)
    return Finding(patient_id, organisation_id, rule_id, key[:64], text[:300],
                   int(rule.urgency if urgency is None else urgency))


def _points(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


# --- one small function per rule ------------------------------------------------------

def craving_windows(today: date) -> tuple[date, date, date]:
    """(previous window's first day, recent window's first day, today)."""
    recent_from = today - timedelta(days=CRAVING_WINDOW_DAYS - 1)
    return recent_from - timedelta(days=CRAVING_WINDOW_DAYS), recent_from, today


def rising_craving(patient_id: int, organisation_id: int, today: date,
                   recent_mean: float | None, previous_mean: float | None,
                   latest_day: date | None) -> Finding | None:
    """Both windows' means (of daily means); None when either window has no check-in.
    Keyed by the latest check-in day, so a rise found after that day's check-in is not
    raised again by the nightly scan of the next day."""
    if recent_mean is None or previous_mean is None or latest_day is None:
        return None
    rise = float(recent_mean) - float(previous_mean)
    threshold = craving_rise_points()
    if rise + EPSILON < threshold:
        return None
    previous_from, recent_from, _ = craving_windows(today)
    return _finding(RISING_CRAVING, patient_id, organisation_id, latest_day.isoformat(),
                    previous=_points(previous_mean), recent=_points(recent_mean),
                    rise=_points(rise), threshold=_points(threshold),
                    previous_from=previous_from.isoformat(),
                    previous_to=(recent_from - timedelta(days=1)).isoformat(),
                    recent_from=recent_from.isoformat(), recent_to=today.isoformat())


def reported_use(patient_id: int, organisation_id: int, checkin_uuid, day: date) -> Finding:
    return _finding(REPORTED_USE, patient_id, organisation_id, str(checkin_uuid),
                    day=day.isoformat())


def bladder_red_flag(patient_id: int, organisation_id: int, checkin_uuid,
                     day: date) -> Finding:
    return _finding(BLADDER_RED_FLAG, patient_id, organisation_id, str(checkin_uuid),
                    day=day.isoformat())


def missed_days(today: date, last: date) -> int:
    """Whole days without a check-in: after ``last`` up to yesterday (today may still
    bring one)."""
    return (today - last).days - 1


def missed_checkins(patient_id: int, organisation_id: int, today: date, last: date, *,
                    never: bool = False) -> Finding | None:
    """``last`` is the last check-in's date, or (``never``) the day the portal account
    was set up. One finding per gap and stage: stage 1 (routine) from the threshold,
    stage 2 (soon) from STILL_MISSING_DAYS; only the stage reached is produced."""
    threshold = missed_checkin_days()
    days = missed_days(today, last)
    if days < threshold:
        return None
    key = f"none:{last.isoformat()}" if never else last.isoformat()
    still = max(STILL_MISSING_DAYS, threshold)
    urgency = OutreachUrgency.SOON if days >= STILL_MISSING_DAYS else OutreachUrgency.ROUTINE
    if days >= still and still > threshold:
        key += f":{still}"
    since = (f"none since the portal account was set up on {last.isoformat()}" if never
             else f"last check-in {last.isoformat()}")
    return _finding(MISSED_CHECKINS, patient_id, organisation_id, key, urgency,
                    days=days, since=since)


@dataclass(frozen=True)
class MeasurePoint:
    """One result in a series: the original response's uuid (the key), the day it was
    taken, and the scores shown (the latest amendment's)."""

    key: str
    taken_on: date
    total: int | None
    subscales: dict


def bam_changes(patient_id: int, organisation_id: int, previous: MeasurePoint,
                current: MeasurePoint) -> list[Finding]:
    """Risk up and/or protective down by at least the (design-choice) threshold."""
    threshold = bam_change_points()
    found = []
    for rule_id, subscale, sign in ((BAM_RISK_UP, "risk", 1),
                                    (BAM_PROTECTIVE_DOWN, "protective", -1)):
        before, now = previous.subscales.get(subscale), current.subscales.get(subscale)
        if before is None or now is None:
            continue
        change = int(now) - int(before)
        if sign * change >= threshold:
            found.append(_finding(
                rule_id, patient_id, organisation_id, current.key, previous=before,
                current=now, change=change, threshold=threshold,
                previous_on=previous.taken_on.isoformat(),
                current_on=current.taken_on.isoformat()))
    return found


def phq9_reliable_worsening(patient_id: int, organisation_id: int, previous: MeasurePoint,
                            current: MeasurePoint) -> Finding | None:
    if previous.total is None or current.total is None:
        return None
    threshold, _ = phq9_reliable_change()
    change = current.total - previous.total
    if change < threshold:
        return None
    return _finding(PHQ9_RELIABLE_WORSENING, patient_id, organisation_id, current.key,
                    previous=previous.total, current=current.total, change=change,
                    threshold=threshold, previous_on=previous.taken_on.isoformat(),
                    current_on=current.taken_on.isoformat())
