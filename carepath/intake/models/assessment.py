import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from carepath.patients.models import LevelOfCare

# Dimension names as published with the ASAM Criteria 4th edition (public); the
# ratings are the clinician's own, and CarePath's placement rules are its own.
DIMENSIONS = [
    ("1", "Intoxication, withdrawal and addiction medications"),
    ("2", "Biomedical conditions"),
    ("3", "Psychiatric and cognitive conditions"),
    ("4", "Substance use-related risks"),
    ("5", "Recovery environment interactions"),
    ("6", "Person-centred considerations"),
]


# The five levels placement recommends, most intensive first, named as the issue names
# them (the stored values are patients.LevelOfCare).
PLACEMENT_LEVELS = [
    (LevelOfCare.WITHDRAWAL, "Medically monitored withdrawal"),
    (LevelOfCare.RESIDENTIAL, "Residential"),
    (LevelOfCare.INTENSIVE_OUTPATIENT, "Intensive outpatient"),
    (LevelOfCare.OUTPATIENT, "Outpatient"),
    (LevelOfCare.AFTERCARE, "Recovery support / aftercare"),
]
PLACEMENT_LEVEL_NAMES = dict(PLACEMENT_LEVELS)


class AssessmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Route(models.TextChoices):
    SNORTED = "snorted", "Snorted (nasal)"
    ORAL = "oral", "Swallowed"
    INJECTED = "injected", "Injected"
    SMOKED = "smoked", "Smoked or vaped"
    OTHER = "other", "Other"


class Assessment(models.Model):
    """A comprehensive assessment. Completed assessments are not edited."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="assessments")
    episode = models.ForeignKey("patients.EpisodeOfCare", on_delete=models.PROTECT,
                                null=True, blank=True, related_name="assessments")
    enquiry = models.ForeignKey("intake.Enquiry", on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="assessments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    booked_for = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.BOOKED)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    # Ketamine history.
    age_first_use = models.PositiveSmallIntegerField(null=True, blank=True)
    years_of_use = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    days_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    grams_per_using_day = models.DecimalField(max_digits=5, decimal_places=2, null=True,
                                              blank=True)
    route = models.CharField(max_length=10, choices=Route.choices, blank=True)
    binges = models.BooleanField(null=True, blank=True)
    k_holes = models.BooleanField("K-holes", null=True, blank=True)
    last_use = models.DateField(null=True, blank=True)

    # {"alcohol": {"frequency": "daily", "notes": ""}, ...}: see intake.substances.
    other_substances = models.JSONField(default=dict, blank=True)
    # {"housing": "...", "work_or_study": "...", "family": "...", "children": "...", "legal": "..."}
    social = models.JSONField(default=dict, blank=True)
    # {"1": {"rating": 0-4, "notes": ""}, ... "6": {...}}; dimension 6 is recorded as
    # barriers / preferences, not a risk rating, and no placement rule reads it.
    dimensions = models.JSONField(default=dict, blank=True)
    # Red flags seen at assessment (ids in intake.placement.RED_FLAGS).
    red_flags = models.JSONField(default=list, blank=True)
    summary = models.TextField("clinician's summary", blank=True)
    # A web form's one-time key: a retried "Book" finds the first booking.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["patient", "created_at"], name="assessment_patient")]


class Placement(models.Model):
    """One level-of-care decision: the rules' recommendation and the clinician's choice.
    Rows are only added; the newest for a patient is current."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT,
                                   related_name="placements")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="placements")
    rules_version = models.CharField(max_length=40)
    recommended_level = models.CharField(max_length=32, choices=LevelOfCare.choices)
    # [{"rule": "P1", "title": ..., "level": ..., "reason": ...}, ...]
    fired_rules = models.JSONField(default=list)
    cautions = models.JSONField(default=list, blank=True)
    # What the rules saw: the instrument results used (response ids, totals, bands).
    inputs = models.JSONField(default=dict, blank=True)
    chosen_level = models.CharField(max_length=32, choices=LevelOfCare.choices)
    override_reason = models.TextField(blank=True)
    service = models.ForeignKey("directory.Service", on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    waitlist_entry = models.ForeignKey("directory.WaitlistEntry", on_delete=models.PROTECT,
                                       null=True, blank=True, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    # A web form's one-time key: a retried "Confirm placement" finds the first decision.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["patient", "decided_at"], name="placement_patient")]

    @property
    def overridden(self) -> bool:
        return self.chosen_level != self.recommended_level

    @property
    def recommended_level_name(self) -> str:
        return PLACEMENT_LEVEL_NAMES.get(self.recommended_level, self.recommended_level)

    @property
    def chosen_level_name(self) -> str:
        return PLACEMENT_LEVEL_NAMES.get(self.chosen_level, self.chosen_level)
