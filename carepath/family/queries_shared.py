"""What each consented category shows a supporter. Read-only; the views decide access
(carepath.access.policy.supporter_access) and audit before calling anything here.

Each function returns plain rows for one category and nothing else: a supporter with
attendance only never causes a query of notes or scores. Every list is a fixed number of
queries however many rows it has (a page of rows, plus prefetches).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from carepath.pagination import paginate
from carepath.patients.models import CONSENT_DATA_CATEGORIES, SUPPORTER_CATEGORIES

PAGE_SIZE = 25

# Every category a supporter can be given: the everyday ones, the two clinical ones, and
# SUD counselling notes (Part 2; only on a consent of their own).
SHAREABLE = [*SUPPORTER_CATEGORIES, "counselling_notes"]

# The labels supporters and patients see (the record's own labels, with plainer words for
# the two that need them).
LABELS = {**dict(CONSENT_DATA_CATEGORIES),
          "counselling_notes": "SUD counselling notes",
          "measures": "Questionnaire scores"}


def label(category: str) -> str:
    return LABELS.get(category, category.replace("_", " "))


def first_name(patient) -> str:
    """The only name a supporter is shown: the preferred name, else the given name."""
    return patient.preferred_name or patient.legal_given_name


# --- attendance ------------------------------------------------------------------------

ATTENDANCE_WORDS = {"attended": "Attended", "late": "Attended", "left_early": "Attended",
                    "no_show": "Did not attend", "cancelled": "Cancelled",
                    "expected": "Not recorded yet"}


@dataclass(frozen=True)
class AttendanceRow:
    starts_at: datetime
    session_type: str
    outcome: str


def attendance(patient, page=1):
    """Past sessions the person was booked on: when, what kind, and whether they went.
    Late or left early both count as attended (the detail stays with the care team)."""
    from carepath.treatment.models.sessions import Attendance

    rows = (Attendance.objects.filter(patient=patient, session__starts_at__lt=timezone.now())
            .select_related("session").order_by("-session__starts_at", "-pk"))
    result = paginate(rows, page, PAGE_SIZE)
    result.object_list = [
        AttendanceRow(a.session.starts_at, a.session.get_session_type_display(),
                      "Cancelled" if a.session.status == "cancelled"
                      else ATTENDANCE_WORDS.get(a.status, "Not recorded yet"))
        for a in result.object_list]
    return result


# --- appointments ----------------------------------------------------------------------

@dataclass(frozen=True)
class AppointmentRow:
    starts_at: datetime
    what: str


APPOINTMENT_LIMIT = 50


def appointments(patient) -> list[AppointmentRow]:
    """Upcoming sessions the person is booked on (time and kind, never the title, room or
    notes) and booked intake assessments. Two queries."""
    from carepath.intake.models.assessment import Assessment, AssessmentStatus
    from carepath.treatment.models.sessions import Attendance, AttendanceStatus

    now = timezone.now()
    sessions = (Attendance.objects.filter(patient=patient, session__starts_at__gte=now,
                                          session__status="scheduled",
                                          status=AttendanceStatus.EXPECTED)
                .select_related("session").order_by("session__starts_at")[:APPOINTMENT_LIMIT])
    rows = [AppointmentRow(a.session.starts_at, a.session.get_session_type_display())
            for a in sessions]
    assessments = (Assessment.objects.filter(patient=patient, status=AssessmentStatus.BOOKED,
                                             booked_for__gte=now)
                   .order_by("booked_for").values_list("booked_for", flat=True)[:10])
    rows += [AppointmentRow(when, "Assessment appointment") for when in assessments]
    return sorted(rows, key=lambda r: r.starts_at)[:APPOINTMENT_LIMIT]


# --- milestones ------------------------------------------------------------------------

@dataclass(frozen=True)
class Milestones:
    recovery_days: int  # all-time days reported free of ketamine
    recovery_days_this_month: int
    completions: list  # [(date, text)]


def milestones(patient, today: date) -> Milestones:
    """Safe, positive facts only: days in recovery counted from the person's own check-ins
    (not the current run, which would reveal a recent lapse), programmes completed, and
    treatment completed. Never an early ending, a discharge for another reason or a date
    of last use."""
    from carepath.recovery.counter import recovery_count
    from carepath.treatment.models.discharge import Discharge, DischargeReason
    from carepath.treatment.models.programmes import Enrolment, EnrolmentStatus

    count = recovery_count(patient, today)
    done = [(e.ends_on, f"Completed the {e.programme.name} programme")
            for e in Enrolment.objects.filter(patient=patient, status=EnrolmentStatus.COMPLETED)
            .select_related("programme")]
    done += [(d, "Completed treatment") for d in Discharge.objects.filter(
        patient=patient, reason=DischargeReason.COMPLETED, signed_at__isnull=False)
        .values_list("discharged_on", flat=True)]
    return Milestones(count.all_time, count.this_month, sorted(done, reverse=True))


# --- measures --------------------------------------------------------------------------

@dataclass(frozen=True)
class MeasureRow:
    instrument: str
    submitted_at: datetime
    total: int | None
    band: str


def _instrument_title(instrument_id: str) -> str:
    from carepath.measures import catalogue

    try:
        return catalogue.get(instrument_id).title
    except LookupError:
        return instrument_id


def measures(patient, page=1):
    """Submitted questionnaires: name, date, score and band; never the answers. A response
    corrected by a later amendment is left out (the amendment shows instead)."""
    from carepath.measures.models import Response

    rows = (Response.objects.filter(patient=patient, status=Response.Status.SUBMITTED)
            .exclude(amendments__status=Response.Status.SUBMITTED)
            .order_by("-submitted_at", "-pk")
            .only("instrument_id", "submitted_at", "total", "band"))
    result = paginate(rows, page, PAGE_SIZE)
    result.object_list = [MeasureRow(_instrument_title(r.instrument_id), r.submitted_at,
                                     r.total, r.band) for r in result.object_list]
    return result


# --- notes -----------------------------------------------------------------------------

@dataclass(frozen=True)
class NoteRow:
    title: str
    signed_at: datetime
    sections: list  # [(label, text)]
    amendments: list  # [(created_at, reason, text)]


def _notes(patient, *, part2: bool, page):
    from carepath.treatment.models.notes import NOTE_TEMPLATES, ClinicalNote, NoteStatus

    rows = (ClinicalNote.objects.filter(patient=patient, status=NoteStatus.SIGNED,
                                        part2_protected=part2)
            .prefetch_related("amendments").order_by("-signed_at", "-pk"))
    result = paginate(rows, page, PAGE_SIZE)
    result.object_list = [
        NoteRow(note.title or note.get_template_display(), note.signed_at,
                [(name, note.sections.get(key, "")) for key, name
                 in NOTE_TEMPLATES.get(note.template, []) if note.sections.get(key)],
                [(a.created_at, a.reason, a.text) for a in note.amendments.all()])
        for note in result.object_list]
    return result


def clinical_notes(patient, page=1):
    """Signed notes that are not SUD counselling notes. A Part 2-protected note never
    appears here, whatever the consent says."""
    return _notes(patient, part2=False, page=page)


def counselling_notes(patient, page=1):
    """Signed SUD counselling notes: only under a consent naming counselling_notes."""
    return _notes(patient, part2=True, page=page)
