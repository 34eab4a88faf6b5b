"""Step 2, consult a professional: choose an advisor or interventionist from the directory,
or ask CarePath's intake team for one (an enquiry with source "family"), and keep notes.

Audit details hold identifiers only; the notes' words stay in the plan."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.directory.models import Service
from carepath.intake.actions_family import request_family_advisor

from .actions_plans import OBJECT_TYPE, require_member
from .models import InterventionPlan

NOTES_MAX = 4000


def advisor_services():
    """Active directory services that advise families (offers_family_support), by name."""
    return Service.objects.filter(active=True, offers_family_support=True).order_by("name", "pk")


def _save(ctx, plan, fields: dict, details: dict) -> InterventionPlan:
    with transaction.atomic():
        locked = InterventionPlan.objects.select_for_update().get(pk=plan.pk)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, fields[name])
        if changed:
            locked.updated_at = timezone.now()
            locked.save(update_fields=[*changed, "updated_at"])
            audit.record(ctx, Action.UPDATE, obj=locked, object_type=OBJECT_TYPE,
                         details={"fields": changed, **details})
    return locked


def choose_service(ctx, plan, service_uuid) -> InterventionPlan:
    require_member(ctx, plan)
    service = advisor_services().filter(uuid=service_uuid).first() if service_uuid else None
    if service is None:
        raise ValidationError({"service": [
            "Choose an advisor or interventionist from the list."]})
    return _save(ctx, plan, {"consult_service": service}, {"service": str(service.uuid)})


def clear_service(ctx, plan) -> InterventionPlan:
    require_member(ctx, plan)
    return _save(ctx, plan, {"consult_service": None}, {})


def save_notes(ctx, plan, notes: str) -> InterventionPlan:
    require_member(ctx, plan)
    notes = (notes or "").strip()
    if len(notes) > NOTES_MAX:
        raise ValidationError({"notes": [
            f"Notes can be at most {NOTES_MAX} characters (these are {len(notes)})."]})
    return _save(ctx, plan, {"consult_notes": notes}, {})


def request_advisor(ctx, plan, *, question: str = "", submission_key=None) -> InterventionPlan:
    """Ask the intake team for an advisor: one enquiry per plan. A second request (another
    member, a retried form) makes no new enquiry and returns the plan as it is."""
    member = require_member(ctx, plan)
    with transaction.atomic():
        locked = InterventionPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.consult_enquiry_id is not None:
            return locked
        user = ctx.user
        enquiry = request_family_advisor(
            ctx, locked.organisation, given_name=locked.loved_one_name,
            caller_name=member.name or user.get_full_name(),
            caller_email=user.email or member.email, question=question[:1000],
            submission_key=submission_key or None)
        locked.consult_enquiry = enquiry
        locked.updated_at = timezone.now()
        locked.save(update_fields=["consult_enquiry", "updated_at"])
        audit.record(ctx, Action.UPDATE, obj=locked, object_type=OBJECT_TYPE,
                     details={"fields": ["consult_enquiry"], "enquiry": str(enquiry.uuid)})
    return locked
