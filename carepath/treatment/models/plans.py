"""Treatment plans: problems -> goals (the patient's words) -> objectives -> interventions.

A plan is versioned: the active version is never edited in place; revising copies it
into a new draft, and activating the draft supersedes the old one (which stays).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from .programmes import SessionType


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    SUPERSEDED = "superseded", "Superseded"


class TreatmentPlan(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="treatment_plans")
    episode = models.ForeignKey("patients.EpisodeOfCare", on_delete=models.PROTECT,
                                related_name="treatment_plans")
    version = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="next_version")
    status = models.CharField(max_length=10, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    review_every_days = models.PositiveSmallIntegerField(default=30)
    next_review_on = models.DateField(null=True, blank=True)  # set when activated/reviewed
    patient_acknowledged_at = models.DateTimeField(null=True, blank=True)
    patient_acknowledgement = models.CharField(max_length=300, blank=True)  # how, in words
    acknowledgement_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+")

    class Meta:
        ordering = ["-version"]
        indexes = [
            models.Index(fields=["patient", "status"], name="plan_patient_status"),
            models.Index(fields=["status", "next_review_on"], name="plan_review_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["episode", "version"], name="plan_version_once"),
            models.UniqueConstraint(fields=["episode"], condition=models.Q(status="active"),
                                    name="one_active_plan_per_episode"),
        ]


class ProblemKind(models.TextChoices):
    SUBSTANCE_USE = "substance_use", "Ketamine / substance use"
    DEPRESSION = "depression", "Depression (co-occurring)"
    ANXIETY = "anxiety", "Anxiety (co-occurring)"
    PTSD = "ptsd", "PTSD (co-occurring)"
    PHYSICAL = "physical", "Physical health (e.g. bladder)"
    SOCIAL = "social", "Housing, work, relationships"
    OTHER = "other", "Other"


# The measure each co-occurring condition is followed with (measures instrument ids).
MEASURE_FOR_PROBLEM = {
    ProblemKind.DEPRESSION: "phq-9",
    ProblemKind.ANXIETY: "gad-7",
    ProblemKind.PTSD: "pcl-5",
}


class Problem(models.Model):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="problems")
    order = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=16, choices=ProblemKind.choices)
    statement = models.TextField()
    # Instrument ids followed for this problem, e.g. ["phq9"]; defaults from the kind.
    measures = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["plan", "order", "pk"]


class Goal(models.Model):
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(default=1)
    in_patients_words = models.TextField()

    class Meta:
        ordering = ["problem", "order", "pk"]


class ObjectiveStatus(models.TextChoices):
    OPEN = "open", "Working on it"
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"


class Objective(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives")
    order = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(help_text="Measurable: what, how much, by when.")
    target_date = models.DateField()
    status = models.CharField(max_length=8, choices=ObjectiveStatus.choices,
                              default=ObjectiveStatus.OPEN)

    class Meta:
        ordering = ["goal", "order", "pk"]


class Intervention(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.CASCADE,
                                  related_name="interventions")
    modality = models.CharField(max_length=32, choices=SessionType.choices)
    frequency = models.CharField(max_length=80)  # e.g. "weekly, 50 minutes"
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["objective", "pk"]


class PlanReview(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)
    summary = models.TextField()
    next_review_on = models.DateField()

    class Meta:
        ordering = ["-reviewed_at"]
