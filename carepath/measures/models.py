"""Responses to instruments, organisation settings, schedules and one-time links.

A submitted response is immutable: the database refuses to change or delete it
(triggers in migration 0002). A correction is a new response that ``amends`` the old.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from carepath.accounts.models import Organisation
from carepath.patients.models import LevelOfCare, Patient


class InstrumentSetting(models.Model):
    """An organisation's choices for one instrument: switched off, or a cut-off chosen
    from the values the definition allows."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="instrument_settings")
    instrument_id = models.CharField(max_length=40)
    enabled = models.BooleanField(default=True)
    parameters = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "instrument_id"],
                                               name="one_setting_per_instrument")]

    def __str__(self):
        return f"{self.instrument_id} ({'on' if self.enabled else 'off'})"


class Mode(models.TextChoices):
    CLINICIAN = "clinician", "Clinician-administered"
    SELF_REPORT = "self_report", "Self-report (portal)"
    LINK = "link", "Self-report (one-time link)"


class Response(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="responses")
    instrument_id = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    mode = models.CharField(max_length=12, choices=Mode.choices)
    answers = models.JSONField(default=dict)  # linkId -> raw answer, None when skipped
    parameters = models.JSONField(default=dict, blank=True)  # cut-offs used to score
    total = models.SmallIntegerField(null=True, blank=True)
    band = models.CharField(max_length=30, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=list, blank=True)
    codes = models.JSONField(default=dict, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    amends = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="amendments")
    amendment_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            models.Index(fields=["patient", "instrument_id", "submitted_at"],
                         name="response_patient_instr_time"),
            models.Index(fields=["patient", "submitted_at"], name="response_patient_time"),
        ]

    def __str__(self):
        return f"{self.instrument_id} {self.get_status_display()}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    def result(self) -> dict:
        return {"instrument": self.instrument_id, "total": self.total,
                "band": self.band or None, "subscales": self.subscales, "flags": self.flags,
                "codes": self.codes}


class Schedule(models.Model):
    """Give an instrument every N days: to one patient, or to everyone whose current
    episode is at a level of care (the programme they are in)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="measure_schedules")
    level_of_care = models.CharField(max_length=24, choices=LevelOfCare.choices, blank=True)
    instrument_id = models.CharField(max_length=40)
    every_days = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(patient__isnull=False, level_of_care="")
                           | Q(patient__isnull=True) & ~Q(level_of_care="")),
                name="schedule_for_patient_or_programme"),
            models.CheckConstraint(condition=Q(every_days__gte=1), name="schedule_every_day_min"),
        ]
        indexes = [models.Index(fields=["organisation", "level_of_care", "active"],
                                name="schedule_programme")]

    def __str__(self):
        return f"{self.instrument_id} every {self.every_days} days"


class Reminder(models.Model):
    """A reminder sent for one due date: unique, so a re-run never reminds twice."""

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["schedule", "patient", "due_on"],
                                               name="one_reminder_per_due_date")]


class Link(models.Model):
    """A one-time, expiring link to complete one measure without an account. The token
    is the link's id signed with the secret key, so no credential is stored anywhere
    (not here, not in the task queue)."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    instrument_id = models.CharField(max_length=40)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    response = models.ForeignKey(Response, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    def usable(self, now=None) -> bool:
        return self.used_at is None and (now or timezone.now()) < self.expires_at
