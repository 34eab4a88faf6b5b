"""Starting, editing and signing a discharge: the checks, and what signing changes."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.alerts.models import Alert
from carepath.audit.models import Action, AuditEvent, Outcome
from carepath.conftest import ctx_for
from carepath.measures.models import Link, Schedule
from carepath.patients import actions as patient_actions
from carepath.treatment import actions_discharge as actions
from carepath.treatment.models import (
    Attendance,
    AttendanceStatus,
    Discharge,
    EnrolmentStatus,
    OutreachStatus,
    OutreachTask,
    SessionFormat,
    SessionStatus,
)

from .test_discharge_support import attend, enrol, open_episode, session

AFTERCARE = "Weekly aftercare group on Tuesdays; call the team on 01632 960000 if you use."


def _ready(discharge, clinician, reason="completed", aftercare=AFTERCARE):
    text = discharge.summary.replace(actions.drafting.CLINICIAN_PROMPT,
                                     "Completed the programme; no risks at discharge.")
    return actions.save_draft(ctx_for(clinician), discharge, reason=reason,
                              discharged_on=discharge.discharged_on, summary=text,
                              aftercare_plan=aftercare)


def test_start_drafts_a_summary_and_a_retry_returns_the_same_draft(clinician, patient):
    open_episode(patient, clinician)
    today = timezone.localdate()
    first = actions.start_discharge(ctx_for(clinician), patient, reason="completed",
                                    discharged_on=today)
    again = actions.start_discharge(ctx_for(clinician), patient, reason="completed",
                                    discharged_on=today)
    assert again.pk == first.pk
    assert Discharge.objects.count() == 1
    assert "Reason for discharge: Completed treatment." in first.summary
    assert not first.is_signed
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(first.uuid)).count() == 1


def test_date_in_the_future_or_before_the_episode_is_refused_naming_the_limit(clinician,
                                                                             patient):
    episode = open_episode(patient, clinician, days_ago=5)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        actions.start_discharge(ctx_for(clinician), patient, reason="completed",
                                discharged_on=today + timedelta(days=1))
    assert "cannot be in the future" in exc.value.message_dict["discharged_on"][0]
    opened = timezone.localtime(episode.opened_at).date()
    with pytest.raises(ValidationError) as exc:
        actions.start_discharge(ctx_for(clinician), patient, reason="completed",
                                discharged_on=opened - timedelta(days=1))
    assert (f"before the episode opened on {opened:%d %b %Y}"
            in exc.value.message_dict["discharged_on"][0])
    with pytest.raises(ValidationError) as exc:
        actions.start_discharge(ctx_for(clinician), patient, reason="holiday",
                                discharged_on=today)
    assert "Choose the reason for discharge" in exc.value.message_dict["reason"][0]
    assert not Discharge.objects.exists()


def test_no_open_episode_no_discharge(clinician, patient):
    with pytest.raises(ValidationError) as exc:
        actions.start_discharge(ctx_for(clinician), patient, reason="completed",
                                discharged_on=timezone.localdate())
    assert "no open episode" in exc.value.message_dict["reason"][0]


def test_signing_needs_the_clinicians_own_summary_and_an_aftercare_plan(clinician, patient):
    open_episode(patient, clinician)
    discharge = actions.start_discharge(ctx_for(clinician), patient, reason="completed",
                                        discharged_on=timezone.localdate())
    with pytest.raises(ValidationError) as exc:
        actions.sign_discharge(ctx_for(clinician), discharge)
    errors = exc.value.message_dict
    assert "Replace the line" in errors["summary"][0]
    assert "Write the aftercare plan before signing" in errors["aftercare_plan"][0]
    discharge.refresh_from_db()
    assert not discharge.is_signed
    assert patient.episodes.get().is_open


def test_signing_closes_the_episode_ends_enrolments_and_cancels_future_places(
        org, clinician, patient, make_patient):
    episode = open_episode(patient, clinician)
    enrolment = enrol(org, episode, clinician)
    now = timezone.now()
    past = attend(patient, session(org, clinician, starts_at=now - timedelta(days=2)))
    group = session(org, clinician, starts_at=now + timedelta(days=2))
    mine = attend(patient, group, enrolment=enrolment)
    other_patient = make_patient()
    theirs = attend(other_patient, group, AttendanceStatus.EXPECTED)
    individual = session(org, clinician, starts_at=now + timedelta(days=3),
                         fmt=SessionFormat.INDIVIDUAL, kind="cbt")
    attend(patient, individual)

    discharge = actions.start_discharge(ctx_for(clinician), patient, reason="completed",
                                        discharged_on=timezone.localdate())
    discharge = _ready(discharge, clinician)
    signed = actions.sign_discharge(ctx_for(clinician), discharge)

    episode.refresh_from_db()
    assert not episode.is_open
    assert episode.closed_reason == "Discharged: Completed treatment"
    assert signed.signed_by == clinician and signed.signed_at is not None
    assert len(signed.content_digest) == 64 and actions.digest_matches(signed)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED and enrolment.ended_at is not None
    mine.refresh_from_db()
    assert mine.status == AttendanceStatus.CANCELLED and mine.cancelled_reason == "discharged"
    past.refresh_from_db()
    assert past.status == AttendanceStatus.ATTENDED  # history is not rewritten
    theirs.refresh_from_db()
    group.refresh_from_db()
    assert theirs.status == AttendanceStatus.EXPECTED and group.status == SessionStatus.SCHEDULED
    individual.refresh_from_db()
    assert individual.status == SessionStatus.CANCELLED
    event = AuditEvent.objects.get(action=Action.SIGN, object_id=str(signed.uuid))
    assert event.details["attendances_cancelled"] == [
        str(a.uuid) for a in Attendance.objects.filter(patient=patient, status="cancelled")
        .order_by("session__starts_at")]
    assert "summary" not in event.details and AFTERCARE not in str(event.details)


def test_a_signed_discharge_is_read_only(clinician, patient):
    open_episode(patient, clinician)
    discharge = _ready(actions.start_discharge(ctx_for(clinician), patient, reason="completed",
                                               discharged_on=timezone.localdate()), clinician)
    actions.sign_discharge(ctx_for(clinician), discharge)
    with pytest.raises(ValidationError) as exc:
        actions.save_draft(ctx_for(clinician), discharge, reason="completed",
                           discharged_on=discharge.discharged_on, summary="changed",
                           aftercare_plan="changed")
    assert "read-only" in exc.value.message_dict["summary"][0]
    with pytest.raises(ValidationError):
        actions.sign_discharge(ctx_for(clinician), discharge)
    discharge.refresh_from_db()
    assert discharge.summary != "changed" and actions.digest_matches(discharge)
    # Tampering with the stored text is visible.
    Discharge.objects.filter(pk=discharge.pk).update(summary="edited behind the app")
    discharge.refresh_from_db()
    assert not actions.digest_matches(discharge)


def test_someone_elses_later_save_is_not_overwritten(clinician, patient):
    open_episode(patient, clinician)
    discharge = actions.start_discharge(ctx_for(clinician), patient, reason="completed",
                                        discharged_on=timezone.localdate())
    opened_version = discharge.updated_at
    _ready(discharge, clinician)
    with pytest.raises(ValidationError) as exc:
        actions.save_draft(ctx_for(clinician), discharge, reason="completed",
                           discharged_on=discharge.discharged_on, summary="mine",
                           aftercare_plan="", expected_updated_at=opened_version)
    assert "Someone else saved this discharge" in exc.value.message_dict["summary"][0]


def test_died_needs_no_aftercare_plan_a_confirmation_and_messages_nobody(
        org, clinician, patient, make_user):
    nurse = make_user(Role.NURSE)
    patient_actions.add_care_team_member(ctx_for(clinician), patient, nurse, "nurse")
    episode = open_episode(patient, clinician)
    enrol(org, episode, clinician)
    attend(patient, session(org, clinician, starts_at=timezone.now() + timedelta(days=1)))
    task = OutreachTask.objects.create(
        organisation=org, patient=patient, reason="no_show", explanation="Missed group",
        source_type="treatment.attendance", source_uuid=patient.uuid,
        due_on=timezone.localdate())
    Schedule.objects.create(organisation=org, patient=patient, instrument_id="phq-9",
                            every_days=14)
    Link.objects.create(patient=patient, instrument_id="phq-9", channel="email",
                        created_by=clinician, expires_at=timezone.now() + timedelta(days=3))
    mail.outbox.clear()
    alerts_before = Alert.objects.count()

    discharge = actions.start_discharge(ctx_for(clinician), patient, reason="died",
                                        discharged_on=timezone.localdate())
    with pytest.raises(ValidationError) as exc:
        _ready(discharge, clinician, reason="died", aftercare=AFTERCARE)
    assert "has no aftercare plan" in exc.value.message_dict["aftercare_plan"][0]
    discharge = _ready(discharge, clinician, reason="died", aftercare="")
    with pytest.raises(ValidationError) as exc:
        actions.sign_discharge(ctx_for(clinician), discharge)
    assert "confirm the patient has died" in exc.value.message_dict["confirm_died"][0]
    signed = actions.sign_discharge(ctx_for(clinician), discharge, confirm_died=True)

    assert signed.is_signed and signed.aftercare_plan == ""
    assert not patient.episodes.filter(closed_at__isnull=True).exists()
    assert mail.outbox == []
    assert Alert.objects.count() == alerts_before
    task.refresh_from_db()
    assert task.status == OutreachStatus.DONE and task.outcome == "not_needed"
    assert not Schedule.objects.filter(patient=patient, active=True).exists()
    assert not any(link.usable() for link in Link.objects.filter(patient=patient))
    assert not OutreachTask.objects.filter(patient=patient, status="open").exists()


def test_only_clinical_staff_with_access_may_discharge_and_refusals_are_audited(
        clinician, outsider, patient, make_user):
    open_episode(patient, clinician)
    intake = make_user(Role.INTAKE_ADVISOR)
    patient_actions.add_care_team_member(ctx_for(clinician), patient, intake, "intake")
    for user in (outsider, intake):
        with pytest.raises(PermissionDenied):
            actions.start_discharge(ctx_for(user), patient, reason="completed",
                                    discharged_on=timezone.localdate())
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED,
                                     object_type="treatment.discharge").count() == 2
    assert not Discharge.objects.exists()
