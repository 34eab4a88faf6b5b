"""After discharge: support meetings the person logs, and alumni follow-ups."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class MeetingKind(models.TextChoices):
    TWELVE_STEP = "twelve_step", "12-step meeting"
    SMART = "smart", "SMART Recovery"
    OTHER = "other", "Other support meeting"


class SupportMeeting(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="support_meetings")
    met_on = models.DateField()
    kind = models.CharField(max_length=12, choices=MeetingKind.choices)
    name = models.CharField(max_length=120, blank=True)  # "Tuesday SMART group"
    note = models.TextField(blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-met_on", "-pk"]
        indexes = [models.Index(fields=["patient", "met_on"], name="support_meeting_patient")]


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    COMPLETED = "completed", "Completed"
    MISSED = "missed", "Missed"
    CANCELLED = "cancelled", "Cancelled"


class FollowUp(models.Model):
    """An alumni follow-up N days after a signed discharge; answers feed outcomes."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="follow_ups")
    discharge = models.ForeignKey("treatment.Discharge", on_delete=models.PROTECT,
                                  related_name="follow_ups")
    day_offset = models.PositiveSmallIntegerField()  # 30, 90, 180, 365
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.SCHEDULED)
    used_since_discharge = models.BooleanField(null=True, blank=True)
    days_abstinent_past_30 = models.PositiveSmallIntegerField(null=True, blank=True)  # 0-30
    wellbeing = models.PositiveSmallIntegerField(null=True, blank=True)  # 0 poor - 20 good
    completed_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="follow_up_due"),
                   models.Index(fields=["patient", "due_on"], name="follow_up_patient")]
        constraints = [
            models.UniqueConstraint(fields=["discharge", "day_offset"],
                                    name="one_follow_up_per_offset"),
            models.CheckConstraint(condition=Q(days_abstinent_past_30__isnull=True)
                                   | Q(days_abstinent_past_30__lte=30),
                                   name="follow_up_days_abstinent"),
            models.CheckConstraint(condition=Q(wellbeing__isnull=True) | Q(wellbeing__lte=20),
                                   name="follow_up_wellbeing"),
        ]
