"""Risk windows: times the person knows are risky (a festival, club nights, payday)."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class WindowRepeat(models.TextChoices):
    NONE = "none", "Once"
    WEEKLY = "weekly", "Every week"
    MONTHLY = "monthly", "Every month"


class RiskWindow(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="risk_windows")
    label = models.CharField(max_length=80)  # the person's words: "Festival", "Payday"
    starts_at = models.DateTimeField()  # first occurrence
    ends_at = models.DateTimeField()
    repeats = models.CharField(max_length=8, choices=WindowRepeat.choices,
                               default=WindowRepeat.NONE)
    # The extra check-in prompt and coping reminder go out this long before each start.
    remind_hours_before = models.PositiveSmallIntegerField(default=4)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["patient", "starts_at"], name="risk_window_patient")]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")),
                                              name="risk_window_ends_after_start")]
