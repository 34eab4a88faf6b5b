"""Outreach tasks: someone to contact (a missed session now; risk signals later).

Below the recovery companion on purpose: treatment raises them for no-shows and the
recovery app adds its own reasons; the caseload lists open ones by urgency.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class OutreachUrgency(models.IntegerChoices):
    URGENT = 1, "Urgent"
    SOON = 2, "Soon"
    ROUTINE = 3, "Routine"


class OutreachStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"


class OutreachOutcome(models.TextChoices):
    REACHED = "reached", "Reached the person"
    MESSAGE_LEFT = "message_left", "Left a message"
    NO_ANSWER = "no_answer", "No answer"
    NOT_NEEDED = "not_needed", "No longer needed"


class OutreachTask(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="outreach_tasks")
    reason = models.CharField(max_length=40)  # e.g. "no_show"
    explanation = models.CharField(max_length=300)  # shown to the clinician
    urgency = models.PositiveSmallIntegerField(choices=OutreachUrgency.choices,
                                               default=OutreachUrgency.SOON)
    # What raised it, so a retried raise makes one task, not two.
    source_type = models.CharField(max_length=60)
    source_uuid = models.UUIDField()
    created_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()
    status = models.CharField(max_length=6, choices=OutreachStatus.choices,
                              default=OutreachStatus.OPEN)
    outcome = models.CharField(max_length=14, choices=OutreachOutcome.choices, blank=True)
    outcome_note = models.TextField(blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["urgency", "due_on", "pk"]
        indexes = [models.Index(fields=["patient", "status"], name="outreach_patient_status"),
                   models.Index(fields=["status", "urgency", "due_on"], name="outreach_queue")]
        constraints = [models.UniqueConstraint(fields=["source_type", "source_uuid", "reason"],
                                               name="one_outreach_per_source")]
