"""Supervised withdrawal: the observation plan, observations, red-flag rules, medication.

Not a validated withdrawal scale: no validated ketamine withdrawal scale exists
(CLINICAL.md section 4), so the symptoms, anchors and red-flag thresholds are
CarePath's configurable observation chart. Observations are never edited: one entered
in error is marked so, with a reason, and stays visible.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ObservationPlan(models.Model):
    """How often a patient in supervised withdrawal is observed.

    Every ``early_every_hours`` for the first ``early_for_hours`` after ``started_at``,
    then every ``later_every_hours`` until ``ended_at``. One plan per episode.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="observation_plans")
    episode = models.OneToOneField("patients.EpisodeOfCare", on_delete=models.PROTECT,
                                   related_name="observation_plan")
    started_at = models.DateTimeField(default=timezone.now)
    early_every_hours = models.PositiveSmallIntegerField(default=4)
    early_for_hours = models.PositiveSmallIntegerField(default=72)
    later_every_hours = models.PositiveSmallIntegerField(default=8)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["patient", "started_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(early_every_hours__gte=1)
                                   & models.Q(later_every_hours__gte=1),
                                   name="observation_intervals_positive"),
        ]


class Observation(models.Model):
    """One set of observations: symptom ratings, craving, vitals, free text."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="observations")
    episode = models.ForeignKey("patients.EpisodeOfCare", on_delete=models.PROTECT,
                                related_name="observations")
    taken_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    # {symptom key: rating}, keys from withdrawal.symptoms.SYMPTOMS; absent = not rated.
    symptoms = models.JSONField(default=dict)
    craving = models.PositiveSmallIntegerField(null=True, blank=True)  # 0-10
    heart_rate = models.PositiveSmallIntegerField(null=True, blank=True)  # beats a minute
    systolic = models.PositiveSmallIntegerField(null=True, blank=True)  # mmHg
    diastolic = models.PositiveSmallIntegerField(null=True, blank=True)  # mmHg
    temperature = models.DecimalField(max_digits=3, decimal_places=1, null=True,
                                      blank=True)  # degrees Celsius
    respiratory_rate = models.PositiveSmallIntegerField(null=True, blank=True)  # a minute
    spo2 = models.PositiveSmallIntegerField("SpO2", null=True, blank=True)  # percent
    note = models.TextField(blank=True)
    # Codes of the red-flag rules this observation met, as evaluated when recorded.
    red_flags = models.JSONField(default=list)
    submission_key = models.UUIDField(null=True, blank=True, unique=True)
    entered_in_error_at = models.DateTimeField(null=True, blank=True)
    entered_in_error_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                            null=True, blank=True, related_name="+")
    entered_in_error_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["patient", "taken_at"], name="observation_patient_time")]

    @property
    def in_error(self) -> bool:
        return self.entered_in_error_at is not None


class RedFlagRule(models.Model):
    """An organisation's red-flag rule: ``field`` compared with ``threshold``.

    ``field`` is a vital (``heart_rate``, ``systolic``, ``diastolic``, ``temperature``,
    ``respiratory_rate``, ``spo2``), ``craving`` or ``symptom:<key>``. An organisation
    with no rules uses ``withdrawal.redflags.DEFAULT_RULES``; reference data, edited in
    the admin.
    """

    class Comparator(models.TextChoices):
        AT_LEAST = "gte", "at least"
        AT_MOST = "lte", "at most"

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="+")
    code = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    field = models.CharField(max_length=40)
    comparator = models.CharField(max_length=3, choices=Comparator.choices)
    threshold = models.DecimalField(max_digits=5, decimal_places=1)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation", "code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"],
                                               name="one_red_flag_rule_per_code")]

    def __str__(self):
        return self.label


class MedicationNote(models.Model):
    """What was given, when and why. Not a prescribing or dispensing record."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="medication_notes")
    episode = models.ForeignKey("patients.EpisodeOfCare", on_delete=models.PROTECT,
                                related_name="medication_notes")
    given_at = models.DateTimeField()
    medicine = models.CharField(max_length=120)
    dose = models.CharField(max_length=60)
    route = models.CharField(max_length=40, blank=True)
    reason = models.CharField(max_length=300)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    submission_key = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        indexes = [models.Index(fields=["patient", "given_at"], name="medication_patient_time")]
