"""Reads for sessions, attendance and calendars, already narrowed by access."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from carepath.access.policy import may_manage_session, visible_patients
from carepath.pagination import paginate
from carepath.patients.models import Patient

from .models import (
    PRESENT,
    Attendance,
    AttendanceStatus,
    Enrolment,
    Programme,
    Session,
    SessionStatus,
)

PAGE_SIZE = 20


def _local(dt) -> str:
    return f"{timezone.localtime(dt):%a %d %b %Y %H:%M}"


def describe_overlap(session, other, kind: str) -> str:
    """A warning sentence, naming the clash by time, title and room, never by patient."""
    who = (f"{other.clinician.display_name} already leads" if kind == "clinician"
           else f"{other.room} is already booked for")
    return (f"{who} {other.display_title} from {_local(other.starts_at)} to "
            f"{timezone.localtime(other.ends_at):%H:%M}, which overlaps "
            f"{session.display_title} at {_local(session.starts_at)}.")


def find_overlaps(organisation_id, starts_at, ends_at, *, clinician=None, room=None,
                  exclude_pk=None) -> list[tuple[str, Session]]:
    """Non-cancelled sessions of the same clinician or room that overlap the times."""
    who = Q()
    if clinician is not None:
        who |= Q(clinician=clinician)
    if room is not None:
        who |= Q(room=room)
    if not who:
        return []
    rows = (Session.objects.filter(who, organisation_id=organisation_id,
                                   starts_at__lt=ends_at, ends_at__gt=starts_at)
            .exclude(status=SessionStatus.CANCELLED).select_related("clinician", "room")
            .order_by("starts_at", "pk"))
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    found = []
    for other in rows:
        if clinician is not None and other.clinician_id == clinician.pk:
            found.append(("clinician", other))
        if room is not None and other.room_id == room.pk:
            found.append(("room", other))
    return found


# --- The patient's Sessions tab ---------------------------------------------------------

@dataclass
class AttendanceSummary:
    present: int
    no_show: int
    unrecorded: int
    cancelled: int

    @property
    def recorded(self) -> int:
        return self.present + self.no_show

    @property
    def rate(self) -> int | None:
        """Percentage attended of past sessions with attendance recorded (None if none)."""
        return round(100 * self.present / self.recorded) if self.recorded else None


def attendance_summary(patient, now=None) -> AttendanceSummary:
    """One query: past sessions of the patient by outcome (cancelled sessions excluded)."""
    now = now or timezone.now()
    past = (Attendance.objects.filter(patient=patient, session__starts_at__lt=now)
            .exclude(session__status=SessionStatus.CANCELLED))
    counts = past.aggregate(
        present=Count("pk", filter=Q(status__in=PRESENT)),
        no_show=Count("pk", filter=Q(status=AttendanceStatus.NO_SHOW)),
        unrecorded=Count("pk", filter=Q(status=AttendanceStatus.EXPECTED)),
        cancelled=Count("pk", filter=Q(status=AttendanceStatus.CANCELLED)))
    return AttendanceSummary(**counts)


def _patient_attendances(patient):
    return (Attendance.objects.filter(patient=patient)
            .select_related("session", "session__clinician", "session__room"))


def upcoming_for(patient, page, now=None):
    now = now or timezone.now()
    rows = (_patient_attendances(patient).filter(session__starts_at__gte=now)
            .order_by("session__starts_at", "pk"))
    return paginate(rows, page, PAGE_SIZE)


def past_for(patient, page, now=None):
    now = now or timezone.now()
    rows = (_patient_attendances(patient).filter(session__starts_at__lt=now)
            .order_by("-session__starts_at", "-pk"))
    return paginate(rows, page, PAGE_SIZE)


def enrolments_for(patient):
    return (Enrolment.objects.filter(patient=patient).select_related("programme")
            .order_by("-starts_on", "-pk"))


def programmes_for(organisation_id):
    return Programme.objects.filter(organisation_id=organisation_id, active=True).order_by("name")


# --- One session ------------------------------------------------------------------------

def session_for(user, session_id) -> Session | None:
    """The session if ``user`` may open its page: they may manage it, or see at least one
    of its attendees. None otherwise (the page answers 404: existence is not revealed)."""
    if not user.is_authenticated or user.organisation_id is None:
        return None
    session = (Session.objects.select_related("clinician", "room", "programme", "created_by")
               .filter(uuid=session_id, organisation_id=user.organisation_id).first())
    if session is None:
        return None
    if may_manage_session(user, session) or visible_attendances(user, session).exists():
        return session
    return None


def visible_attendances(user, session):
    """The session's attendees whose record ``user`` may list, by family name."""
    patients = visible_patients(user, Patient.objects.all()).values("pk")
    return (Attendance.objects.filter(session=session, patient__in=patients)
            .select_related("patient", "recorded_by")
            .order_by("patient__legal_family_name", "patient__legal_given_name", "pk"))


def attendee_count(session) -> int:
    return session.attendances.exclude(status=AttendanceStatus.CANCELLED).count()


# --- Calendars --------------------------------------------------------------------------

def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def clinician_week(user, monday: date):
    """The user's sessions in the week from ``monday`` (local time), with the number of
    places taken and, for individual and family sessions, the patients they may see."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(monday, time.min, tzinfo=tz)
    end = start + timedelta(days=7)
    patients = visible_patients(user, Patient.objects.all()).values("pk")
    shown = Prefetch("attendances", to_attr="shown",
                     queryset=Attendance.objects.filter(patient__in=patients)
                     .exclude(session__format="group").select_related("patient")
                     .order_by("patient__legal_family_name", "pk"))
    return list(Session.objects.filter(clinician=user, starts_at__gte=start, starts_at__lt=end)
                .select_related("room")
                .annotate(taken=Count("attendances",
                                      filter=~Q(attendances__status=AttendanceStatus.CANCELLED)))
                .prefetch_related(shown).order_by("starts_at", "pk"))


def feed_sessions(user, now=None, days_back=30, days_ahead=180):
    """What the iCalendar feed carries: the user's sessions in a bounded window."""
    now = now or timezone.now()
    return list(Session.objects.filter(
        clinician=user, starts_at__gte=now - timedelta(days=days_back),
        starts_at__lt=now + timedelta(days=days_ahead)).select_related("room")
        .order_by("starts_at", "pk"))
