"""Enrolling a patient generates their session calendar from the programme's slots."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.patients.models import CareTeamMember
from carepath.treatment import actions_programmes
from carepath.treatment.models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    Programme,
    ProgrammeSlot,
    Room,
    Session,
    SessionFormat,
)

from .test_sessions_support import enrol, open_episode, programme, small_group_programme

pytestmark = pytest.mark.django_db


def test_default_programmes_are_installed_once(org):
    first = actions_programmes.install_default_programmes(org)
    slots = ProgrammeSlot.objects.count()
    again = actions_programmes.install_default_programmes(org)
    assert [p.pk for p in first] == [p.pk for p in again]
    assert Programme.objects.filter(organisation=org).count() == 4
    assert ProgrammeSlot.objects.count() == slots
    assert Room.objects.filter(organisation=org).count() == 4
    residential = Programme.objects.get(organisation=org, name__startswith="Residential")
    assert residential.duration_days == 28
    iop = Programme.objects.get(organisation=org, name__startswith="Intensive outpatient")
    assert iop.duration_days == 84
    assert [(s.duration_minutes, s.format) for s in iop.slots.all()] == [(180, "group")] * 3


def test_weekly_outpatient_gives_twelve_individual_sessions_with_the_enroller(
        clinician, patient):
    open_episode(clinician, patient)
    start = timezone.localdate()
    result = enrol(clinician, patient, programme(patient.organisation), starts_on=start)
    enrolment = result.enrolment
    assert enrolment.ends_on == start + timedelta(days=83)
    sessions = list(Session.objects.filter(attendances__patient=patient).order_by("starts_at"))
    assert len(sessions) == 12 == result.seats
    assert {s.clinician_id for s in sessions} == {clinician.pk}
    assert {timezone.localtime(s.starts_at).weekday() for s in sessions} == {1}  # Tuesday
    assert {timezone.localtime(s.starts_at).strftime("%H:%M") for s in sessions} == {"10:00"}
    gaps = {(b.starts_at - a.starts_at).days for a, b in zip(sessions, sessions[1:], strict=False)}
    assert gaps == {7}
    assert all(start <= timezone.localtime(s.starts_at).date() <= enrolment.ends_on
               for s in sessions)
    event = AuditEvent.objects.get(object_id=str(enrolment.uuid), action="create")
    assert event.details["seats"] == 12


def test_group_slots_are_shared_one_session_per_slot_and_start(clinician, make_patient):
    prog = programme(clinician.organisation, "Intensive outpatient (12 weeks)")
    start = timezone.localdate()
    for _ in range(2):
        p = make_patient()
        open_episode(clinician, p)
        assert enrol(clinician, p, prog, starts_on=start).seats == 36
    assert Session.objects.filter(programme=prog).count() == 36
    assert all(s.attendances.count() == 2 for s in Session.objects.filter(programme=prog))
    assert Attendance.objects.filter(session__programme=prog).count() == 72


def test_a_full_group_skips_the_seat_and_warns_naming_the_session(clinician, make_patient):
    prog = small_group_programme(clinician.organisation, capacity=2, weeks=1)
    results = []
    for _ in range(3):
        p = make_patient()
        open_episode(clinician, p)
        results.append(enrol(clinician, p, prog))
    third = results[2]
    assert third.seats == 0 and len(third.full) == 1
    warning = third.warnings[0]
    assert "No place left in Small group on" in warning and "10:00" in warning
    assert Enrolment.objects.filter(pk=third.enrolment.pk).exists()
    assert Attendance.objects.filter(session__programme=prog).count() == 2


def test_enrolment_needs_an_open_episode_and_a_sane_start(clinician, patient):
    prog = programme(patient.organisation)
    with pytest.raises(ValidationError) as exc:
        enrol(clinician, patient, prog)
    assert "no open episode of care" in str(exc.value.message_dict["programme"])
    open_episode(clinician, patient, days_ago=3)
    with pytest.raises(ValidationError) as exc:
        enrol(clinician, patient, prog, starts_on=timezone.localdate() - timedelta(days=10))
    assert "before the episode of care opened" in exc.value.message_dict["starts_on"][0]
    with pytest.raises(ValidationError) as exc:
        enrol(clinician, patient, prog, starts_on=timezone.localdate() + timedelta(days=400))
    assert "within 365 days" in exc.value.message_dict["starts_on"][0]
    assert not Session.objects.exists() and not Enrolment.objects.exists()


def test_the_same_programme_twice_at_once_is_refused(clinician, patient):
    open_episode(clinician, patient)
    prog = programme(patient.organisation)
    enrol(clinician, patient, prog)
    with pytest.raises(ValidationError) as exc:
        enrol(clinician, patient, prog, starts_on=timezone.localdate() + timedelta(days=14))
    assert "Already enrolled in Outpatient (weekly)" in exc.value.message_dict["programme"][0]


def test_a_retried_form_returns_the_first_enrolment(clinician, patient):
    open_episode(clinician, patient)
    prog = programme(patient.organisation)
    key = uuid.uuid4()
    first = enrol(clinician, patient, prog, submission_key=key)
    again = enrol(clinician, patient, prog, submission_key=key)
    assert again.enrolment.pk == first.enrolment.pk and again.repeated
    assert Enrolment.objects.count() == 1 and Session.objects.count() == 12


def test_a_slot_naming_a_clinician_puts_them_on_the_care_team(clinician, make_user, patient):
    therapist = make_user(Role.CLINICIAN)
    prog = programme(patient.organisation)
    prog.slots.update(clinician=therapist)
    open_episode(clinician, patient)
    enrol(clinician, patient, prog)
    assert set(Session.objects.values_list("clinician", flat=True)) == {therapist.pk}
    assert CareTeamMember.objects.filter(patient=patient, user=therapist,
                                         role="therapist").exists()


def test_someone_off_the_care_team_cannot_enrol_and_is_audited(clinician, outsider, patient):
    open_episode(clinician, patient)
    prog = programme(patient.organisation)
    with pytest.raises(PermissionDenied):
        enrol(outsider, patient, prog)
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid, outcome="denied",
                                     actor=outsider).exists()
    assert not Enrolment.objects.exists()


def test_ending_an_enrolment_cancels_its_future_places(clinician, patient):
    open_episode(clinician, patient)
    result = enrol(clinician, patient, programme(patient.organisation),
                   starts_on=timezone.localdate() + timedelta(days=1))
    actions_programmes.end_enrolment(ctx_for(clinician), result.enrolment,
                                     reason="Moved to residential care")
    statuses = set(Attendance.objects.filter(patient=patient).values_list("status", flat=True))
    assert statuses == {AttendanceStatus.CANCELLED}
    assert Session.objects.filter(format=SessionFormat.INDIVIDUAL).count() == 12


def test_individual_sessions_on_top_of_the_leads_others_are_warned(clinician, make_patient):
    prog = programme(clinician.organisation)
    first, second = make_patient(), make_patient()
    for p in (first, second):
        open_episode(clinician, p)
    assert enrol(clinician, first, prog).overlaps == []
    result = enrol(clinician, second, prog)
    assert len(result.overlaps) == 12
    assert result.overlaps[0].startswith(f"{clinician.display_name} already leads Weekly "
                                         "individual session")
    assert result.seats == 12  # a warning, not a refusal


def test_a_full_group_refuses_a_place_added_by_hand_naming_it(clinician, make_patient):
    from carepath.treatment import actions_sessions

    prog = small_group_programme(clinician.organisation, capacity=1, weeks=1)
    a, b = make_patient(), make_patient()
    for p in (a, b):
        open_episode(clinician, p)
    enrol(clinician, a, prog)
    session = Session.objects.get(programme=prog)
    with pytest.raises(ValidationError) as exc:
        actions_sessions.add_attendee(ctx_for(clinician), session, b)
    assert exc.value.message_dict["session"][0].startswith("No place left in Small group on")
