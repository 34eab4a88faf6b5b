"""Step 6, hold the intervention: date and time, place, rehearsal date, the order of
speakers and the checklist. The date is the same field step 1 sets.

Dates are checked against today in the organisation's time zone. A date already stored
is not refused again for being in the past (the team can still tick the checklist after
the day); a newly entered one is.
"""

from __future__ import annotations

from datetime import date, time
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import steps
from .actions_options import audit_change, require_member
from .models import InterventionPlan, PlanMember

PLACE_MAX = 200
CHECKLIST_KEYS = [key for key, _ in steps.HOLD_CHECKLIST]


def org_today(plan) -> date:
    zone = ZoneInfo(getattr(plan.organisation, "time_zone", "") or "UTC")
    return timezone.localtime(timezone.now(), zone).date()


def speaker_field(member) -> str:
    return f"order_{member.uuid.hex}"


def validate(plan, *, intervention_date, place, rehearsal_date, orders: dict,
             accepted: list) -> dict:
    """The cleaned values, or a ValidationError naming each wrong field."""
    errors: dict[str, list[str]] = {}
    today = org_today(plan)
    place = " ".join(str(place or "").split())
    if len(place) > PLACE_MAX:
        errors["place"] = [f"Place: keep it to {PLACE_MAX} characters."]
    if intervention_date is not None and intervention_date < today \
            and intervention_date != plan.intervention_date:
        errors["intervention_date"] = ["Date: the intervention date is in the past. "
                                       "Choose today or a later date."]
    if rehearsal_date is not None and rehearsal_date != plan.rehearsal_date \
            and rehearsal_date < today:
        errors["rehearsal_date"] = ["Rehearsal date: this date is in the past."]
    if rehearsal_date is not None and "rehearsal_date" not in errors:
        if intervention_date is None:
            errors["rehearsal_date"] = ["Rehearsal date: set the intervention date too, so "
                                        "the rehearsal can come before it."]
        elif rehearsal_date > intervention_date:
            errors["rehearsal_date"] = ["Rehearsal date: must be on or before the "
                                        "intervention date."]
    given = {m.pk: orders.get(m.pk) for m in accepted}
    if any(v is not None for v in given.values()):
        n = len(accepted)
        for m in accepted:
            value = given[m.pk]
            if value is None or not 1 <= value <= n:
                errors[speaker_field(m)] = [f"Order for {m.name}: a number from 1 to {n}."]
        numbers = [v for v in given.values() if v is not None]
        if not errors.keys() & {speaker_field(m) for m in accepted} \
                and len(set(numbers)) != len(numbers):
            for m in accepted:
                if numbers.count(given[m.pk]) > 1:
                    errors[speaker_field(m)] = [
                        f"Order for {m.name}: {given[m.pk]} is given to more than one "
                        "speaker. Each person needs their own number."]
    if errors:
        raise ValidationError(errors)
    return {"place": place, "orders": given}


def save_hold(ctx, plan, *, intervention_date: date | None, intervention_time: time | None,
              place: str, rehearsal_date: date | None, orders: dict,
              checklist: set) -> InterventionPlan:
    """Save the hold step. ``orders`` maps PlanMember pk to a speaking number (or None);
    numbers are distinct 1..n over the accepted members, or all left blank."""
    require_member(ctx, plan)
    with transaction.atomic():
        locked = InterventionPlan.objects.select_for_update().get(pk=plan.pk)
        accepted = list(PlanMember.objects.filter(plan=plan, accepted_at__isnull=False)
                        .order_by("pk"))
        cleaned = validate(locked, intervention_date=intervention_date, place=place,
                           rehearsal_date=rehearsal_date, orders=orders, accepted=accepted)
        fresh_checklist = {key: key in checklist for key in CHECKLIST_KEYS}
        changed_members = []
        for m in accepted:
            if m.speaking_order != cleaned["orders"][m.pk]:
                m.speaking_order = cleaned["orders"][m.pk]
                changed_members.append(m)
        if changed_members:
            PlanMember.objects.bulk_update(changed_members, ["speaking_order"])
        now = timezone.now()
        values = {"intervention_date": intervention_date,
                  "intervention_time": intervention_time, "place": cleaned["place"],
                  "rehearsal_date": rehearsal_date, "checklist": fresh_checklist}
        fields = [f for f, v in values.items() if getattr(locked, f) != v]
        if fields:
            InterventionPlan.objects.filter(pk=plan.pk).update(updated_at=now, **values)
        for field, value in values.items():
            setattr(plan, field, value)
        if fields or changed_members:
            audit_change(ctx, plan, "hold", "hold_saved",
                         fields=fields + (["speaking_order"] if changed_members else []))
    return plan
