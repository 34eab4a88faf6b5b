"""Every change to sessions and attendance: permission, one transaction, audit.

Overlaps (the same clinician or room booked twice) are warnings, not refusals: the action
raises ``NeedsConfirmation`` listing them until it is called with ``confirm_overlap``.
A no-show raises one outreach task (``outreach.raise_outreach``) in the same transaction.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carepath.access.policy import may_manage_session, patient_change_access
from carepath.audit import log as audit
from carepath.audit.models import Action

from .actions_programmes import check_lead, ensure_on_care_team
from .models import (
    PRESENT,
    Attendance,
    AttendanceStatus,
    OutreachOutcome,
    OutreachStatus,
    OutreachTask,
    OutreachUrgency,
    Session,
    SessionFormat,
    SessionStatus,
    SessionType,
)
from .outreach import close_outreach, raise_outreach
from .queries_sessions import describe_overlap, find_overlaps

OBJECT_TYPE = "treatment.session"
MIN_MINUTES, MAX_MINUTES = 15, 480
PAST_DAYS_ALLOWED = 7  # an unplanned session may be recorded up to a week afterwards
MAX_DAYS_AHEAD = 365
REASON_MIN, REASON_MAX = 5, 300
MAX_GROUP = 50
NO_SHOW = "no_show"


class NeedsConfirmation(Exception):
    """The change would double-book a clinician or room: confirm to go ahead."""

    def __init__(self, warnings: list[str]):
        super().__init__(" ".join(warnings))
        self.warnings = warnings


def _refuse(ctx, patient=None, reason=""):
    audit.denied(ctx, patient=patient, object_type=OBJECT_TYPE, reason=reason)
    raise PermissionDenied("You may not change this session.")


def _require_manage(ctx, session):
    if not may_manage_session(ctx.user, session):
        _refuse(ctx, reason="not_session_lead")


def _local(dt) -> str:
    return f"{timezone.localtime(dt):%a %d %b %Y at %H:%M}"


def _clean_times(starts_at, duration_minutes, errors, *, past_days=PAST_DAYS_ALLOWED):
    if starts_at is None:
        errors["starts_at"] = ["Enter the date and time the session starts."]
        return None
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    now = timezone.now()
    if starts_at < now - timedelta(days=past_days):
        errors["starts_at"] = [
            "The start cannot be in the past." if past_days == 0 else
            f"The start cannot be more than {past_days} days in the past."]
    elif starts_at > now + timedelta(days=MAX_DAYS_AHEAD):
        errors["starts_at"] = [f"The start must be within {MAX_DAYS_AHEAD} days of today."]
    if duration_minutes is None or not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = [f"Duration must be between {MIN_MINUTES} and "
                                      f"{MAX_MINUTES} minutes."]
    return starts_at


def _clean_reason(reason, errors, field="reason", what="Say why"):
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        errors[field] = [f"{what} (at least {REASON_MIN} characters)."]
    elif len(reason) > REASON_MAX:
        errors[field] = [f"Keep the reason under {REASON_MAX} characters."]
    return reason


def _overlap_check(organisation_id, starts_at, ends_at, clinician, room, subject,
                   exclude_pk=None) -> None:
    found = find_overlaps(organisation_id, starts_at, ends_at, clinician=clinician, room=room,
                          exclude_pk=exclude_pk)
    if found:
        raise NeedsConfirmation([describe_overlap(subject, other, kind)
                                 for kind, other in found])


def schedule_session(ctx: audit.Context, patient, *, session_type: str, format: str,
                     starts_at, duration_minutes: int, clinician, room=None, title: str = "",
                     capacity=None, confirm_overlap: bool = False,
                     submission_key=None) -> Session:
    """An ad-hoc session (individual, family or group) with ``patient`` as the first
    attendee. Others join a group with ``add_attendee``."""
    decision = patient_change_access(ctx.user, patient)
    if not decision:
        _refuse(ctx, patient, decision.basis)
    if submission_key is not None:
        earlier = Session.objects.filter(submission_key=submission_key,
                                         attendances__patient=patient).first()
        if earlier is not None:
            return earlier
    errors = {}
    if session_type not in SessionType.values:
        errors["session_type"] = ["Choose the kind of session from the list."]
    if format not in SessionFormat.values:
        errors["format"] = ["Choose individual, group or family."]
    starts_at = _clean_times(starts_at, duration_minutes, errors)
    try:
        check_lead(clinician, patient.organisation_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if room is not None and room.organisation_id != patient.organisation_id:
        errors["room"] = ["Choose one of this organisation's rooms."]
    title = (title or "").strip()
    if len(title) > 120:
        errors["title"] = ["Keep the title under 120 characters."]
    if format == SessionFormat.INDIVIDUAL:
        capacity = 1
    elif capacity is not None and not 2 <= capacity <= MAX_GROUP:
        errors["capacity"] = [f"Places must be between 2 and {MAX_GROUP}."]
    if errors:
        raise ValidationError(errors)
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    with transaction.atomic():
        session = Session(organisation_id=patient.organisation_id, session_type=session_type,
                          format=format, title=title, starts_at=starts_at, ends_at=ends_at,
                          clinician=clinician, room=room, capacity=capacity,
                          created_by=ctx.user, submission_key=submission_key)
        if not confirm_overlap:
            _overlap_check(patient.organisation_id, starts_at, ends_at, clinician, room,
                           session)
        session.save()
        Attendance.objects.create(session=session, patient=patient)
        ensure_on_care_team(ctx, patient, clinician, "session lead")
        audit.record(ctx, Action.CREATE, patient=patient, obj=session, details={
            "format": format, "session_type": session_type, "clinician": clinician.username,
            "room": room.pk if room else None, "overlap_confirmed": bool(confirm_overlap)})
    return session


def add_attendee(ctx: audit.Context, session: Session, patient) -> Attendance:
    """Give ``patient`` a place in a group or family session (capacity checked)."""
    decision = patient_change_access(ctx.user, patient)
    if not decision:
        _refuse(ctx, patient, decision.basis)
    with transaction.atomic():
        locked = (Session.objects.select_for_update(of=("self",)).select_related("room")
                  .get(pk=session.pk))
        errors = []
        if locked.organisation_id != patient.organisation_id:
            errors.append("That session belongs to another organisation.")
        elif locked.format == SessionFormat.INDIVIDUAL:
            errors.append("An individual session has one patient; schedule a new one.")
        elif locked.status != SessionStatus.SCHEDULED:
            errors.append(f"{locked.display_title} on {_local(locked.starts_at)} is "
                          f"{locked.get_status_display().lower()}; choose another session.")
        elif locked.attendances.filter(patient=patient).exists():
            errors.append(f"Already has a place in {locked.display_title} on "
                          f"{_local(locked.starts_at)}.")
        else:
            capacity = locked.capacity or (locked.room.capacity if locked.room else None)
            taken = locked.attendances.exclude(status=AttendanceStatus.CANCELLED).count()
            if capacity is not None and taken >= capacity:
                errors.append(f"No place left in {locked.display_title} on "
                              f"{_local(locked.starts_at)}: all {capacity} places are taken.")
        if errors:
            raise ValidationError({"session": errors})
        attendance = Attendance.objects.create(session=locked, patient=patient)
        ensure_on_care_team(ctx, patient, locked.clinician, "session lead")
        audit.record(ctx, Action.CREATE, patient=patient, obj=attendance,
                     details={"session": str(locked.uuid)})
    return attendance


def _locked_scheduled(session) -> Session:
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if locked.status != SessionStatus.SCHEDULED:
        raise ValidationError({"status": [
            f"This session is {locked.get_status_display().lower()} and can no longer be "
            "moved or cancelled."]})
    return locked


def reschedule_session(ctx: audit.Context, session: Session, *, starts_at,
                       duration_minutes: int, room=None, reason: str,
                       confirm_overlap: bool = False) -> Session:
    """Move a scheduled session (reason needed). Overlaps warn until confirmed."""
    _require_manage(ctx, session)
    errors = {}
    starts_at = _clean_times(starts_at, duration_minutes, errors, past_days=0)
    reason = _clean_reason(reason, errors, what="Say why the session is moved")
    if room is not None and room.organisation_id != session.organisation_id:
        errors["room"] = ["Choose one of this organisation's rooms."]
    if errors:
        raise ValidationError(errors)
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    with transaction.atomic():
        locked = _locked_scheduled(session)
        before = locked.starts_at
        locked.starts_at, locked.ends_at, locked.room = starts_at, ends_at, room
        if not confirm_overlap:
            _overlap_check(locked.organisation_id, starts_at, ends_at, locked.clinician, room,
                           locked, exclude_pk=locked.pk)
        locked.rescheduled_reason = reason
        try:
            with transaction.atomic():
                locked.save(update_fields=["starts_at", "ends_at", "room",
                                           "rescheduled_reason"])
        except IntegrityError:
            raise ValidationError({"starts_at": [
                "Another session of the same programme slot already starts then; choose "
                "another time."]}) from None
        patients = list(locked.attendances.values_list("patient__uuid", flat=True))
        for patient_uuid in patients:
            audit.record(ctx, Action.UPDATE, patient=patient_uuid, obj=locked, details={
                "rescheduled_from": before.isoformat(), "to": starts_at.isoformat(),
                "overlap_confirmed": bool(confirm_overlap)})
        if not patients:
            audit.record(ctx, Action.UPDATE, obj=locked, details={
                "rescheduled_from": before.isoformat(), "to": starts_at.isoformat()})
    session.refresh_from_db()
    return session


def cancel_session(ctx: audit.Context, session: Session, *, reason: str) -> Session:
    """Cancel a scheduled session: every expected place is cancelled with the reason."""
    _require_manage(ctx, session)
    errors = {}
    reason = _clean_reason(reason, errors, what="Say why the session is cancelled")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        locked = _locked_scheduled(session)
        locked.status, locked.cancelled_reason = SessionStatus.CANCELLED, reason
        locked.save(update_fields=["status", "cancelled_reason"])
        locked.attendances.filter(status=AttendanceStatus.EXPECTED).update(
            status=AttendanceStatus.CANCELLED, cancelled_reason=reason, recorded_at=now,
            recorded_by=ctx.user)
        patients = list(locked.attendances.values_list("patient__uuid", flat=True))
        for patient_uuid in patients or [None]:
            audit.record(ctx, Action.UPDATE, patient=patient_uuid, obj=locked,
                         details={"cancelled": True})
    session.refresh_from_db()
    return session


def record_attendance(ctx: audit.Context, session: Session,
                      entries: dict) -> list[Attendance]:
    """Record attendance for some of a session's attendees at once.

    ``entries`` maps an Attendance uuid (str or UUID) to ``(status, reason)``. Each
    attendee's record must be changeable by the user. A no-show raises one outreach task;
    a no-show corrected to attended closes that task as no longer needed. Nothing is
    saved if any entry is refused.
    """
    entries = {str(key): value for key, value in entries.items()}
    rows = list(Attendance.objects.filter(session=session, uuid__in=list(entries))
                .select_related("patient", "patient__organisation"))
    if len(rows) != len(entries):
        raise ValidationError({"__all__": ["Some attendees are not in this session; reload "
                                           "the page and try again."]})
    for row in rows:
        decision = patient_change_access(ctx.user, row.patient)
        if not decision:
            _refuse(ctx, row.patient, decision.basis)
    now = timezone.now()
    errors, changes = {}, []
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError({"__all__": ["This session was cancelled; attendance cannot be "
                                           "recorded."]})
    for row in rows:
        status, reason = entries[str(row.uuid)]
        reason = (reason or "").strip()
        name = row.patient.display_name
        if status not in AttendanceStatus.values or status == AttendanceStatus.EXPECTED:
            if status in ("", None, AttendanceStatus.EXPECTED):
                continue  # not recorded yet: left as it is
            errors[f"status_{row.uuid}"] = [f"{name}: choose attended, late, left early, did "
                                            "not attend, or cancelled."]
            continue
        if status != AttendanceStatus.CANCELLED and session.starts_at > now:
            errors[f"status_{row.uuid}"] = [
                f"{name}: attendance can be recorded once the session has started "
                f"({_local(session.starts_at)}); only a cancellation can be recorded before."]
            continue
        if status == AttendanceStatus.CANCELLED and len(reason) < 3:
            errors[f"reason_{row.uuid}"] = [f"{name}: say why the place was cancelled."]
            continue
        if len(reason) > REASON_MAX:
            errors[f"reason_{row.uuid}"] = [f"{name}: keep the reason under {REASON_MAX} "
                                            "characters."]
            continue
        if status == row.status and (status != AttendanceStatus.CANCELLED
                                     or reason == row.cancelled_reason):
            continue
        changes.append((row, status, reason if status == AttendanceStatus.CANCELLED else ""))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked_session = Session.objects.select_for_update().get(pk=session.pk)
        for row, status, reason in changes:
            before = row.status
            row.status, row.cancelled_reason = status, reason
            row.recorded_at, row.recorded_by = now, ctx.user
            row.save(update_fields=["status", "cancelled_reason", "recorded_at",
                                    "recorded_by"])
            audit.record(ctx, Action.UPDATE, patient=row.patient, obj=row, details={
                "session": str(session.uuid), "status": status, "was": before})
            if status == AttendanceStatus.NO_SHOW:
                raise_outreach(
                    ctx, row.patient, reason=NO_SHOW,
                    explanation=f"Did not attend {session.display_title} on "
                                f"{_local(session.starts_at)}: make contact.",
                    source_type="treatment.attendance", source_uuid=row.uuid,
                    urgency=OutreachUrgency.SOON, due_on=timezone.localdate())
            elif before == AttendanceStatus.NO_SHOW:
                task = OutreachTask.objects.filter(
                    source_type="treatment.attendance", source_uuid=row.uuid, reason=NO_SHOW,
                    status=OutreachStatus.OPEN).select_related("patient").first()
                if task is not None:
                    close_outreach(ctx, task, OutreachOutcome.NOT_NEEDED,
                                   "Attendance corrected: the person did not miss the "
                                   "session.")
        if (locked_session.status == SessionStatus.SCHEDULED
                and any(status in PRESENT for _, status, _ in changes)):
            locked_session.status = SessionStatus.HELD
            locked_session.save(update_fields=["status"])
            session.status = SessionStatus.HELD
    return [row for row, _, _ in changes]
