"""The closed loop: sent → acknowledged → assessed → admitted | declined, with history."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.directory.actions_referrals import change_referral_status
from carepath.directory.models import Referral

from .test_referral_support import refer

pytestmark = pytest.mark.django_db


def _move(user, referral, *statuses, note=""):
    for status in statuses:
        referral = change_referral_status(ctx_for(user), referral, status, note=note)
    return referral


def test_the_whole_loop_is_kept_as_history(clinician, patient):
    referral = _move(clinician, refer(clinician, patient), "acknowledged", "assessed")
    referral = change_referral_status(ctx_for(clinician), referral, "admitted",
                                      note="Admitted on Monday")
    steps = [(c.from_status, c.to_status) for c in referral.changes.all()]
    assert steps == [("", "sent"), ("sent", "acknowledged"), ("acknowledged", "assessed"),
                     ("assessed", "admitted")]
    assert referral.status == "admitted" and referral.outcome_note == "Admitted on Monday"
    assert all(c.changed_by == clinician for c in referral.changes.all())
    updates = AuditEvent.objects.filter(object_id=str(referral.uuid), action="update")
    assert [(e.details["from"], e.details["to"]) for e in updates] == steps[1:]
    assert all(e.patient_uuid == patient.uuid for e in updates)


def test_sent_may_go_straight_to_assessed(clinician, patient):
    assert _move(clinician, refer(clinician, patient), "assessed").status == "assessed"


@pytest.mark.parametrize("path,refused", [
    ((), "admitted"),                       # admission follows an assessment
    (("acknowledged",), "sent"),            # no going back
    (("assessed",), "acknowledged"),
])
def test_steps_outside_the_loop_are_refused(clinician, patient, path, refused):
    referral = _move(clinician, refer(clinician, patient), *path)
    with pytest.raises(ValidationError) as exc:
        change_referral_status(ctx_for(clinician), referral, refused)
    assert "can next be" in exc.value.message_dict["status"][0]
    assert Referral.objects.get(pk=referral.pk).status == (path[-1] if path else "sent")


@pytest.mark.parametrize("path", [(), ("acknowledged",), ("assessed",)])
def test_declined_may_follow_any_open_status(clinician, patient, path):
    referral = _move(clinician, refer(clinician, patient), *path, "declined")
    assert referral.status == "declined"


@pytest.mark.parametrize("closing", [("assessed", "admitted"), ("declined",)])
def test_a_closed_referral_refuses_every_change(clinician, patient, closing):
    referral = _move(clinician, refer(clinician, patient), *closing)
    for status in ("sent", "acknowledged", "assessed", "admitted", "declined"):
        with pytest.raises(ValidationError) as exc:
            change_referral_status(ctx_for(clinician), referral, status, note="late news")
        assert "This referral is closed" in exc.value.message_dict["status"][0]
    assert referral.changes.count() == 1 + len(closing)


def test_an_unknown_status_is_refused(clinician, patient):
    with pytest.raises(ValidationError):
        change_referral_status(ctx_for(clinician), refer(clinician, patient), "lost")


def test_a_check_with_no_change_needs_a_note_and_moves_the_next_check(clinician, patient,
                                                                      settings):
    referral = refer(clinician, patient)
    Referral.objects.filter(pk=referral.pk).update(
        check_due_at=timezone.now() - timedelta(days=1), reminder_sent_at=timezone.now())
    with pytest.raises(ValidationError) as exc:
        change_referral_status(ctx_for(clinician), referral, "sent")
    assert "note" in exc.value.message_dict
    before = timezone.now()
    referral = change_referral_status(ctx_for(clinician), referral, "sent",
                                      note="Phoned: still on their list")
    assert referral.status == "sent"
    assert referral.check_due_at >= before + timedelta(days=settings.CAREPATH_REFERRAL_CHECK_DAYS)
    assert referral.reminder_sent_at is None
    last = referral.changes.last()
    assert (last.from_status, last.to_status, last.note) == ("sent", "sent",
                                                             "Phoned: still on their list")


def test_moving_to_an_open_status_sets_the_next_check_from_the_change(clinician, patient):
    referral = refer(clinician, patient)
    referral = _move(clinician, referral, "acknowledged")
    assert referral.check_due_at > referral.sent_at + timedelta(days=29)
    assert abs((referral.check_due_at - referral.status_changed_at).days - 30) <= 1


def test_someone_without_access_may_not_change_the_status(clinician, outsider, patient):
    referral = refer(clinician, patient)
    with pytest.raises(PermissionDenied):
        change_referral_status(ctx_for(outsider), referral, "acknowledged")
    assert Referral.objects.get(pk=referral.pk).status == "sent"
    assert AuditEvent.objects.filter(outcome="denied", patient_uuid=patient.uuid,
                                     object_type="directory.referral").exists()
