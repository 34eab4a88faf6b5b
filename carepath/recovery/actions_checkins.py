"""The daily check-in: the only writer of check-ins (web form and API alike).

Only the person themself checks in. Every field is checked and refused by name; a retry
with the same Idempotency-Key (a double tap, a phone on a bad connection) returns the
first check-in and never makes a second, even when the two race on PostgreSQL. Blood in
urine raises one urgent alert in the same transaction; the risk rules run after commit.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from carepath.access import guards
from carepath.access.policy import own_record_access
from carepath.accounts.idempotency import digest_of, run_once
from carepath.alerts.actions import raise_alert
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.treatment.models import OutreachUrgency
from carepath.treatment.outreach import raise_outreach

from .models import CheckIn, CheckInSource, RecoveryProfile
from .models.checkins import SCALE_MAX, SLEEP_MAX_HOURS
from .profiles import profile_for

OBJECT_TYPE = "recovery.checkin"
ENDPOINT = "recovery.checkin"
ALERT_FLAG = "blood-in-urine"
ALERT_SUMMARY = "Reported visible blood in urine in a check-in (red flag)"
OUTREACH_REASON = "patient_asked"
ONLY_THE_PATIENT = "Check-ins are made by the patient"
DAYS_BACK_MAX = 7  # a design choice: a late check-in for last week, not a diary rewrite
SUBSTANCES_MAX, SUBSTANCE_CHARS = 10, 60
TRIGGERS_MAX, TRIGGER_CHARS = 20, 80
NOTE_MAX = 2000

# The fields a check-in is made of, in the order the API and the digest see them.
FIELDS = ("checkin_date", "craving", "mood", "sleep_hours", "used_ketamine",
          "other_substances", "triggers", "bladder_pain", "blood_in_urine",
          "support_contact", "note")
LABELS = {"craving": "Craving", "mood": "Mood", "bladder_pain": "Bladder pain",
          "sleep_hours": "Hours of sleep", "used_ketamine": "Ketamine used today",
          "blood_in_urine": "Blood in urine", "support_contact": "Contact with support",
          "other_substances": "Other substances", "triggers": "Triggers", "note": "Note",
          "checkin_date": "Date"}


def organisation_today(organisation) -> datetime.date:
    """Today's date where the organisation is (a check-in is about a local day)."""
    try:
        zone = ZoneInfo(organisation.time_zone)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return timezone.localdate()
    return timezone.now().astimezone(zone).date()


# --- Checking what was sent -----------------------------------------------------------

def _whole(value, field: str, errors: dict, *, required: bool, default=None):
    if value is None or value == "":
        if not required:
            return default
        errors[field] = [f"{LABELS[field]} is required: a whole number from 0 to {SCALE_MAX}."]
        return None
    number = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or not 0 <= number <= SCALE_MAX:
        errors[field] = [f"{LABELS[field]} must be a whole number from 0 to {SCALE_MAX}."]
        return None
    return number


def _yes_no(value, field: str, errors: dict, *, required: bool):
    if value is None or value == "":
        if required:
            errors[field] = [f"{LABELS[field]}: answer yes or no."]
        return None
    if not isinstance(value, bool):
        errors[field] = [f"{LABELS[field]} must be yes or no (true or false)."]
        return None
    return value


def _sleep(value, errors: dict):
    if value is None or value == "":
        return None
    message = (f"Hours of sleep must be a number from 0 to {SLEEP_MAX_HOURS}, with at most "
               "one decimal place (such as 7.5).")
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        errors["sleep_hours"] = [message]
        return None
    try:
        hours = Decimal(str(value).strip())
    except InvalidOperation:
        errors["sleep_hours"] = [message]
        return None
    if not hours.is_finite() or not 0 <= hours <= SLEEP_MAX_HOURS \
            or hours.normalize().as_tuple().exponent < -1:
        errors["sleep_hours"] = [message]
        return None
    return hours.quantize(Decimal("0.1"))


def _names(value, field: str, errors: dict, *, most: int, chars: int) -> list[str]:
    message = f"{LABELS[field]}: at most {most}, each up to {chars} characters."
    if value is None:
        return []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors[field] = [f"{LABELS[field]} must be a list of short texts. {message}"]
        return []
    names, seen = [], set()
    for raw in value:
        name = " ".join(raw.split())  # one line, single spaces
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            names.append(name)
    if len(names) > most or any(len(n) > chars for n in names):
        longest = max((len(n) for n in names), default=0)
        errors[field] = [f"{message} You sent {len(names)}"
                         + (f"; the longest has {longest} characters." if longest > chars
                            else ".")]
        return []
    return names


def _date(value, errors: dict, today: datetime.date):
    if value is None or value == "":
        return today
    day = None
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        day = value
    elif isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value.strip())
        except ValueError:
            day = None
    if day is None:
        errors["checkin_date"] = ["Date must be a date such as 2026-03-14."]
        return None
    if day > today:
        errors["checkin_date"] = ["A check-in cannot be for a future date."]
        return None
    if day < today - datetime.timedelta(days=DAYS_BACK_MAX):
        errors["checkin_date"] = [f"A check-in can be for today or up to {DAYS_BACK_MAX} days "
                                  f"back; {day:%d %B %Y} is further back than that."]
        return None
    return day


