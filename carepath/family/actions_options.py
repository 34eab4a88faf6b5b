"""Step 4, offer treatment options: directory services the team will offer, which of them
are chosen, and the one assessment pre-booked in CarePath's intake pipeline.

Every write checks that the signed-in person is an accepted member of the plan, runs in a
transaction and is audited as ``family.plan`` with no free text in the details.
"""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carepath.access.policy import plan_membership
from carepath.audit import log as audit
from carepath.audit.models import Action, Outcome
from carepath.intake import actions_family

from .models import InterventionPlan, PlanMember, TreatmentOption

OBJECT_TYPE = "family.plan"
SUPPORT_NOTE_MAX = 300
NOT_ON_TEAM = "Only the people on this plan's team can change it."


def require_member(ctx: audit.Context, plan: InterventionPlan) -> PlanMember:
    """The acting person's accepted membership, or an audited refusal (PermissionDenied).
    The views' plan_view already checks this; the actions check again so no caller can
    skip it."""
    member = plan_membership(ctx.user, plan)
    if member is None:
        audit.record(ctx, Action.UPDATE, obj=plan, object_type=OBJECT_TYPE,
                     outcome=Outcome.DENIED, details={"reason": "not_on_plan_team"})
        raise PermissionDenied(NOT_ON_TEAM)
    return member


def audit_change(ctx, plan, step: str, change: str, **ids) -> None:
    """One audit event per change: the step, what changed and public ids, never text."""
    audit.record(ctx, Action.UPDATE, obj=plan, object_type=OBJECT_TYPE,
                 details={"step": step, "change": change, **ids})


def as_uuid(value) -> uuid.UUID | None:
    """A posted id as a UUID, or None for anything else (treated as "not found")."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def touch(plan, now) -> None:
    InterventionPlan.objects.filter(pk=plan.pk).update(updated_at=now)
    plan.updated_at = now


def add_option(ctx, plan, *, service, support_note: str = "") -> TreatmentOption:
    """Add a directory service as an option. Adding the same service twice says so."""
    require_member(ctx, plan)
    note = " ".join(str(support_note or "").split())
    if len(note) > SUPPORT_NOTE_MAX:
        raise ValidationError({"support_note": [
            f"How we will support this: keep it to {SUPPORT_NOTE_MAX} characters "
            f"(it has {len(note)})."]})
    if service is None or not service.active:
        raise ValidationError({"service": ["That service is no longer in the directory: "
                                           "search again and choose another."]})
    already = ValidationError({"service": [
        f"{service.name} is already one of your options (see the list above)."]})
    now = timezone.now()
    with transaction.atomic():
        if TreatmentOption.objects.filter(plan=plan, service=service).exists():
            raise already
        try:
            with transaction.atomic():
                option = TreatmentOption.objects.create(
                    plan=plan, service=service, support_note=note, added_by=ctx.user,
                    added_at=now)
        except IntegrityError:  # a double submit raced the first
            raise already from None
        touch(plan, now)
        audit_change(ctx, plan, "options", "option_added", option=str(option.uuid),
                     service=str(service.uuid))
    return option


def remove_option(ctx, plan, option_id) -> None:
    """Take an option off the plan. Removing one already gone changes nothing."""
    require_member(ctx, plan)
    with transaction.atomic():
        option = TreatmentOption.objects.filter(plan=plan, uuid=as_uuid(option_id)).first()
        if option is None:
            return
        option.delete()
        touch(plan, timezone.now())
        audit_change(ctx, plan, "options", "option_removed", option=str(option_id))


def set_chosen(ctx, plan, chosen_ids) -> list[TreatmentOption]:
    """Mark exactly the options in ``chosen_ids`` as chosen (the rest not)."""
    require_member(ctx, plan)
    wanted = {str(as_uuid(i)) for i in chosen_ids}
    with transaction.atomic():
        options = list(TreatmentOption.objects.select_for_update().filter(plan=plan))
        unknown = wanted - {str(o.uuid) for o in options}
        if unknown:
            raise ValidationError({"chosen": ["One of those options is no longer on this "
                                              "plan: look at the list again."]})
        changed = []
        for option in options:
            chosen = str(option.uuid) in wanted
            if option.chosen != chosen:
                option.chosen = chosen
                changed.append(option)
        if changed:
            TreatmentOption.objects.bulk_update(changed, ["chosen"])
            touch(plan, timezone.now())
            audit_change(ctx, plan, "options", "options_chosen",
                         chosen=sorted(str(o.uuid) for o in options if o.chosen))
    return options


def pre_book(ctx, plan, *, submission_key=None) -> tuple[object, bool]:
    """Pre-book an assessment: an enquiry in the intake pipeline marked "intervention
    planned". Once per plan: a second press returns the existing enquiry, ``created``
    False. Needs the intervention date (step 1) and at least one chosen option."""
    member = require_member(ctx, plan)
    with transaction.atomic():
        locked = InterventionPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.enquiry_id is not None:
            plan.enquiry = locked.enquiry
            return locked.enquiry, False
        errors = {}
        if locked.intervention_date is None:
            errors["intervention_date"] = [
                "Set the date of the intervention on step 1 (Plan) first: the assessment "
                "is held for that week."]
        chosen = list(TreatmentOption.objects.filter(plan=locked, chosen=True)
                      .select_related("service").order_by("added_at", "pk"))
        if not chosen:
            errors["chosen"] = ["Choose at least one treatment option first (tick it in "
                                "the list of options and save)."]
        if errors:
            raise ValidationError(errors)
        enquiry = actions_family.pre_book_assessment(
            ctx, locked.organisation, given_name=locked.loved_one_name,
            caller_name=member.name, caller_email=ctx.user.email or member.email,
            intervention_date=locked.intervention_date,
            options=[o.service.name for o in chosen], submission_key=submission_key)
        if InterventionPlan.objects.filter(enquiry=enquiry).exclude(pk=locked.pk).exists():
            # A submission key from another plan's form: never link someone else's enquiry.
            raise ValidationError({"submission_key": ["This form is out of date: reload the "
                                                      "page and press the button again."]})
        now = timezone.now()
        InterventionPlan.objects.filter(pk=locked.pk).update(enquiry=enquiry, updated_at=now)
        audit_change(ctx, plan, "options", "assessment_pre_booked",
                     enquiry=str(enquiry.uuid))
    plan.enquiry = enquiry
    plan.updated_at = now
    return enquiry, True
