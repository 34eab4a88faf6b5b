"""Programmes as data, rooms, and enrolments; the calendar is generated from slots."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from carepath.patients.models import LevelOfCare


class SessionType(models.TextChoices):
    CBT = "cbt", "Cognitive behavioural therapy (CBT)"
    DBT_SKILLS = "dbt_skills", "DBT skills"
    MOTIVATIONAL_INTERVIEWING = "motivational_interviewing", "Motivational interviewing"
    TRAUMA_INFORMED = "trauma_informed", "Trauma-informed therapy"
    GROUP_THERAPY = "group_therapy", "Group therapy"
    PSYCHOEDUCATION = "psychoeducation", "Psychoeducation"
    RELAPSE_PREVENTION = "relapse_prevention", "Relapse prevention"
    FAMILY_SESSION = "family_session", "Family session"
    MINDFULNESS = "mindfulness", "Mindfulness (holistic)"
    YOGA = "yoga", "Yoga (holistic)"
    EXERCISE = "exercise", "Exercise (holistic)"
    ART = "art", "Art (holistic)"


class SessionFormat(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    GROUP = "group", "Group"
    FAMILY = "family", "Family"


class Programme(models.Model):
    """A programme template (reference data, edited in the admin)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    name = models.CharField(max_length=120)
    level_of_care = models.CharField(max_length=32, choices=LevelOfCare.choices)
    duration_days = models.PositiveSmallIntegerField(
        help_text="Length of the programme in days (e.g. 28 residential, 84 for 12 weeks).")
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="programme_name_per_org")]

    def __str__(self):
        return self.name


class Room(models.Model):
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    name = models.CharField(max_length=80)
    capacity = models.PositiveSmallIntegerField(default=12)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"],
                                               name="room_name_per_org")]

    def __str__(self):
        return self.name


class ProgrammeSlot(models.Model):
    """A recurring session in a programme: weekday and time, for weeks ``week_from`` to
    ``week_to`` of the programme (1-based; blank ``week_to`` = to the end).

    Group and family slots are shared: every enrolled patient attends the same session
    on that date. Individual slots give each patient a session with their key clinician.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="slots")
    weekday = models.PositiveSmallIntegerField(
        choices=[(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"),
                 (4, "Friday"), (5, "Saturday"), (6, "Sunday")])
    start_time = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    session_type = models.CharField(max_length=32, choices=SessionType.choices)
    format = models.CharField(max_length=12, choices=SessionFormat.choices)
    title = models.CharField(max_length=120, blank=True)
    week_from = models.PositiveSmallIntegerField(default=1)
    week_to = models.PositiveSmallIntegerField(null=True, blank=True)
    capacity = models.PositiveSmallIntegerField(null=True, blank=True,
                                                help_text="Places in a group; blank = room's.")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+",
                                  help_text="Who leads it; blank = the patient's enroller.")
    room = models.ForeignKey(Room, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")

    class Meta:
        ordering = ["programme", "weekday", "start_time"]


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    ENDED_EARLY = "ended_early", "Ended early"


class Enrolment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="enrolments")
    episode = models.ForeignKey("patients.EpisodeOfCare", on_delete=models.PROTECT,
                                related_name="enrolments")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=12, choices=EnrolmentStatus.choices,
                              default=EnrolmentStatus.ACTIVE)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    enrolled_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=300, blank=True)
    submission_key = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["patient", "starts_on"])]
