"""The Sessions tab, the session page (attendance for a group of 10+), moving and
cancelling a session with overlap warnings."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.patients import actions as patient_actions
from carepath.treatment import actions_sessions
from carepath.treatment.models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    OutreachTask,
    Session,
    SessionFormat,
    SessionStatus,
    SessionType,
)

from .test_sessions_support import open_episode, past_session, programme

pytestmark = pytest.mark.django_db


def _group(clinician, make_patient, size, hours_ago=1):
    first = make_patient(legal_given_name="Ada", legal_family_name="Member0")
    session = past_session(clinician, first, hours_ago=hours_ago, format=SessionFormat.GROUP,
                           session_type=SessionType.GROUP_THERAPY, capacity=20,
                           title="Tuesday group")
    people = [first]
    for n in range(1, size):
        p = make_patient(legal_given_name="Ada", legal_family_name=f"Member{n}")
        actions_sessions.add_attendee(ctx_for(clinician), session, p)
        people.append(p)
    return session, people


def test_enrol_from_the_tab_then_the_calendar_is_shown(clinician, patient, as_user):
    open_episode(clinician, patient)
    prog = programme(patient.organisation)
    client = as_user(clinician)
    url = reverse("treatment:chart_sessions", args=[patient.uuid])
    page = client.get(url).content.decode()
    assert "Enrol in a programme" in page and "Outpatient (weekly)" in page
    response = client.post(reverse("treatment:sessions_enrol", args=[patient.uuid]), {
        "programme": prog.pk, "starts_on": timezone.localdate().isoformat(),
        "clinician": clinician.pk}, follow=True)
    page = response.content.decode()
    assert "12 sessions on the calendar" in page
    assert page.count("Weekly individual session") >= 12
    assert Enrolment.objects.filter(patient=patient).count() == 1


def test_a_refused_enrolment_keeps_what_was_typed_and_names_the_field(clinician, patient,
                                                                     as_user):
    open_episode(clinician, patient, days_ago=2)
    prog = programme(patient.organisation)
    client = as_user(clinician)
    typed = (timezone.localdate() - timedelta(days=20)).isoformat()
    response = client.post(reverse("treatment:sessions_enrol", args=[patient.uuid]), {
        "programme": prog.pk, "starts_on": typed, "clinician": clinician.pk})
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot be before the episode of care opened" in page
    assert f'value="{typed}"' in page
    assert not Enrolment.objects.exists()


def test_the_tab_shows_past_attendance_and_the_rate(clinician, patient, as_user):
    for hours, status in [(5, AttendanceStatus.ATTENDED), (30, AttendanceStatus.NO_SHOW),
                          (60, AttendanceStatus.LATE), (90, AttendanceStatus.EXPECTED)]:
        s = past_session(clinician, patient, hours_ago=hours)
        if status != AttendanceStatus.EXPECTED:
            row = s.attendances.get()
            actions_sessions.record_attendance(ctx_for(clinician), s, {row.uuid: (status, "")})
    page = as_user(clinician).get(
        reverse("treatment:chart_sessions", args=[patient.uuid])).content.decode()
    assert "Attended <strong>2 of 3</strong>" in page and "<strong>67%</strong>" in page
    assert "1 past session not yet recorded" in page
    assert "Did not attend" in page and "Outreach needed" in page


def test_the_lead_records_a_twelve_person_group_on_one_page(clinician, make_patient,
                                                            as_user):
    session, people = _group(clinician, make_patient, 12)
    client = as_user(clinician)
    url = reverse("treatment:session", args=[session.uuid])
    page = client.get(url).content.decode()
    for p in people:
        assert p.legal_family_name in page
    rows = {a.patient_id: a for a in Attendance.objects.filter(session=session)}
    data = {f"status_{rows[p.pk].uuid}": AttendanceStatus.ATTENDED for p in people}
    data[f"status_{rows[people[3].pk].uuid}"] = AttendanceStatus.NO_SHOW
    data[f"status_{rows[people[4].pk].uuid}"] = AttendanceStatus.LEFT_EARLY
    response = client.post(url, data, follow=True)
    assert "Attendance saved for 12 people. 1 did not attend" in response.content.decode()
    statuses = dict(Attendance.objects.filter(session=session)
                    .values_list("patient_id", "status"))
    assert statuses[people[3].pk] == AttendanceStatus.NO_SHOW
    assert statuses[people[4].pk] == AttendanceStatus.LEFT_EARLY
    assert list(statuses.values()).count(AttendanceStatus.ATTENDED) == 10
    assert OutreachTask.objects.get().patient == people[3]
    client.post(url, data)  # a resubmitted page makes no second task
    assert OutreachTask.objects.count() == 1
    session.refresh_from_db()
    assert session.status == SessionStatus.HELD
    listed = AuditEvent.objects.filter(action="list", object_type="treatment.attendance").first()
    assert len(listed.details["patients_shown"]) == 12


def test_a_bad_row_refuses_the_page_and_keeps_every_choice(clinician, make_patient, as_user):
    session, people = _group(clinician, make_patient, 3)
    rows = list(Attendance.objects.filter(session=session).order_by("pk"))
    data = {f"status_{rows[0].uuid}": "attended", f"status_{rows[1].uuid}": "cancelled",
            f"status_{rows[2].uuid}": "late"}
    response = as_user(clinician).post(reverse("treatment:session", args=[session.uuid]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "say why the place was cancelled" in page
    assert '<option value="late" selected>' in page
    assert set(Attendance.objects.values_list("status", flat=True)) == {"expected"}


def test_a_colleague_sees_only_their_own_patient_in_the_group(clinician, make_user,
                                                              make_patient, as_user):
    session, people = _group(clinician, make_patient, 4)
    nurse = make_user(Role.NURSE)
    patient_actions.add_care_team_member(ctx_for(clinician), people[2], nurse, "nurse")
    page = as_user(nurse).get(reverse("treatment:session", args=[session.uuid])).content.decode()
    assert people[2].legal_family_name in page
    for other in people[:2] + people[3:]:
        assert other.legal_family_name not in page
    assert "3 other attendees not listed" in page


def test_someone_with_no_attendee_cannot_open_the_session(clinician, outsider, patient,
                                                          as_user):
    session = past_session(clinician, patient)
    response = as_user(outsider).get(reverse("treatment:session", args=[session.uuid]))
    assert response.status_code == 404
    assert patient.legal_family_name.encode() not in response.content


def test_moving_onto_a_busy_time_warns_then_moves_when_confirmed(clinician, make_patient,
                                                                 as_user):
    a, b = make_patient(), make_patient()
    tomorrow = (timezone.localtime() + timedelta(days=1)).replace(hour=10, minute=0,
                                                                  second=0, microsecond=0)
    busy = past_session(clinician, a, starts_at=tomorrow, title="Busy one")
    moving = past_session(clinician, b, starts_at=tomorrow + timedelta(hours=3))
    client = as_user(clinician)
    url = reverse("treatment:session_reschedule", args=[moving.uuid])
    form = client.get(url).content.decode()
    assert "Move it" in form and "Cancel it" in form
    assert (tomorrow + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M") in form
    data = {"starts_at": (tomorrow + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 60, "reason": "Patient asked for the morning"}
    response = client.post(url, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "already leads Busy one" in page and "Nothing was changed" in page
    moving.refresh_from_db()
    assert moving.starts_at == tomorrow + timedelta(hours=3)
    client.post(url, {**data, "confirm_overlap": "on"})
    moving.refresh_from_db()
    assert moving.starts_at == tomorrow + timedelta(minutes=30)
    assert moving.rescheduled_reason == "Patient asked for the morning"
    assert busy.pk != moving.pk


def test_moving_needs_a_reason_and_cancelling_cancels_every_place(clinician, patient,
                                                                  as_user):
    future = timezone.localtime() + timedelta(days=2)
    session = past_session(clinician, patient, starts_at=future)
    client = as_user(clinician)
    response = client.post(reverse("treatment:session_reschedule", args=[session.uuid]), {
        "starts_at": (future + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 60, "reason": "no"})
    assert response.status_code == 400
    assert "Say why the session is moved (at least 5 characters)" in response.content.decode()
    client.post(reverse("treatment:session_cancel", args=[session.uuid]),
                {"reason": "Room flooded"})
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.attendances.get().cancelled_reason == "Room flooded"


def test_only_the_lead_or_their_supervisor_moves_a_group(clinician, make_user, make_patient,
                                                         as_user):
    session, people = _group(clinician, make_patient, 2, hours_ago=-24)
    colleague = make_user(Role.CLINICIAN)
    patient_actions.add_care_team_member(ctx_for(clinician), people[0], colleague, "therapist")
    response = as_user(colleague).post(
        reverse("treatment:session_cancel", args=[session.uuid]), {"reason": "Not mine"})
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert clinician.supervisor is not None
    as_user(clinician.supervisor).post(
        reverse("treatment:session_cancel", args=[session.uuid]), {"reason": "Lead is away"})
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED


def test_an_ad_hoc_session_from_the_tab_warns_about_an_overlap(clinician, make_patient,
                                                               as_user):
    a, b = make_patient(), make_patient()
    when = (timezone.localtime() + timedelta(days=3)).replace(hour=14, minute=0, second=0,
                                                              microsecond=0)
    past_session(clinician, a, starts_at=when)
    client = as_user(clinician)
    url = reverse("treatment:sessions_schedule", args=[b.uuid])
    data = {"session_type": "motivational_interviewing", "format": "individual",
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 45,
            "clinician": clinician.pk}
    response = client.post(url, data)
    assert response.status_code == 400 and "overlaps" in response.content.decode()
    assert not Session.objects.filter(attendances__patient=b).exists()
    client.post(url, {**data, "confirm_overlap": "on"})
    assert Session.objects.filter(attendances__patient=b).count() == 1


def _many_sessions(clinician, patient, count):
    start = timezone.now() - timedelta(days=count // 2)
    sessions = Session.objects.bulk_create([
        Session(organisation_id=patient.organisation_id, session_type="cbt",
                format="individual", starts_at=start + timedelta(days=n),
                ends_at=start + timedelta(days=n, hours=1), clinician=clinician,
                created_by=clinician) for n in range(count)])
    Attendance.objects.bulk_create([
        Attendance(session=s, patient=patient,
                   status="attended" if s.starts_at < timezone.now() else "expected")
        for s in sessions])


def test_the_tab_reads_a_bounded_number_of_queries(clinician, make_patient, as_user,
                                                   django_assert_max_num_queries):
    small, large = make_patient(), make_patient()
    _many_sessions(clinician, small, 3)
    _many_sessions(clinician, large, 150)
    client = as_user(clinician)
    counts = []
    for p in (small, large):
        url = reverse("treatment:chart_sessions", args=[p.uuid])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(32):
        client.get(reverse("treatment:chart_sessions", args=[large.uuid]) + "?page=3")
