"""Every reminder sent (or deliberately not sent) is logged; the unique key makes a
second run of the reminder job a no-op."""

import uuid

from django.db import models
from django.utils import timezone


class ReminderKind(models.TextChoices):
    CHECKIN = "checkin", "Daily check-in"
    RISK_WINDOW = "risk_window", "Before a risk window"
    FOLLOW_UP = "follow_up", "Follow-up"
    MEASURE = "measure", "Questionnaire due"


class ReminderStatus(models.TextChoices):
    SENT = "sent", "Sent"
    QUIET_HOURS = "quiet_hours", "Held: quiet hours"
    OPTED_OUT = "opted_out", "Not sent: opted out"
    NO_ADDRESS = "no_address", "Not sent: no address"
    FAILED = "failed", "Failed"


class ReminderSend(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="reminder_sends")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    # What the reminder is for (a date, a window occurrence, a follow-up's uuid).
    reference = models.CharField(max_length=80)
    channel = models.CharField(max_length=8)
    status = models.CharField(max_length=12, choices=ReminderStatus.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        indexes = [models.Index(fields=["patient", "sent_at"], name="reminder_patient")]
        constraints = [models.UniqueConstraint(fields=["patient", "kind", "reference"],
                                               name="one_reminder_per_reference")]
