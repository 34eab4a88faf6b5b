"""Raising and closing outreach tasks: someone should contact this person.

``raise_outreach`` runs in the caller's transaction and relies on the caller's permission
check (a no-show is raised by ``record_attendance``, which checked change access); the
recovery app reuses it for its own reasons. A retried raise for the same source and
reason returns the first task: never two tasks for one missed session.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carepath.access.policy import patient_change_access
from carepath.audit import log as audit
from carepath.audit.models import Action

from .models import OutreachOutcome, OutreachStatus, OutreachTask, OutreachUrgency

OBJECT_TYPE = "treatment.outreachtask"
NOTE_MAX = 2000
NOT_NEEDED_MIN = 10


def raise_outreach(ctx: audit.Context, patient, *, reason: str, explanation: str,
                   source_type: str, source_uuid, urgency: int = OutreachUrgency.SOON,
                   due_on=None) -> OutreachTask:
    """One open-or-closed task per (source_type, source_uuid, reason). Returns it."""
    existing = OutreachTask.objects.filter(source_type=source_type, source_uuid=source_uuid,
                                           reason=reason).first()
    if existing is not None:
        return existing
    if urgency not in OutreachUrgency.values:
        raise ValueError(f"Unknown outreach urgency {urgency!r}")
    due_on = due_on or timezone.localdate()
    try:
        with transaction.atomic():  # a savepoint: a concurrent raise loses the race cleanly
            task = OutreachTask.objects.create(
                organisation_id=patient.organisation_id, patient=patient, reason=reason,
                explanation=explanation[:300], urgency=urgency, source_type=source_type,
                source_uuid=source_uuid, due_on=due_on)
            audit.record(ctx, Action.CREATE, patient=patient, obj=task,
                         details={"reason": reason, "urgency": int(urgency),
                                  "source": source_type, "source_uuid": str(source_uuid)})
    except IntegrityError:
        return OutreachTask.objects.get(source_type=source_type, source_uuid=source_uuid,
                                        reason=reason)
    return task


def close_outreach(ctx: audit.Context, task: OutreachTask, outcome: str,
                   note: str = "") -> OutreachTask:
    """Record what came of the contact and close the task (care team only)."""
    patient = task.patient
    decision = patient_change_access(ctx.user, patient)
    if not decision:
        audit.denied(ctx, patient=patient, object_type=OBJECT_TYPE, reason=decision.basis)
        raise PermissionDenied("You do not have access to change this record.")
    note = (note or "").strip()
    errors = {}
    if outcome not in OutreachOutcome.values:
        errors["outcome"] = ["Choose what happened: reached the person, left a message, no "
                             "answer, or no longer needed."]
    elif outcome == OutreachOutcome.NOT_NEEDED and len(note) < NOT_NEEDED_MIN:
        errors["note"] = [f"Say why contact is no longer needed (at least {NOT_NEEDED_MIN} "
                          "characters)."]
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Keep the note under {NOTE_MAX} characters."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = OutreachTask.objects.select_for_update().get(pk=task.pk)
        if locked.status != OutreachStatus.OPEN:
            raise ValidationError({"outcome": ["This outreach task was already closed; "
                                               "nothing was changed."]})
        locked.status = OutreachStatus.DONE
        locked.outcome = outcome
        locked.outcome_note = note
        locked.closed_by = ctx.user
        locked.closed_at = timezone.now()
        locked.save(update_fields=["status", "outcome", "outcome_note", "closed_by",
                                   "closed_at"])
        audit.record(ctx, Action.UPDATE, patient=patient, obj=locked,
                     details={"closed": True, "outcome": outcome})
    for field in ("status", "outcome", "outcome_note", "closed_by", "closed_at"):
        setattr(task, field, getattr(locked, field))
    return task
