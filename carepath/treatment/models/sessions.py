"""Sessions on the calendar and who attended them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from .programmes import Programme, ProgrammeSlot, Room, SessionFormat, SessionType


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Session(models.Model):
    """One individual, group or family session. A group session is one row however many
    attend; attendees are ``Attendance`` rows."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="sessions")
    slot = models.ForeignKey(ProgrammeSlot, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="sessions")
    session_type = models.CharField(max_length=32, choices=SessionType.choices)
    format = models.CharField(max_length=12, choices=SessionFormat.choices)
    title = models.CharField(max_length=120, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="led_sessions")
    room = models.ForeignKey(Room, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="sessions")
    capacity = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=SessionStatus.choices,
                              default=SessionStatus.SCHEDULED)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    rescheduled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submission_key = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["clinician", "starts_at"], name="session_clinician_time"),
            models.Index(fields=["room", "starts_at"], name="session_room_time"),
            models.Index(fields=["organisation", "starts_at"], name="session_org_time"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="session_ends_after_start"),
            # One generated group session per slot and start, however many enrol.
            models.UniqueConstraint(fields=["slot", "starts_at"], name="one_session_per_slot_time",
                                    condition=models.Q(format__in=["group", "family"])),
        ]

    @property
    def display_title(self) -> str:
        return self.title or self.get_session_type_display()

    def __str__(self):
        return f"{self.display_title} at {self.starts_at:%Y-%m-%d %H:%M}"


class AttendanceStatus(models.TextChoices):
    EXPECTED = "expected", "Expected"
    ATTENDED = "attended", "Attended"
    LATE = "late", "Late"
    LEFT_EARLY = "left_early", "Left early"
    NO_SHOW = "no_show", "Did not attend"
    CANCELLED = "cancelled", "Cancelled"


# Statuses that count as having attended, for attendance rates.
PRESENT = (AttendanceStatus.ATTENDED, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)


class Attendance(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="attendances")
    enrolment = models.ForeignKey("treatment.Enrolment", on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="attendances")
    status = models.CharField(max_length=12, choices=AttendanceStatus.choices,
                              default=AttendanceStatus.EXPECTED)
    cancelled_reason = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["session__starts_at", "pk"]
        indexes = [models.Index(fields=["patient", "session"], name="attendance_patient")]
        constraints = [models.UniqueConstraint(fields=["session", "patient"],
                                               name="one_attendance_per_patient")]


class CalendarFeed(models.Model):
    """A clinician's iCalendar feed: a secret URL (only its SHA-256 digest is stored).
    The feed carries times, session types and rooms, never patients' names."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="calendar_feed")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
