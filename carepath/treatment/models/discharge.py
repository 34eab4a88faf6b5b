"""Discharge: reason, a summary drafted from the record, the aftercare plan; signed."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class DischargeReason(models.TextChoices):
    COMPLETED = "completed", "Completed treatment"
    AGAINST_ADVICE = "against_advice", "Left against advice"
    TRANSFERRED = "transferred", "Transferred to another service"
    ADMINISTRATIVE = "administrative", "Administrative discharge"
    DIED = "died", "Died"


class Discharge(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="discharges")
    episode = models.OneToOneField("patients.EpisodeOfCare", on_delete=models.PROTECT,
                                   related_name="discharge")
    reason = models.CharField(max_length=16, choices=DischargeReason.choices)
    discharged_on = models.DateField()
    summary = models.TextField()  # drafted from the record, edited by the clinician
    aftercare_plan = models.TextField(blank=True)  # handed to the recovery companion
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    content_digest = models.CharField(max_length=64, blank=True)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None
