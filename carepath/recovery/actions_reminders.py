"""The person's reminder preferences: time, channel, quiet hours, opting out and back in.
Only the person changes them (``own_record_access``); each change is audited by field
name."""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.access import guards
from carepath.access.policy import own_record_access
from carepath.audit import log as audit
from carepath.audit.models import Action

from . import reminder_channels
from .models import RecoveryProfile
from .profiles import profile_for
from .reminders import in_quiet_hours

OBJECT_TYPE = "recovery.recoveryprofile"
REFUSED = "Only the person can change their own reminders."
NO_ADDRESS = {
    "email": "We have no email address for you. Choose text message, or ask your care team "
             "to add your email address.",
    "sms": "We have no mobile number for you. Choose email, or ask your care team to add "
           "your mobile number.",
}


def _require(ctx, patient):
    guards.require_change(ctx, patient, OBJECT_TYPE,
                          decision=own_record_access(ctx.user, patient), message=REFUSED)


def check_preferences(patient, reminder_time: time | None, channel: str,
                      quiet_start: time | None, quiet_end: time | None
                      ) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if reminder_time is None:
        errors["reminder_time"] = ["Enter the time for your daily reminder, such as 19:00."]
    if quiet_start is None:
        errors["quiet_start"] = ["Enter when your quiet hours start, such as 22:00."]
    if quiet_end is None:
        errors["quiet_end"] = ["Enter when your quiet hours end, such as 08:00."]
    chosen = reminder_channels.get(channel)
    if chosen is None:
        names = ", ".join(c.label.lower() for c in reminder_channels.CHANNELS.values())
        errors["channel"] = [f"Choose how to be reminded: {names}."]
    elif not chosen.address(patient):
        errors["channel"] = [NO_ADDRESS.get(channel, "We have no address for this "
                                                     "channel: choose another.")]
    if not errors and in_quiet_hours(reminder_time, quiet_start, quiet_end):
        errors["reminder_time"] = [
            f"Your reminder time ({reminder_time:%H:%M}) is inside your quiet hours "
            f"({quiet_start:%H:%M} to {quiet_end:%H:%M}), so it would never be sent: choose "
            "a time outside them, or change the quiet hours."]
    return errors


def save_preferences(ctx: audit.Context, patient, *, reminder_time: time | None,
                     channel: str, quiet_start: time | None,
                     quiet_end: time | None) -> RecoveryProfile:
    _require(ctx, patient)
    errors = check_preferences(patient, reminder_time, channel, quiet_start, quiet_end)
    if errors:
        raise ValidationError(errors)
    values = {"reminder_time": reminder_time, "reminder_channel": channel,
              "quiet_start": quiet_start, "quiet_end": quiet_end}
    with transaction.atomic():
        profile = RecoveryProfile.objects.select_for_update().get(pk=profile_for(patient).pk)
        changed = [name for name, value in values.items() if getattr(profile, name) != value]
        if changed:
            for name in changed:
                setattr(profile, name, values[name])
            profile.updated_at = timezone.now()
            profile.save(update_fields=[*changed, "updated_at"])
            audit.record(ctx, Action.UPDATE, patient=patient, obj=profile,
                         details={"fields": sorted(changed)})
    return profile


def set_opted_out(ctx: audit.Context, patient, opted_out: bool) -> RecoveryProfile:
    """Stop every reminder (True) or start them again (False). Repeating is harmless."""
    _require(ctx, patient)
    with transaction.atomic():
        profile = RecoveryProfile.objects.select_for_update().get(pk=profile_for(patient).pk)
        if (profile.reminders_opted_out_at is not None) == opted_out:
            return profile
        now = timezone.now()
        profile.reminders_opted_out_at = now if opted_out else None
        profile.updated_at = now
        profile.save(update_fields=["reminders_opted_out_at", "updated_at"])
        audit.record(ctx, Action.UPDATE, patient=patient, obj=profile,
                     details={"fields": ["reminders_opted_out_at"], "opted_out": opted_out})
    return profile
