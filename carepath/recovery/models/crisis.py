"""The crisis button: each press is kept (the person may also choose to alert the team)."""

import uuid

from django.db import models
from django.utils import timezone


class CareTeamContact(models.Model):
    """How a patient reaches their care team, shown beside the crisis lines (reference
    data, set by an administrator)."""

    organisation = models.OneToOneField("accounts.Organisation", on_delete=models.CASCADE,
                                        related_name="care_team_contact")
    phone = models.CharField(max_length=40)
    hours = models.CharField(max_length=120, blank=True)  # "Mon-Fri 9am-5pm"
    out_of_hours = models.CharField(max_length=200, blank=True)  # what to do otherwise

    def __str__(self):
        return f"Care team contact for {self.organisation}"


class CrisisPress(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="crisis_presses")
    pressed_at = models.DateTimeField(default=timezone.now)
    # Set when the person chose "tell my care team": the urgent alert raised.
    alerted_team_at = models.DateTimeField(null=True, blank=True)
    alert_uuid = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-pressed_at"]
        indexes = [models.Index(fields=["patient", "pressed_at"], name="crisis_press_patient")]
