"""Raising, escalating and acknowledging alerts. Every step is audited.

An alert is written in the caller's transaction (with the answer that raised it), so
it is on screen even when no task worker runs; the messages about it are tasks,
enqueued in the same transaction on the database backend.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.access.policy import patient_change_access
from carepath.audit import log as audit
from carepath.audit.models import Action

from .models import Alert

MIN_NOTE_LENGTH = 10


def raise_alert(ctx: audit.Context, patient, *, flag: str, summary: str, source_type: str,
                source_uuid=None, severity: str = Alert.Severity.URGENT) -> Alert:
    from . import tasks

    now = timezone.now()
    with transaction.atomic():
        alert = Alert.objects.create(
            organisation_id=patient.organisation_id, patient=patient, flag=flag,
            summary=summary[:300], source_type=source_type, source_uuid=source_uuid,
            severity=severity, raised_at=now,
            escalate_at=now + timedelta(minutes=settings.CAREPATH_ALERT_ESCALATION_MINUTES))
        audit.record(ctx, Action.CREATE, patient=patient, obj=alert,
                     details={"flag": flag, "severity": severity, "source": source_type})
        tasks.notify_alert.enqueue(str(alert.uuid), "raised")
        tasks.escalate_alert.using(run_after=alert.escalate_at).enqueue(str(alert.uuid))
    return alert


def acknowledge(ctx: audit.Context, alert: Alert, note: str) -> Alert:
    if not patient_change_access(ctx.user, alert.patient):
        raise PermissionDenied("Only the care team can acknowledge this alert.")
    note = (note or "").strip()
    if len(note) < MIN_NOTE_LENGTH:
        raise ValidationError({"action_note": [
            f"Say what you did or will do (at least {MIN_NOTE_LENGTH} characters)."]})
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        if not locked.is_open:
            raise ValidationError({"action_note": [
                "This alert was already acknowledged; nothing was changed."]})
        locked.status = Alert.Status.ACKNOWLEDGED
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = ctx.user
        locked.action_note = note
        locked.save(update_fields=["status", "acknowledged_at", "acknowledged_by",
                                   "action_note"])
        audit.record(ctx, Action.ACKNOWLEDGE, patient=alert.patient, obj=locked,
                     details={"flag": locked.flag,
                              "minutes_open": int((locked.acknowledged_at - locked.raised_at)
                                                  .total_seconds() // 60)})
    return locked


def escalate(alert_uuid, *, now=None) -> bool:
    """Escalate one alert if it is still open and due. Safe to run twice."""
    from . import tasks

    now = now or timezone.now()
    with transaction.atomic():
        alert = (Alert.objects.select_for_update().select_related("patient")
                 .filter(uuid=alert_uuid, status=Alert.Status.OPEN, escalated_at__isnull=True,
                         escalate_at__lte=now).first())
        if alert is None:
            return False
        alert.escalated_at = now
        alert.save(update_fields=["escalated_at"])
        audit.record(audit.Context.system("alert escalation"), Action.ESCALATE,
                     patient=alert.patient, obj=alert,
                     details={"flag": alert.flag, "unacknowledged_minutes":
                              int((now - alert.raised_at).total_seconds() // 60)})
        tasks.notify_alert.enqueue(str(alert.uuid), "escalated")
    return True


def escalate_overdue(*, now=None) -> int:
    """The sweep behind ``carepath alerts escalate``: catches any alert whose deferred
    escalation task was lost (a worker down past its time, a restored database)."""
    now = now or timezone.now()
    due = Alert.objects.filter(status=Alert.Status.OPEN, escalated_at__isnull=True,
                               escalate_at__lte=now).values_list("uuid", flat=True)
    return sum(escalate(uuid, now=now) for uuid in list(due))
