"""Alerts: a signal of risk that must reach a human and stay open until one acts on it."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from carepath.accounts.models import Organisation
from carepath.patients.models import Patient


class AlertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Alert.Status.OPEN)


class Alert(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"

    class Severity(models.TextChoices):
        URGENT = "urgent", "Urgent"
        ROUTINE = "routine", "Routine"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="alerts")
    severity = models.CharField(max_length=10, choices=Severity.choices,
                                default=Severity.URGENT)
    flag = models.CharField(max_length=60)  # e.g. "suicide-risk"
    # What raised it, by type and id, so alerts stay below the apps that raise them.
    source_type = models.CharField(max_length=60)
    source_uuid = models.UUIDField(null=True, blank=True)
    summary = models.CharField(max_length=300)  # shown in the app only, never sent out
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField(default=timezone.now)
    escalate_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    action_note = models.TextField(blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["patient", "status"], name="alert_patient_status"),
            models.Index(fields=["status", "escalate_at"], name="alert_status_escalate"),
        ]

    def __str__(self):
        return f"{self.get_severity_display()} alert {self.flag} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Notification(models.Model):
    """One message sent about an alert; unique per stage and recipient, so a retried
    task never sends the same message twice."""

    class Stage(models.TextChoices):
        RAISED = "raised", "Raised"
        ESCALATED = "escalated", "Escalated"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    channel = models.CharField(max_length=10, default="email")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "stage", "recipient", "channel"],
                                               name="notification_once")]
