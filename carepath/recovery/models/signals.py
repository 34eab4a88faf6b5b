"""Risk signals: a documented rule met for a person, with its explanation; each raises
one outreach task on the caseload (treatment.OutreachTask)."""

import uuid

from django.db import models
from django.utils import timezone


class RiskSignal(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="risk_signals")
    rule = models.CharField(max_length=40)  # a rule id in carepath.recovery.risk_rules
    # What this occurrence is about, per rule (e.g. the last check-in date of a gap), so the
    # nightly scan and the after-check-in evaluation never raise it twice.
    key = models.CharField(max_length=64)
    explanation = models.CharField(max_length=300)  # shown to the clinician
    urgency = models.PositiveSmallIntegerField()  # treatment.OutreachUrgency
    detected_at = models.DateTimeField(default=timezone.now)
    outreach_uuid = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-detected_at"]
        indexes = [models.Index(fields=["patient", "detected_at"], name="risk_signal_patient")]
        constraints = [models.UniqueConstraint(fields=["patient", "rule", "key"],
                                               name="one_risk_signal_per_occurrence")]
