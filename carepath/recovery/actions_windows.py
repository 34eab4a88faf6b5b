"""Every change to risk windows: permission, validation, one transaction, audit. The only
writer of risk windows.

The person marks times they know are risky (a festival, club nights, payday); before each
occurrence the reminder job sends an extra check-in prompt and a coping reminder. The
person and their care team may both add and cancel windows. A cancelled window is kept
(cancelled_at set), never deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.access import guards
from carepath.accounts.idempotency import digest_of, run_once
from carepath.audit import log as audit
from carepath.audit.models import Action

from .actions_plans import save_decision
from .models import RiskWindow, WindowRepeat
from .windows import MAX_REMIND_HOURS

OBJECT_TYPE = "recovery.riskwindow"
WEB_ENDPOINT = "recovery.window.add"

# Design choices, named in the messages and in docs/relapse-prevention.md.
LABEL_MAX = 80
MAX_LENGTH = timedelta(days=14)
WEEKLY_MAX_LENGTH = timedelta(days=6)  # a weekly window must leave part of the week free
MAX_AHEAD = timedelta(days=366)
REMIND_HOURS = (1, MAX_REMIND_HOURS)
MAX_ACTIVE_WINDOWS = 50

WINDOW_REFUSED = "You do not have access to change this person's risk times."


def require_window_change(ctx: audit.Context, patient):
    """The person on their own record, or staff who may change it; refusals audited."""
    return guards.require_change(ctx, patient, OBJECT_TYPE,
                                 decision=save_decision(ctx.user, patient),
                                 message=WINDOW_REFUSED)


def _hours(days: timedelta) -> str:
    return f"{int(days.total_seconds() // 86400)} days"


def validate(*, label, starts_at, ends_at, repeats, remind_hours_before, now) -> dict:
    """The cleaned fields, or a ValidationError naming each field that is wrong."""
    errors: dict[str, list[str]] = {}
    label = " ".join(str(label or "").split())
    if not label:
        errors["label"] = ["Name: say what the time is, such as “Festival” or “Payday”."]
    elif len(label) > LABEL_MAX:
        errors["label"] = [f"Name: keep it to {LABEL_MAX} characters (it has {len(label)})."]
    if repeats not in WindowRepeat.values:
        errors["repeats"] = ["Repeats: choose once, every week or every month."]
    if (not isinstance(remind_hours_before, int) or isinstance(remind_hours_before, bool)
            or not REMIND_HOURS[0] <= remind_hours_before <= REMIND_HOURS[1]):
        errors["remind_hours_before"] = [
            f"Remind me: choose from {REMIND_HOURS[0]} to {REMIND_HOURS[1]} hours before."]
    for field, value, label_text in (("starts_at", starts_at, "Starts"),
                                     ("ends_at", ends_at, "Ends")):
        if not isinstance(value, datetime) or timezone.is_naive(value):
            errors[field] = [f"{label_text}: enter a date and time."]
    if "starts_at" not in errors and "ends_at" not in errors:
        if ends_at <= starts_at:
            errors["ends_at"] = ["Ends: must be after the start."]
        elif ends_at - starts_at > MAX_LENGTH:
            errors["ends_at"] = [f"Ends: a risk time can last at most {_hours(MAX_LENGTH)}. "
                                 "Split a longer time into parts."]
        elif repeats == WindowRepeat.WEEKLY and ends_at - starts_at > WEEKLY_MAX_LENGTH:
            errors["ends_at"] = [f"Ends: a weekly risk time can last at most "
                                 f"{_hours(WEEKLY_MAX_LENGTH)}."]
        elif ends_at <= now:
            errors["ends_at"] = ["Ends: this time is already over. Enter the next time it "
                                 "happens."]
        if starts_at - now > MAX_AHEAD:
            errors["starts_at"] = ["Starts: choose a time within the next year."]
    if errors:
        raise ValidationError(errors)
    return {"label": label, "starts_at": starts_at, "ends_at": ends_at, "repeats": repeats,
            "remind_hours_before": remind_hours_before}


def add_window(ctx: audit.Context, patient, *, label: str, starts_at: datetime,
               ends_at: datetime, repeats: str = WindowRepeat.NONE,
               remind_hours_before: int = 4, now: datetime | None = None) -> RiskWindow:
    """Add a risk window. Times are aware datetimes (the form reads them in the
    organisation's time zone); they are stored in UTC."""
    require_window_change(ctx, patient)
    now = now or timezone.now()
    fields = validate(label=label, starts_at=starts_at, ends_at=ends_at, repeats=repeats,
                      remind_hours_before=remind_hours_before, now=now)
    with transaction.atomic():
        active = (RiskWindow.objects.filter(patient=patient, cancelled_at__isnull=True)
                  .exclude(repeats=WindowRepeat.NONE, ends_at__lte=now).count())
        if active >= MAX_ACTIVE_WINDOWS:
            raise ValidationError({"label": [
                f"There are already {active} risk times: cancel some that no longer matter "
                "before adding more."]})
        window = RiskWindow.objects.create(organisation_id=patient.organisation_id,
                                           patient=patient, **fields)
        audit.record(ctx, Action.CREATE, patient=patient, obj=window, details={
            "repeats": window.repeats, "remind_hours_before": window.remind_hours_before})
    return window


def add_window_once(ctx: audit.Context, patient, *, key: str | None,
                    endpoint: str = WEB_ENDPOINT, **fields) -> tuple[RiskWindow, bool]:
    """``add_window`` once per submission key: a double-tapped form adds one window."""
    require_window_change(ctx, patient)  # outside run_once's transaction: stays audited
    digest = digest_of({**{k: v for k, v in fields.items() if k != "now"},
                        "patient": str(patient.uuid)})
    made, earlier = run_once(ctx.user, endpoint, key, digest,
                             lambda: add_window(ctx, patient, **fields))
    if made is not None:
        return made, True
    return RiskWindow.objects.get(uuid=earlier, patient=patient), False


def cancel_window(ctx: audit.Context, window: RiskWindow) -> RiskWindow:
    """Cancel the window (all its occurrences). Cancelling twice changes nothing."""
    patient = window.patient
    require_window_change(ctx, patient)
    with transaction.atomic():
        current = RiskWindow.objects.select_for_update().get(pk=window.pk)
        if current.cancelled_at is None:
            current.cancelled_at = timezone.now()
            current.save(update_fields=["cancelled_at"])
            audit.record(ctx, Action.UPDATE, patient=patient, obj=current,
                         details={"fields": ["cancelled_at"], "cancelled": True})
    window.cancelled_at = current.cancelled_at
    return window
