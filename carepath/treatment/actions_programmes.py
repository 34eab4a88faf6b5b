"""Programmes and enrolment: enrolling a patient generates their session calendar.

Group and family slots are shared: every enrolled patient joins the one Session of that
slot and start (a new Attendance row). Individual slots give the patient their own
Session with the slot's clinician, or the chosen key clinician (the enroller by default).

A full group does not refuse the enrolment: that one seat is skipped and the enrolment
returns a warning naming the session, so a 12-week programme is never blocked by one
full evening (docs/sessions.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.access import guards
from carepath.accounts.models import AccountType, Role
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import CareTeamMember, CareTeamRole, LevelOfCare, Patient

from .models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
    Programme,
    ProgrammeSlot,
    Room,
    Session,
    SessionFormat,
    SessionStatus,
    SessionType,
)

OBJECT_TYPE = "treatment.enrolment"
LEAD_ROLES = (Role.CLINICIAN, Role.NURSE, Role.PRESCRIBER, Role.SUPERVISOR)
MAX_DAYS_AHEAD = 365
SHARED_FORMATS = (SessionFormat.GROUP, SessionFormat.FAMILY)


# --- Default programmes -----------------------------------------------------------------
# Timetables are CarePath's defaults, a design choice to be edited in the admin by each
# service; they are not clinical guidance (docs/sessions.md).

DEFAULT_ROOMS = [("Group room 1", 12), ("Group room 2", 10), ("Therapy room A", 2),
                 ("Family room", 8)]

DEFAULT_PROGRAMMES = [
    {
        "name": "Residential programme (28 days)", "level_of_care": LevelOfCare.RESIDENTIAL,
        "duration_days": 28,
        "description": "Daily groups on weekdays, weekly individual therapy, a weekly "
                       "multi-family group from week 2 and holistic sessions at weekends.",
        "slots": [
            *[(d, time(10, 0), 90, SessionType.GROUP_THERAPY, SessionFormat.GROUP,
               "Morning group", "Group room 1", 1) for d in range(5)],
            (0, time(14, 0), 60, SessionType.PSYCHOEDUCATION, SessionFormat.GROUP,
             "Psychoeducation", "Group room 2", 1),
            (2, time(14, 0), 60, SessionType.RELAPSE_PREVENTION, SessionFormat.GROUP,
             "Relapse prevention", "Group room 2", 1),
            (3, time(11, 30), 60, SessionType.CBT, SessionFormat.INDIVIDUAL,
             "Individual CBT", "Therapy room A", 1),
            (4, time(15, 0), 90, SessionType.FAMILY_SESSION, SessionFormat.FAMILY,
             "Multi-family group", "Family room", 2),
            (5, time(10, 0), 60, SessionType.MINDFULNESS, SessionFormat.GROUP,
             "Mindfulness", "Group room 2", 1),
        ],
    },
    {
        "name": "Intensive outpatient (12 weeks)",
        "level_of_care": LevelOfCare.INTENSIVE_OUTPATIENT, "duration_days": 84,
        "description": "Three three-hour evening sessions a week for twelve weeks.",
        "slots": [
            (0, time(18, 0), 180, SessionType.GROUP_THERAPY, SessionFormat.GROUP,
             "IOP group (Monday)", "Group room 1", 1),
            (2, time(18, 0), 180, SessionType.RELAPSE_PREVENTION, SessionFormat.GROUP,
             "IOP relapse prevention (Wednesday)", "Group room 1", 1),
            (3, time(18, 0), 180, SessionType.DBT_SKILLS, SessionFormat.GROUP,
             "IOP skills (Thursday)", "Group room 2", 1),
        ],
    },
    {
        "name": "Outpatient (weekly)", "level_of_care": LevelOfCare.OUTPATIENT,
        "duration_days": 84,
        "description": "A weekly individual session with the key clinician for twelve "
                       "weeks.",
        "slots": [
            (1, time(10, 0), 60, SessionType.CBT, SessionFormat.INDIVIDUAL,
             "Weekly individual session", "Therapy room A", 1),
        ],
    },
    {
        "name": "Aftercare group", "level_of_care": LevelOfCare.AFTERCARE,
        "duration_days": 182,
        "description": "A weekly evening relapse-prevention group for six months.",
        "slots": [
            (3, time(18, 30), 90, SessionType.RELAPSE_PREVENTION, SessionFormat.GROUP,
             "Aftercare group", "Group room 2", 1),
        ],
    },
]


def install_default_programmes(org) -> list[Programme]:
    """Create the default rooms and programmes for ``org``; safe to run again (an
    existing programme of the same name, and its slots, are left as they are)."""
    with transaction.atomic():
        rooms = {}
        for name, capacity in DEFAULT_ROOMS:
            rooms[name], _ = Room.objects.get_or_create(organisation=org, name=name,
                                                        defaults={"capacity": capacity})
        programmes = []
        for spec in DEFAULT_PROGRAMMES:
            programme, created = Programme.objects.get_or_create(
                organisation=org, name=spec["name"],
                defaults={"level_of_care": spec["level_of_care"],
                          "duration_days": spec["duration_days"],
                          "description": spec["description"]})
            if created:
                ProgrammeSlot.objects.bulk_create([
                    ProgrammeSlot(programme=programme, weekday=day, start_time=start,
                                  duration_minutes=minutes, session_type=kind, format=fmt,
                                  title=title, room=rooms[room], week_from=week_from)
                    for day, start, minutes, kind, fmt, title, room, week_from in spec["slots"]])
            programmes.append(programme)
    return programmes


# --- Enrolment --------------------------------------------------------------------------

@dataclass
class EnrolmentResult:
    enrolment: Enrolment
    seats: int = 0  # sessions the patient was given a place in
    full: list[Session] = field(default_factory=list)  # skipped: no place left
    overlaps: list[str] = field(default_factory=list)  # the lead already has a session then
    repeated: bool = False  # a retried form: the first enrolment, nothing new made

    @property
    def warnings(self) -> list[str]:
        tz = timezone.get_current_timezone()
        full = [f"No place left in {s.display_title} on "
                f"{s.starts_at.astimezone(tz):%a %d %b %Y at %H:%M} (room or group capacity "
                f"{s.capacity or (s.room.capacity if s.room else '?')}): this patient was not "
                "given a seat there. Add them by hand if a place frees up."
                for s in self.full]
        return full + self.overlaps


def _require_change(ctx, patient, object_type=OBJECT_TYPE):
    return guards.require_change(ctx, patient, object_type)


def check_lead(user, organisation_id, field_name="clinician") -> None:
    ok = (user is not None and user.account_type == AccountType.STAFF and user.is_active
          and user.organisation_id == organisation_id and user.role in LEAD_ROLES)
    if not ok:
        raise ValidationError({field_name: [
            "Choose an active clinician, nurse, prescriber or supervisor of this "
            "organisation to lead the sessions."]})


def ensure_on_care_team(ctx, patient, user, why: str) -> None:
    """Whoever leads a patient's session needs their record (attendance, notes): join the
    care team as therapist if not on it, audited."""
    if CareTeamMember.objects.filter(patient=patient, user=user).exists():
        return
    membership = CareTeamMember.objects.create(patient=patient, user=user,
                                               role=CareTeamRole.THERAPIST)
    audit.record(ctx, Action.CREATE, patient=patient, obj=membership,
                 details={"member": user.username, "role": CareTeamRole.THERAPIST, "why": why})


def programme_weeks(programme) -> int:
    return -(-programme.duration_days // 7)


def slot_dates(slot, starts_on: date, ends_on: date, weeks: int):
    """The dates of ``slot`` for an enrolment: week n runs from day 7(n-1) of the start."""
    last = min(slot.week_to or weeks, weeks)
    for week in range(slot.week_from, last + 1):
        week_start = starts_on + timedelta(days=7 * (week - 1))
        day = week_start + timedelta(days=(slot.weekday - week_start.weekday()) % 7)
        if day <= ends_on:
            yield day


def _clean_enrolment(patient, programme, starts_on, clinician):
    errors = {}
    if programme is None or programme.organisation_id != patient.organisation_id:
        errors["programme"] = ["Choose one of this organisation's programmes."]
    elif not programme.active:
        errors["programme"] = [f"{programme.name} is no longer offered; choose another."]
    episode = patient.episodes.filter(closed_at__isnull=True).first()
    if episode is None:
        errors["programme"] = ["This patient has no open episode of care: open one (Episodes "
                               "of care tab) before enrolling."]
    if starts_on is None:
        errors["starts_on"] = ["Enter the date the programme starts."]
    else:
        today = timezone.localdate()
        if episode is not None:
            opened = timezone.localtime(episode.opened_at).date()
            if starts_on < opened:
                errors["starts_on"] = [f"The start date cannot be before the episode of care "
                                       f"opened ({opened:%d %b %Y})."]
        if starts_on > today + timedelta(days=MAX_DAYS_AHEAD):
            errors["starts_on"] = [f"The start date must be within {MAX_DAYS_AHEAD} days of "
                                   "today."]
    try:
        check_lead(clinician, patient.organisation_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return episode


def enrol(ctx: audit.Context, patient, *, programme, starts_on: date, clinician=None,
          submission_key=None) -> EnrolmentResult:
    """Enrol ``patient`` (open episode needed) and generate their sessions.

    ``clinician`` leads the individual sessions whose slot names nobody (default: the
    enroller). Returns the enrolment with warnings: groups that were full (seat skipped)
    and individual sessions that overlap the lead's other sessions.
    """
    _require_change(ctx, patient)
    if submission_key is not None:
        earlier = Enrolment.objects.filter(submission_key=submission_key,
                                           patient=patient).first()
        if earlier is not None:
            return EnrolmentResult(earlier, seats=earlier.attendances.count(), repeated=True)
    clinician = clinician or ctx.user
    episode = _clean_enrolment(patient, programme, starts_on, clinician)
    ends_on = starts_on + timedelta(days=programme.duration_days - 1)
    with transaction.atomic():
        Patient.objects.select_for_update().get(pk=patient.pk)  # one enrolment at a time
        clash = Enrolment.objects.filter(
            patient=patient, programme=programme, status=EnrolmentStatus.ACTIVE,
            starts_on__lte=ends_on, ends_on__gte=starts_on).first()
        if clash is not None:
            raise ValidationError({"programme": [
                f"Already enrolled in {programme.name} from {clash.starts_on:%d %b %Y} to "
                f"{clash.ends_on:%d %b %Y}; end that enrolment first."]})
        enrolment = Enrolment.objects.create(
            patient=patient, episode=episode, programme=programme, starts_on=starts_on,
            ends_on=ends_on, enrolled_by=ctx.user, submission_key=submission_key)
        result = EnrolmentResult(enrolment)
        _generate(ctx, enrolment, clinician, result)
        audit.record(ctx, Action.CREATE, patient=patient, obj=enrolment, details={
            "programme": str(programme.uuid), "starts_on": starts_on.isoformat(),
            "seats": result.seats, "full_sessions": [str(s.uuid) for s in result.full],
            "overlaps": len(result.overlaps)})
    return result


def _generate(ctx, enrolment: Enrolment, clinician, result: EnrolmentResult) -> None:
    programme, patient = enrolment.programme, enrolment.patient
    tz = ZoneInfo(patient.organisation.time_zone or "UTC")
    weeks = programme_weeks(programme)
    slots = list(ProgrammeSlot.objects.filter(programme=programme)
                 .select_related("room", "clinician").order_by("weekday", "start_time", "pk"))
    leads = set()
    individual: list[Session] = []
    attendances: list[Attendance] = []
    for slot in slots:
        lead = slot.clinician or clinician
        leads.add(lead)
        for day in slot_dates(slot, enrolment.starts_on, enrolment.ends_on, weeks):
            starts_at = datetime.combine(day, slot.start_time, tzinfo=tz)
            ends_at = starts_at + timedelta(minutes=slot.duration_minutes)
            if slot.format in SHARED_FORMATS:
                session = _shared_session(ctx, slot, programme, lead, starts_at, ends_at)
                if session is None:
                    continue
                if session.status == SessionStatus.CANCELLED:
                    continue
                taken = session.attendances.exclude(status=AttendanceStatus.CANCELLED)
                if session.attendances.filter(patient=patient).exists():
                    continue
                capacity = session.capacity or (slot.room.capacity if slot.room else None)
                if capacity is not None and taken.count() >= capacity:
                    result.full.append(session)
                    continue
                attendances.append(Attendance(session=session, patient=patient,
                                              enrolment=enrolment))
            else:
                session = Session(
                    organisation_id=patient.organisation_id, programme=programme, slot=slot,
                    session_type=slot.session_type, format=slot.format, title=slot.title,
                    starts_at=starts_at, ends_at=ends_at, clinician=lead, room=slot.room,
                    capacity=1, created_by=ctx.user)
                individual.append(session)
    Session.objects.bulk_create(individual)
    attendances += [Attendance(session=s, patient=patient, enrolment=enrolment)
                    for s in individual]
    Attendance.objects.bulk_create(attendances)
    result.seats = len(attendances)
    for lead in sorted(leads, key=lambda u: u.pk):
        ensure_on_care_team(ctx, patient, lead, "session lead")
    result.overlaps = _overlap_warnings(individual)


def _shared_session(ctx, slot, programme, lead, starts_at, ends_at) -> Session | None:
    session, _ = Session.objects.get_or_create(
        slot=slot, starts_at=starts_at, format=slot.format,
        defaults={"organisation_id": programme.organisation_id, "programme": programme,
                  "session_type": slot.session_type, "title": slot.title,
                  "ends_at": ends_at, "clinician": lead, "room": slot.room,
                  "capacity": slot.capacity, "created_by": ctx.user})
    # Lock the shared row: two enrolments at once cannot both take the last place.
    return (Session.objects.select_for_update(of=("self",)).select_related("room")
            .get(pk=session.pk))


def _overlap_warnings(new_sessions: list[Session]) -> list[str]:
    if not new_sessions:
        return []
    from .queries_sessions import describe_overlap

    leads = {s.clinician_id for s in new_sessions}
    start = min(s.starts_at for s in new_sessions)
    end = max(s.ends_at for s in new_sessions)
    others = list(Session.objects.filter(clinician_id__in=leads, starts_at__lt=end,
                                         ends_at__gt=start)
                  .exclude(status=SessionStatus.CANCELLED)
                  .exclude(pk__in=[s.pk for s in new_sessions])
                  .select_related("clinician", "room").order_by("starts_at", "pk"))
    warnings = []
    for new in new_sessions:
        for other in others:
            if (other.clinician_id == new.clinician_id and other.starts_at < new.ends_at
                    and other.ends_at > new.starts_at):
                warnings.append(describe_overlap(new, other, "clinician"))
    return warnings


def end_enrolment(ctx: audit.Context, enrolment: Enrolment, *, reason: str,
                  completed: bool = False) -> Enrolment:
    """End an enrolment: its future sessions' places are cancelled with the reason."""
    patient = enrolment.patient
    _require_change(ctx, patient)
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationError({"reason": ["Say why the enrolment ends."]})
    now = timezone.now()
    with transaction.atomic():
        locked = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if locked.status != EnrolmentStatus.ACTIVE:
            raise ValidationError({"reason": ["This enrolment has already ended."]})
        locked.status = EnrolmentStatus.COMPLETED if completed else EnrolmentStatus.ENDED_EARLY
        locked.ended_at, locked.ended_reason = now, reason[:300]
        locked.save(update_fields=["status", "ended_at", "ended_reason"])
        cancelled = Attendance.objects.filter(
            enrolment=locked, session__starts_at__gt=now,
            status=AttendanceStatus.EXPECTED).update(status=AttendanceStatus.CANCELLED,
                                                     cancelled_reason=reason[:300],
                                                     recorded_at=now, recorded_by=ctx.user)
        audit.record(ctx, Action.UPDATE, patient=patient, obj=locked,
                     details={"status": locked.status, "future_places_cancelled": cancelled})
    return locked
