"""Recording attendance: the rules, the no-show outreach task, and corrections."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.treatment import actions_sessions
from carepath.treatment.models import (
    Attendance,
    AttendanceStatus,
    OutreachTask,
    Session,
    SessionStatus,
)

from .test_sessions_support import past_session

pytestmark = pytest.mark.django_db


def _record(user, session, status, reason=""):
    row = Attendance.objects.get(session=session)
    return actions_sessions.record_attendance(ctx_for(user), session,
                                              {row.uuid: (status, reason)})


def test_a_no_show_raises_one_outreach_task_due_today(clinician, patient):
    session = past_session(clinician, patient)
    _record(clinician, session, AttendanceStatus.NO_SHOW)
    _record(clinician, session, AttendanceStatus.NO_SHOW)  # saved again: still one task
    task = OutreachTask.objects.get()
    assert task.patient == patient and task.reason == "no_show"
    assert task.urgency == 2 and task.due_on == timezone.localdate()
    assert task.status == "open" and "Did not attend Cognitive behavioural" in task.explanation
    assert AuditEvent.objects.filter(object_id=str(task.uuid), action="create").count() == 1


def test_correcting_a_no_show_closes_its_task_as_not_needed(clinician, patient):
    session = past_session(clinician, patient)
    _record(clinician, session, AttendanceStatus.NO_SHOW)
    _record(clinician, session, AttendanceStatus.LATE)
    task = OutreachTask.objects.get()
    assert task.status == "done" and task.outcome == "not_needed"
    assert Attendance.objects.get().status == AttendanceStatus.LATE
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD


def test_attendance_before_the_session_starts_is_refused_but_a_cancellation_is_kept(
        clinician, patient):
    session = past_session(clinician, patient, hours_ago=-48)
    with pytest.raises(ValidationError) as exc:
        _record(clinician, session, AttendanceStatus.ATTENDED)
    message = next(iter(exc.value.message_dict.values()))[0]
    assert "can be recorded once the session has started" in message
    with pytest.raises(ValidationError) as exc:
        _record(clinician, session, AttendanceStatus.CANCELLED)
    assert "say why the place was cancelled" in next(iter(exc.value.message_dict.values()))[0]
    _record(clinician, session, AttendanceStatus.CANCELLED, "Hospital appointment")
    row = Attendance.objects.get()
    assert row.status == AttendanceStatus.CANCELLED
    assert row.cancelled_reason == "Hospital appointment" and row.recorded_by == clinician


def test_a_cancelled_session_takes_no_attendance(clinician, patient):
    session = past_session(clinician, patient, hours_ago=-24)
    actions_sessions.cancel_session(ctx_for(clinician), session, reason="Clinician unwell")
    assert Attendance.objects.get().status == AttendanceStatus.CANCELLED
    session.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        _record(clinician, session, AttendanceStatus.ATTENDED)
    assert "cancelled" in str(exc.value)


def test_someone_off_the_care_team_cannot_record_attendance(clinician, outsider, patient):
    session = past_session(clinician, patient)
    with pytest.raises(PermissionDenied):
        _record(outsider, session, AttendanceStatus.ATTENDED)
    assert Attendance.objects.get().status == AttendanceStatus.EXPECTED
    assert AuditEvent.objects.filter(actor=outsider, outcome="denied").exists()


def test_an_unplanned_session_can_be_recorded_up_to_a_week_later(clinician, patient):
    with pytest.raises(ValidationError) as exc:
        past_session(clinician, patient, hours_ago=24 * 8)
    assert "more than 7 days in the past" in exc.value.message_dict["starts_at"][0]
    assert not Session.objects.exists()
    with pytest.raises(ValidationError) as exc:
        past_session(clinician, patient, duration_minutes=600)
    assert exc.value.message_dict["duration_minutes"] == [
        "Duration must be between 15 and 480 minutes."]
    session = past_session(clinician, patient, hours_ago=24 * 6)
    assert session.starts_at < timezone.now() - timedelta(days=5)
