"""Step 7, follow up: what happened at the intervention, and what happens next.

Agreed moves the pre-booked enquiry to "assessment booked" at once (the seed: if they
agree, start treatment straight away). Refused needs a review date; partly needs notes.
Any accepted member may record the outcome (a CarePath design choice: whoever is with the
person afterwards should not have to wait for the chair). Recording again is allowed and
the latest outcome stands, but the enquiry is moved at most once.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.intake import actions_family
from carepath.intake.models.enquiries import EnquiryStageChange, Stage

from .actions_hold import org_today
from .actions_options import audit_change, require_member
from .models import InterventionOutcome, InterventionPlan

NOTES_MAX = 2000
# What intake sees on the stage change: fixed words, none of the family's private notes.
INTAKE_NOTE = "Recorded on the plan's follow-up step."


def _validate(plan, outcome, notes, review_date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if outcome not in InterventionOutcome.values:
        errors["outcome"] = ["Outcome: choose agreed, refused for now or partly agreed."]
    if len(notes) > NOTES_MAX:
        errors["outcome_notes"] = [f"Notes: keep them to {NOTES_MAX} characters "
                                   f"(they have {len(notes)})."]
    elif outcome == InterventionOutcome.PARTLY and not notes:
        errors["outcome_notes"] = ["Notes: say what they agreed to and what they did not."]
    if outcome == InterventionOutcome.REFUSED and review_date is None:
        errors["review_date"] = ["Review date: choose when the team will talk again."]
    elif review_date is not None and review_date <= org_today(plan):
        errors["review_date"] = ["Review date: choose a date after today."]
    return errors


def enquiry_moved_by_plan(enquiry) -> bool:
    """Whether this enquiry has been to "assessment booked" already (by us or intake)."""
    return EnquiryStageChange.objects.filter(enquiry=enquiry,
                                             to_stage=Stage.ASSESSMENT_BOOKED).exists()


def record_outcome(ctx, plan, *, outcome: str, notes: str = "",
                   review_date: date | None = None) -> dict:
    """Record the outcome. Returns {"enquiry_moved": bool, "enquiry_problem": str}:
    the problem is the intake pipeline's reason when it could not move the enquiry (the
    outcome is still recorded, and the page says to call intake)."""
    require_member(ctx, plan)
    notes = str(notes or "").strip()
    errors = _validate(plan, outcome, notes, review_date)
    if errors:
        raise ValidationError(errors)
    result = {"enquiry_moved": False, "enquiry_problem": ""}
    with transaction.atomic():
        locked = InterventionPlan.objects.select_for_update().get(pk=plan.pk)
        enquiry = locked.enquiry
        if outcome == InterventionOutcome.AGREED and enquiry is not None \
                and not enquiry_moved_by_plan(enquiry):
            try:
                actions_family.record_intervention_agreed(ctx, enquiry, note=INTAKE_NOTE)
                result["enquiry_moved"] = True
            except ValidationError as exc:
                result["enquiry_problem"] = " ".join(exc.messages)
        now = timezone.now()
        values = {"outcome": outcome, "outcome_notes": notes, "review_date": review_date,
                  "outcome_recorded_at": now, "outcome_recorded_by": ctx.user,
                  "updated_at": now}
        InterventionPlan.objects.filter(pk=plan.pk).update(**values)
        for field, value in values.items():
            setattr(plan, field, value)
        audit_change(ctx, plan, "follow_up", "outcome_recorded", outcome=outcome,
                     review_date_set=review_date is not None,
                     enquiry_moved=result["enquiry_moved"],
                     repeated=bool(locked.outcome))
    return result