def clean(data: dict, today: datetime.date) -> dict:
    """The check-in's values, or ValidationError naming every field that is wrong."""
    errors: dict[str, list[str]] = {}
    note = data.get("note") or ""
    if not isinstance(note, str):
        errors["note"] = ["Note must be text."]
        note = ""
    note = note.strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Note must be {NOTE_MAX:,} characters or fewer (it has "
                          f"{len(note):,})."]
    values = {
        "checkin_date": _date(data.get("checkin_date"), errors, today),
        "craving": _whole(data.get("craving"), "craving", errors, required=True),
        "mood": _whole(data.get("mood"), "mood", errors, required=True),
        "sleep_hours": _sleep(data.get("sleep_hours"), errors),
        "used_ketamine": _yes_no(data.get("used_ketamine"), "used_ketamine", errors,
                                 required=True),
        "other_substances": _names(data.get("other_substances"), "other_substances", errors,
                                   most=SUBSTANCES_MAX, chars=SUBSTANCE_CHARS),
        "triggers": _names(data.get("triggers"), "triggers", errors, most=TRIGGERS_MAX,
                           chars=TRIGGER_CHARS),
        "bladder_pain": _whole(data.get("bladder_pain"), "bladder_pain", errors,
                               required=False, default=0),
        "blood_in_urine": _yes_no(data.get("blood_in_urine"), "blood_in_urine", errors,
                                  required=True),
        "support_contact": _yes_no(data.get("support_contact"), "support_contact", errors,
                                   required=False),
        "note": note,
    }
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        errors[unknown[0]] = [f"Unknown field {unknown[0]!r}; a check-in has: "
                              f"{', '.join(FIELDS)}."]
    if errors:
        raise ValidationError(errors)
    return values


# --- Writing ---------------------------------------------------------------------------

def _require_patient(ctx, patient):
    guards.require_change(ctx, patient, OBJECT_TYPE,
                          decision=own_record_access(ctx.user, patient),
                          message=ONLY_THE_PATIENT)


def _touch_profile(patient, day: datetime.date) -> None:
    """Dates the nightly scan reads, kept in step in one UPDATE (no read-modify-write)."""
    def update() -> int:
        return RecoveryProfile.objects.filter(patient=patient).update(
            last_checkin_on=Greatest(Coalesce(F("last_checkin_on"), Value(day)), Value(day)),
            first_checkin_on=Least(Coalesce(F("first_checkin_on"), Value(day)), Value(day)),
            updated_at=timezone.now())

    if not update():  # the first check-in: make the profile (a racing one is fine), then set
        profile_for(patient)
        update()


def _evaluate_later(checkin_uuid: str) -> None:
    from .tasks_signals import evaluate_checkin

    evaluate_checkin.enqueue(checkin_uuid)


def _create(ctx, patient, data: dict, source: str) -> CheckIn:
    values = clean(data, organisation_today(patient.organisation))
    # No savepoint of its own: any error here undoes the whole submission (and run_once's
    # transaction, when there is one), which is what a failed check-in should do.
    with transaction.atomic(savepoint=False):
        checkin = CheckIn.objects.create(organisation_id=patient.organisation_id,
                                         patient=patient, source=source, entered_by=ctx.user,
                                         **values)
        _touch_profile(patient, checkin.checkin_date)
        # The audit chain head is one row every writer locks until commit: take it last,
        # so concurrent check-ins wait on it as briefly as possible.
        audit.record(ctx, Action.CREATE, patient=patient, obj=checkin,
                     details={"source": source, "checkin_date": str(checkin.checkin_date),
                              "used_ketamine": checkin.used_ketamine,
                              "blood_in_urine": checkin.blood_in_urine})
        if checkin.blood_in_urine:
            raise_alert(ctx, patient, flag=ALERT_FLAG, summary=ALERT_SUMMARY,
                        source_type=OBJECT_TYPE, source_uuid=checkin.uuid)
        # After commit: the rules must see the stored check-in, and a rolled-back one
        # (a lost idempotency race) must not be evaluated. robust: a queue hiccup never
        # turns a stored check-in into an error (the nightly scan catches up).
        transaction.on_commit(lambda: _evaluate_later(str(checkin.uuid)), robust=True)
    return checkin


def submit_checkin(ctx: audit.Context, patient, data: dict, *, source: str = CheckInSource.WEB,
                   idempotency_key: str | None = None,
                   digest: str | None = None) -> tuple[CheckIn, bool]:
    """Store one check-in. Returns ``(check-in, created)``; ``created`` is False for a
    retry with the same key (the first check-in comes back). Raises PermissionDenied
    (audited) for anyone but the patient, ValidationError keyed by field, and
    KeyReused when the key came back with different answers."""
    _require_patient(ctx, patient)
    if source not in CheckInSource.values:
        raise ValueError(f"Unknown check-in source {source!r}")
    if digest is None:
        digest = digest_of({k: data.get(k) for k in sorted(data)})
    made, earlier = run_once(ctx.user, ENDPOINT, idempotency_key, digest,
                             lambda: _create(ctx, patient, data, source))
    if made is not None:
        return made, True
    return CheckIn.objects.get(uuid=earlier, patient=patient), False


def ask_for_contact(ctx: audit.Context, checkin: CheckIn):
    """"Ask my clinician to contact me" after a check-in: one outreach task per check-in
    (a second press returns the first). The explanation holds no free text."""
    patient = checkin.patient
    _require_patient(ctx, patient)
    explanation = (f"Asked their clinician to contact them after their check-in for "
                   f"{checkin.checkin_date:%d %b %Y}"
                   + (", which reported ketamine use." if checkin.used_ketamine else "."))
    with transaction.atomic():
        return raise_outreach(ctx, patient, reason=OUTREACH_REASON, explanation=explanation,
                              source_type=OBJECT_TYPE, source_uuid=checkin.uuid,
                              urgency=OutreachUrgency.SOON)
