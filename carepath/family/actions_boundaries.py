"""Step 5, set boundaries: what each member will do if help is refused, and everyone's
agreement to all of them.

Any added or removed boundary sets ``plan.boundaries_changed_at``, so agreement given
before it no longer counts (PlanMember.agreed_to_boundaries) and everyone must agree
again. Agreement names the version of the list the person read: if the list changed
while they were reading, they are asked to read it again rather than agreeing to
boundaries they have not seen.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.accounts.idempotency import digest_of, run_once
from carepath.audit import log as audit
from carepath.audit.models import Action, Outcome

from .actions_options import OBJECT_TYPE, as_uuid, audit_change, require_member
from .models import Boundary, InterventionPlan

TEXT_MAX = 300
ADD_ENDPOINT = "family.boundary.add"
CHANGED_WHILE_READING = ("The boundaries changed while you were reading them. Read the "
                         "list again, then agree if you still do.")


def version_of(plan) -> str:
    """What the agree form carries: when the list last changed ("" if never)."""
    return plan.boundaries_changed_at.isoformat() if plan.boundaries_changed_at else ""


def _lock(plan) -> InterventionPlan:
    return InterventionPlan.objects.select_for_update().get(pk=plan.pk)


def _changed(ctx, plan, now, change: str, boundary) -> None:
    InterventionPlan.objects.filter(pk=plan.pk).update(boundaries_changed_at=now,
                                                       updated_at=now)
    plan.boundaries_changed_at = now
    audit_change(ctx, plan, "boundaries", change, boundary=str(boundary.uuid))


def add_boundary(ctx, plan, *, text: str) -> Boundary:
    """Add one of the acting member's own boundaries."""
    member = require_member(ctx, plan)
    text = " ".join(str(text or "").split())
    if not text:
        raise ValidationError({"text": ["Your boundary: say what you will do if help is "
                                        "refused."]})
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": [f"Your boundary: keep it to {TEXT_MAX} characters "
                                        f"(it has {len(text)})."]})
    with transaction.atomic():
        _lock(plan)  # one change at a time, so agreement times order cleanly
        now = timezone.now()
        boundary = Boundary.objects.create(plan=plan, member=member, text=text,
                                           created_at=now)
        _changed(ctx, plan, now, "boundary_added", boundary)
    return boundary


def add_boundary_once(ctx, plan, *, key: str | None, text: str) -> tuple[Boundary, bool]:
    """``add_boundary`` once per form submission key: a double-tapped form adds one."""
    require_member(ctx, plan)  # outside run_once's transaction, so a refusal stays audited
    digest = digest_of({"plan": str(plan.uuid), "text": " ".join(str(text or "").split())})
    made, earlier = run_once(ctx.user, ADD_ENDPOINT, key,
                             digest, lambda: add_boundary(ctx, plan, text=text))
    if made is not None:
        return made, True
    return Boundary.objects.get(uuid=earlier, plan=plan), False


def remove_boundary(ctx, plan, boundary_id) -> Boundary | None:
    """Remove one of the acting member's own boundaries (kept, with removed_at set).
    Someone else's boundary is refused and audited; removing twice changes nothing."""
    member = require_member(ctx, plan)
    boundary = Boundary.objects.filter(plan=plan, uuid=as_uuid(boundary_id)).first()
    if boundary is None:
        return None
    if boundary.member_id != member.pk:
        # Outside any transaction, so the refusal's audit event is kept.
        audit.record(ctx, Action.UPDATE, obj=plan, object_type=OBJECT_TYPE,
                     outcome=Outcome.DENIED,
                     details={"reason": "not_author_of_boundary",
                              "boundary": str(boundary.uuid)})
        raise PermissionDenied("Only the person who wrote a boundary can remove it.")
    with transaction.atomic():
        _lock(plan)
        boundary = Boundary.objects.get(pk=boundary.pk)
        if boundary.removed_at is not None:
            return boundary
        now = timezone.now()
        boundary.removed_at = now
        boundary.save(update_fields=["removed_at"])
        _changed(ctx, plan, now, "boundary_removed", boundary)
    return boundary


def agree_to_all(ctx, plan, *, seen_version: str):
    """The acting member agrees to every live boundary, as of the version they read."""
    member = require_member(ctx, plan)
    with transaction.atomic():
        locked = _lock(plan)
        if (seen_version or "") != version_of(locked):
            raise ValidationError({"agreement": [CHANGED_WHILE_READING]})
        if not Boundary.objects.filter(plan=plan, removed_at__isnull=True).exists():
            raise ValidationError({"agreement": ["There are no boundaries to agree to yet."]})
        now = timezone.now()
        member.boundaries_agreed_at = now
        member.save(update_fields=["boundaries_agreed_at"])
        audit_change(ctx, plan, "boundaries", "agreed_to_all", member=str(member.uuid))
    return member
