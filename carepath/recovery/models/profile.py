"""One row per person using the companion: what reminds them, and what the nightly scan
reads so it never has to aggregate three years of check-ins."""

import datetime
import uuid

from django.db import models
from django.utils import timezone


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    NONE = "none", "No reminders"


class RecoveryProfile(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    patient = models.OneToOneField("patients.Patient", on_delete=models.PROTECT,
                                   related_name="recovery_profile")
    # The nightly scan watches only people expected to check in (portal active, alive).
    checkins_expected = models.BooleanField(default=True)
    # Maintained by submit_checkin (the latest check-in's date), read by the nightly scan.
    last_checkin_on = models.DateField(null=True, blank=True)
    first_checkin_on = models.DateField(null=True, blank=True)
    # Reminders: at the person's chosen local time, never inside quiet hours.
    reminder_time = models.TimeField(default=datetime.time(19, 0))
    reminder_channel = models.CharField(max_length=8, choices=ReminderChannel.choices,
                                        default=ReminderChannel.EMAIL)
    quiet_start = models.TimeField(default=datetime.time(22, 0))
    quiet_end = models.TimeField(default=datetime.time(8, 0))
    reminders_opted_out_at = models.DateTimeField(null=True, blank=True)
    # The person's choice to let supporters' encouragement through: family.SharingPreference.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["checkins_expected", "last_checkin_on"],
                                name="recovery_profile_scan")]

    def __str__(self):
        return f"Recovery profile {self.uuid}"
