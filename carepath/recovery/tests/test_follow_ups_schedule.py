"""Alumni follow-ups are scheduled when a discharge is signed (not for a death), by a
receiver and a nightly safety net that are both idempotent; unanswered ones are missed."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models.signals import post_save
from django.utils import timezone

from carepath.audit.models import Action, AuditEvent
from carepath.conftest import ctx_for
from carepath.patients import actions as patient_actions
from carepath.recovery import followups, receivers
from carepath.recovery.models import FollowUp, FollowUpStatus, RecoveryProfile, RiskWindow
from carepath.treatment import actions_discharge as actions
from carepath.treatment.models import Discharge

from .test_aftercare_support import readmit, sign_discharge

pytestmark = pytest.mark.django_db


def _window(patient):
    starts = timezone.now() + timedelta(days=3)
    return RiskWindow.objects.create(organisation_id=patient.organisation_id, patient=patient,
                                     label="Festival", starts_at=starts,
                                     ends_at=starts + timedelta(hours=6))


def test_signing_a_discharge_creates_follow_ups_at_30_90_180_365_days(clinician, patient):
    discharge = sign_discharge(patient, clinician)
    rows = list(FollowUp.objects.filter(discharge=discharge).order_by("day_offset"))
    assert [f.day_offset for f in rows] == [30, 90, 180, 365]
    assert [f.due_on for f in rows] == [discharge.discharged_on + timedelta(days=d)
                                        for d in (30, 90, 180, 365)]
    assert all(f.status == FollowUpStatus.SCHEDULED and f.patient == patient for f in rows)
    assert RecoveryProfile.objects.filter(patient=patient).exists()  # reminders need one
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid, action=Action.CREATE,
                                     object_type="recovery.followup").count() == 1


def test_an_unsigned_draft_schedules_nothing(clinician, patient):
    patient_actions.open_episode(ctx_for(clinician), patient, reason="Daily use",
                                 level_of_care="outpatient",
                                 opened_at=timezone.now() - timedelta(days=40))
    actions.start_discharge(ctx_for(clinician), patient, reason="completed",
                            discharged_on=timezone.localdate())
    assert not FollowUp.objects.exists()


def test_a_death_creates_no_follow_ups_and_stops_all_contact(clinician, patient):
    first = sign_discharge(patient, clinician, days_ago=10)
    assert FollowUp.objects.filter(discharge=first).count() == 4
    window = _window(patient)
    readmit(patient, clinician)
    # The readmitted episode opened today; the death is recorded today too.
    ctx = ctx_for(clinician)
    draft = actions.start_discharge(ctx, patient, reason="died",
                                    discharged_on=timezone.localdate())
    text = draft.summary.replace(actions.drafting.CLINICIAN_PROMPT, "Died at home.")
    draft = actions.save_draft(ctx, draft, reason="died", discharged_on=draft.discharged_on,
                               summary=text, aftercare_plan="")
    died = actions.sign_discharge(ctx, draft, confirm_died=True)

    assert not FollowUp.objects.filter(discharge=died).exists()
    assert set(FollowUp.objects.filter(discharge=first).values_list("status", flat=True)) == {
        FollowUpStatus.CANCELLED}
    assert RecoveryProfile.objects.get(patient=patient).checkins_expected is False
    window.refresh_from_db()
    assert window.cancelled_at is not None
    # And the nightly safety net does not bring them back.
    assert followups.run_nightly().created == 0
    assert not FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED).exists()


def test_the_receiver_is_idempotent(clinician, patient):
    discharge = sign_discharge(patient, clinician)
    # Called again as if the signal fired twice, and saved again for another field.
    receivers.discharge_saved(Discharge, discharge, update_fields={"signed_at"})
    discharge.save()
    receivers.connect()  # connecting twice keeps one receiver
    discharge.save(update_fields=["signed_at"])
    assert FollowUp.objects.filter(discharge=discharge).count() == 4


def test_the_nightly_job_creates_missing_follow_ups_once(clinician, patient):
    post_save.disconnect(sender=Discharge, dispatch_uid=receivers.DISPATCH_UID)
    try:
        discharge = sign_discharge(patient, clinician)
    finally:
        receivers.connect()
    assert not FollowUp.objects.exists()
    assert followups.schedule_follow_ups() == 4
    assert followups.schedule_follow_ups() == 0
    call_command("recovery_follow_ups")
    assert sorted(FollowUp.objects.filter(discharge=discharge)
                  .values_list("day_offset", flat=True)) == [30, 90, 180, 365]


def test_the_nightly_job_fills_a_gap_without_duplicating(clinician, patient):
    discharge = sign_discharge(patient, clinician)
    FollowUp.objects.filter(discharge=discharge, day_offset=180).delete()
    assert followups.schedule_follow_ups() == 1
    assert FollowUp.objects.filter(discharge=discharge).count() == 4


def test_follow_ups_whose_answer_window_already_closed_are_not_created(clinician, patient):
    # Discharged 100 days ago: the 30-day one closed on day 51, the 90-day one is open.
    discharge = sign_discharge(patient, clinician, days_ago=100)
    assert sorted(FollowUp.objects.filter(discharge=discharge)
                  .values_list("day_offset", flat=True)) == [90, 180, 365]


def test_a_follow_up_not_answered_within_the_window_is_marked_missed(clinician, patient,
                                                                       settings):
    settings.CAREPATH_FOLLOW_UP_ANSWER_DAYS = 21
    discharge = sign_discharge(patient, clinician)
    first = FollowUp.objects.get(discharge=discharge, day_offset=30)
    assert followups.mark_missed(today=first.due_on + timedelta(days=21)) == 0
    first.refresh_from_db()
    assert first.status == FollowUpStatus.SCHEDULED
    assert followups.mark_missed(today=first.due_on + timedelta(days=22)) == 1
    first.refresh_from_db()
    assert first.status == FollowUpStatus.MISSED
    assert followups.mark_missed(today=first.due_on + timedelta(days=22)) == 0
    assert AuditEvent.objects.filter(object_id=str(first.uuid), action=Action.UPDATE,
                                     details__status="missed").count() == 1
    assert FollowUp.objects.filter(discharge=discharge,
                                   status=FollowUpStatus.SCHEDULED).count() == 3
