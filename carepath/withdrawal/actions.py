"""Every change to supervised-withdrawal records: permission, one transaction, audit.

Observations are never edited or deleted: one entered in error is marked so, with a
reason, and stays visible. A retried web form (same ``submission_key``) returns the
first result instead of writing a duplicate.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carepath.access import guards
from carepath.access.policy import may_record_withdrawal_medication
from carepath.alerts.actions import raise_alert
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import EpisodeOfCare

from . import redflags, schedule, symptoms, vitals
from .models import MedicationNote, Observation, ObservationPlan

PLAN = "withdrawal.observationplan"
OBSERVATION = "withdrawal.observation"
MEDICATION = "withdrawal.medicationnote"
ALERT_FLAG = "withdrawal-red-flag"
# Clocks on a ward differ a little; beyond this a time is "in the future".
CLOCK_SKEW = timedelta(minutes=5)
REASON_MIN = 10
NOTE_MAX = 2000
EVERY_HOURS_MAX = 24
EARLY_FOR_HOURS_MAX = 336  # 14 days


def _require(ctx, patient, object_type, decision=None):
    return guards.require_change(ctx, patient, object_type, decision=decision)


def _open_episode(patient, field: str) -> EpisodeOfCare:
    episode = (EpisodeOfCare.objects.filter(patient=patient, closed_at__isnull=True)
               .order_by("-opened_at").first())
    if episode is None:
        raise ValidationError({field: ["This patient has no open episode of care; open one "
                                       "(Episodes of care tab) before supervised withdrawal."]})
    return episode


def _aware(moment):
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _check_time(moment, field: str, what: str, episode, errors: dict, now):
    if moment is None:
        errors[field] = [f"Enter the date and time {what}."]
    elif moment > now + CLOCK_SKEW:
        errors[field] = [f"The time {what} ({timezone.localtime(moment):%d %b %Y %H:%M}) "
                         "cannot be in the future."]
    elif moment < episode.opened_at:
        errors[field] = [f"The time {what} cannot be before the episode of care opened "
                         f"({timezone.localtime(episode.opened_at):%d %b %Y %H:%M})."]


# --- The observation plan -------------------------------------------------------------

def _plan_values(values: dict) -> dict:
    defaults = schedule.default_plan_values()
    cleaned, errors = {}, {}
    limits = {"early_every_hours": (1, EVERY_HOURS_MAX, "Observe every (first phase)"),
              "early_for_hours": (0, EARLY_FOR_HOURS_MAX, "First phase lasts"),
              "later_every_hours": (1, EVERY_HOURS_MAX, "Then observe every")}
    for field, (low, high, label) in limits.items():
        value = values.get(field)
        value = defaults[field] if value in (None, "") else value
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            errors[field] = [f"{label} must be a whole number of hours from {low} to {high}."]
        else:
            cleaned[field] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def start_plan(ctx: audit.Context, patient, *, started_at=None, **values) -> ObservationPlan:
    """Start (or restart, once ended) the observation plan of the open episode.

    Values not given come from settings (4 hours for 72 hours, then 8). Starting again
    an open plan with the same values returns it (a retried form); with other values
    it is refused: adjust the plan instead.
    """
    _require(ctx, patient, PLAN)
    episode = _open_episode(patient, "early_every_hours")
    cleaned = _plan_values(values)
    now = timezone.now()
    started_at = _aware(started_at) or now
    errors = {}
    _check_time(started_at, "started_at", "the plan starts", episode, errors, now)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        EpisodeOfCare.objects.select_for_update().filter(pk=episode.pk).first()
        plan = ObservationPlan.objects.filter(episode=episode).first()
        if plan is not None and plan.ended_at is None:
            if all(getattr(plan, k) == v for k, v in cleaned.items()):
                return plan
            raise ValidationError({"early_every_hours": [
                "This episode already has an open observation plan; adjust it instead."]})
        if plan is None:
            plan = ObservationPlan.objects.create(patient=patient, episode=episode,
                                                  started_at=started_at, created_by=ctx.user,
                                                  updated_at=now, **cleaned)
            audit.record(ctx, Action.CREATE, patient=patient, obj=plan, details=cleaned)
        else:
            for key, value in cleaned.items():
                setattr(plan, key, value)
            plan.started_at, plan.ended_at, plan.updated_at = started_at, None, now
            plan.save()
            audit.record(ctx, Action.UPDATE, patient=patient, obj=plan,
                         details={**cleaned, "restarted": True})
    return plan


def adjust_plan(ctx: audit.Context, plan: ObservationPlan, **values) -> ObservationPlan:
    """Change the intervals of an open plan; the next due time follows at once."""
    _require(ctx, plan.patient, PLAN)
    cleaned = _plan_values(values)
    with transaction.atomic():
        locked = ObservationPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.ended_at is not None:
            raise ValidationError({"early_every_hours": [
                "This observation plan has ended; start it again to observe."]})
        changed = {k: v for k, v in cleaned.items() if getattr(locked, k) != v}
        if not changed:
            return locked
        for key, value in changed.items():
            setattr(locked, key, value)
        locked.updated_at = timezone.now()
        locked.save()
        audit.record(ctx, Action.UPDATE, patient=plan.patient, obj=locked, details=changed)
    return locked


def end_plan(ctx: audit.Context, plan: ObservationPlan) -> ObservationPlan:
    _require(ctx, plan.patient, PLAN)
    with transaction.atomic():
        locked = ObservationPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.ended_at is None:
            locked.ended_at = locked.updated_at = timezone.now()
            locked.save(update_fields=["ended_at", "updated_at"])
            audit.record(ctx, Action.UPDATE, patient=plan.patient, obj=locked,
                         details={"ended": True})
    return locked


# --- Observations ---------------------------------------------------------------------

def _clean_observation(data: dict, episode, now) -> dict:
    errors: dict = {}
    taken_at = _aware(data.get("taken_at"))
    _check_time(taken_at, "taken_at", "the observations were taken", episode, errors, now)
    rated = symptoms.check(data.get("symptoms") or {}, errors)
    craving = data.get("craving")
    if craving in ("", None):
        craving = None
    elif isinstance(craving, bool) or not isinstance(craving, int) or not (
            0 <= craving <= symptoms.CRAVING_MAX):
        errors["craving"] = [f"Craving must be a whole number from 0 to "
                             f"{symptoms.CRAVING_MAX} (you entered {craving})."]
    measured = vitals.check(data, errors)
    note = (data.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Keep the note under {NOTE_MAX} characters (it has {len(note)})."]
    if not errors and not rated and craving is None and not note and all(
            v is None for v in measured.values()):
        errors["__all__"] = ["Nothing was entered: rate at least one symptom, craving or "
                             "vital sign, or write a note."]
    if errors:
        raise ValidationError(errors)
    return {"taken_at": taken_at, "symptoms": rated, "craving": craving, "note": note,
            **measured}


def _summary(rules) -> str:
    return "Withdrawal observation red flags: " + "; ".join(r.label for r in rules)


def record_observation(ctx: audit.Context, patient, data: dict, *,
                       submission_key=None) -> Observation:
    """Record one set of observations, evaluate the red-flag rules and, if any is met,
    raise one urgent alert (listing them all) in the same transaction.

    The returned observation carries ``alert`` (the alert raised, or None) and
    ``met_rules``. A repeated ``submission_key`` returns the first observation.
    """
    _require(ctx, patient, OBSERVATION)
    if submission_key is not None:
        earlier = _earlier(Observation, submission_key, patient)
        if earlier is not None:
            return earlier
    episode = _open_episode(patient, "taken_at")
    now = timezone.now()
    values = _clean_observation(data, episode, now)
    met = redflags.evaluate(values, redflags.rules_for(patient.organisation_id))
    try:
        with transaction.atomic():
            observation = Observation.objects.create(
                patient=patient, episode=episode, recorded_by=ctx.user, recorded_at=now,
                red_flags=[r.code for r in met], submission_key=submission_key, **values)
            audit.record(ctx, Action.CREATE, patient=patient, obj=observation,
                         details={"red_flags": observation.red_flags,
                                  "symptoms_rated": len(values["symptoms"])})
            alert = None
            if met:
                alert = raise_alert(ctx, patient, flag=ALERT_FLAG, summary=_summary(met),
                                    source_type=OBSERVATION, source_uuid=observation.uuid)
    except IntegrityError:
        # A concurrent retry of the same form won the race: return its observation.
        earlier = _earlier(Observation, submission_key, patient) if submission_key else None
        if earlier is None:
            raise
        return earlier
    observation.alert = alert
    observation.met_rules = met
    return observation


def _earlier(model, submission_key, patient):
    earlier = model.objects.filter(submission_key=submission_key).first()
    if earlier is None:
        return None
    if earlier.patient_id != patient.pk:
        raise ValidationError({"__all__": ["This form was already used for another patient; "
                                           "reload the page and enter it again."]})
    earlier.alert = None
    earlier.met_rules = []
    earlier.retried = True
    return earlier


def mark_entered_in_error(ctx: audit.Context, observation: Observation,
                          reason: str) -> Observation:
    """Mark an observation entered in error. It stays on the chart, struck through with
    the reason; any alert it raised stays open until acknowledged."""
    _require(ctx, observation.patient, OBSERVATION)
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ValidationError({"reason": [
            f"Say why this entry is in error (at least {REASON_MIN} characters)."]})
    if len(reason) > 300:
        raise ValidationError({"reason": ["Keep the reason under 300 characters."]})
    with transaction.atomic():
        locked = Observation.objects.select_for_update().get(pk=observation.pk)
        if locked.in_error:
            raise ValidationError({"reason": ["This observation is already marked entered "
                                              "in error; nothing was changed."]})
        locked.entered_in_error_at = timezone.now()
        locked.entered_in_error_by = ctx.user
        locked.entered_in_error_reason = reason
        locked.save(update_fields=["entered_in_error_at", "entered_in_error_by",
                                   "entered_in_error_reason"])
        audit.record(ctx, Action.UPDATE, patient=observation.patient, obj=locked,
                     details={"entered_in_error": True})
    return locked


# --- Medication notes -----------------------------------------------------------------

MEDICATION_LIMITS = {"medicine": (120, "the medicine"), "dose": (60, "the dose"),
                     "route": (40, "the route"), "reason": (300, "why it was given")}


def record_medication(ctx: audit.Context, patient, data: dict, *,
                      submission_key=None) -> MedicationNote:
    """Note a medicine given during withdrawal: what, dose, route, when and why.
    Not a prescribing or dispensing record."""
    _require(ctx, patient, MEDICATION,
             decision=may_record_withdrawal_medication(ctx.user, patient))
    if submission_key is not None:
        earlier = _earlier(MedicationNote, submission_key, patient)
        if earlier is not None:
            return earlier
    episode = _open_episode(patient, "given_at")
    now = timezone.now()
    errors: dict = {}
    given_at = _aware(data.get("given_at"))
    _check_time(given_at, "given_at", "it was given", episode, errors, now)
    cleaned = {}
    for field, (limit, what) in MEDICATION_LIMITS.items():
        value = (data.get(field) or "").strip()
        if not value and field != "route":
            errors[field] = [f"Enter {what}."]
        elif len(value) > limit:
            errors[field] = [f"Keep {what} under {limit} characters."]
        cleaned[field] = value
    note = (data.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Keep the note under {NOTE_MAX} characters."]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            medication = MedicationNote.objects.create(
                patient=patient, episode=episode, given_at=given_at, note=note,
                recorded_by=ctx.user, recorded_at=now, submission_key=submission_key,
                **cleaned)
            audit.record(ctx, Action.CREATE, patient=patient, obj=medication, details={})
    except IntegrityError:
        earlier = _earlier(MedicationNote, submission_key, patient) if submission_key else None
        if earlier is None:
            raise
        return earlier
    return medication
