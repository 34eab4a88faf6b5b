"""The daily check-in: what the person reports about one day, stored as reported."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

SCALE_MAX = 10  # craving, mood and bladder pain are 0-10 ratings
SLEEP_MAX_HOURS = 24


class CheckInSource(models.TextChoices):
    WEB = "web", "Portal"
    API = "api", "Mobile app (API)"


class CheckIn(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="checkins")
    # The day the check-in is about (the organisation's local date); never in the future.
    # Several check-ins on one day are allowed (an extra one before a risk window).
    checkin_date = models.DateField()
    submitted_at = models.DateTimeField(default=timezone.now)
    craving = models.PositiveSmallIntegerField()  # 0-10, not a validated scale
    mood = models.PositiveSmallIntegerField()  # 0 (very low) - 10 (very good)
    sleep_hours = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    used_ketamine = models.BooleanField()
    other_substances = models.JSONField(default=list, blank=True)  # list of names
    triggers = models.JSONField(default=list, blank=True)  # from the person's plan or free
    bladder_pain = models.PositiveSmallIntegerField(default=0)  # 0-10
    blood_in_urine = models.BooleanField(default=False)  # a red flag: alerts the care team
    support_contact = models.BooleanField(null=True, blank=True)  # contact with support today
    note = models.TextField(blank=True)
    source = models.CharField(max_length=4, choices=CheckInSource.choices,
                              default=CheckInSource.WEB)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-checkin_date", "-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["patient", "checkin_date"], name="checkin_patient_date"),
            models.Index(fields=["checkin_date"], name="checkin_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(craving__lte=SCALE_MAX), name="checkin_craving"),
            models.CheckConstraint(condition=Q(mood__lte=SCALE_MAX), name="checkin_mood"),
            models.CheckConstraint(condition=Q(bladder_pain__lte=SCALE_MAX),
                                   name="checkin_bladder_pain"),
            models.CheckConstraint(
                condition=Q(sleep_hours__isnull=True)
                | Q(sleep_hours__gte=0, sleep_hours__lte=SLEEP_MAX_HOURS),
                name="checkin_sleep_hours"),
        ]

    @property
    def is_lapse(self) -> bool:
        return self.used_ketamine
