"""Break-glass: opening a record outside the care team, and its review."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.audit import log as audit
from carepath.audit.models import Action

from .models import BreakGlassAccess
from .policy import may_break_glass, may_review_break_glass

MIN_REASON_LENGTH = 10


def open_break_glass(ctx: audit.Context, patient, reason: str) -> BreakGlassAccess:
    reason = (reason or "").strip()
    if not may_break_glass(ctx.user, patient):
        audit.denied(ctx, patient=patient, object_type="access.breakglassaccess",
                     reason="role_may_not_break_glass")
        raise PermissionDenied("Your role may not open records outside your care team.")
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError({"reason": [
            f"Give the clinical reason in at least {MIN_REASON_LENGTH} characters; "
            "it is shown on the record and reviewed by a supervisor."]})
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlassAccess.objects.create(
            user=ctx.user, patient=patient, reason=reason[:500], opened_at=now,
            expires_at=now + timedelta(hours=settings.CAREPATH_BREAK_GLASS_HOURS))
        audit.record(ctx, Action.BREAK_GLASS, patient=patient, obj=grant, purpose=reason)
    return grant


def review_break_glass(ctx: audit.Context, grant: BreakGlassAccess, note: str) -> BreakGlassAccess:
    if not may_review_break_glass(ctx.user) or grant.user_id == ctx.user.pk:
        raise PermissionDenied("Break-glass access is reviewed by another supervisor.")
    with transaction.atomic():
        grant = BreakGlassAccess.objects.select_for_update().get(pk=grant.pk)
        if grant.reviewed_at is None:  # a repeated submit changes nothing
            grant.reviewed_by = ctx.user
            grant.reviewed_at = timezone.now()
            grant.review_note = (note or "").strip()[:500]
            grant.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
            audit.record(ctx, Action.REVIEW, patient=grant.patient, obj=grant)
    return grant
