"""Observations are never edited: an entry in error is marked with a reason and stays
visible. A retried form (same submission key) never writes a duplicate or a second alert."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from carepath.alerts.models import Alert
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.withdrawal import actions
from carepath.withdrawal.models import MedicationNote, Observation

from .conftest import observe

pytestmark = pytest.mark.django_db


def test_entered_in_error_is_kept_visible_with_its_reason(in_withdrawal, nurse, as_user):
    obs = observe(nurse, in_withdrawal, heart_rate=88, craving=4)
    with pytest.raises(ValidationError, match="at least 10 characters"):
        actions.mark_entered_in_error(ctx_for(nurse), obs, "oops")
    actions.mark_entered_in_error(ctx_for(nurse), obs, "Wrong patient's observations")
    obs.refresh_from_db()
    assert obs.in_error and obs.heart_rate == 88  # nothing else changed
    assert obs.entered_in_error_by == nurse
    with pytest.raises(ValidationError, match="already marked"):
        actions.mark_entered_in_error(ctx_for(nurse), obs, "Wrong patient's observations")
    page = as_user(nurse).get(reverse("withdrawal:chart_withdrawal",
                                      args=[in_withdrawal.uuid])).content.decode()
    assert "Entered in error" in page and "Wrong patient&#x27;s observations" in page
    assert Observation.objects.count() == 1
    assert AuditEvent.objects.filter(object_id=str(obs.uuid), action="update").exists()


def test_the_error_page_refuses_a_short_reason_and_keeps_it(in_withdrawal, nurse, as_user):
    obs = observe(nurse, in_withdrawal, craving=4)
    url = reverse("withdrawal:entered_in_error", args=[in_withdrawal.uuid, obs.uuid])
    response = as_user(nurse).post(url, {"reason": "typo"})
    assert response.status_code == 400
    assert "at least 10 characters" in response.content.decode()
    assert "typo</textarea>" in response.content.decode()
    response = as_user(nurse).post(url, {"reason": "Typed on the wrong chart"})
    assert response.status_code == 302


def test_an_alert_raised_by_an_entry_in_error_stays_open(in_withdrawal, nurse):
    obs = observe(nurse, in_withdrawal, heart_rate=150)
    actions.mark_entered_in_error(ctx_for(nurse), obs, "Pulse oximeter slipped; rechecked")
    assert Alert.objects.get().is_open


def test_a_retried_observation_returns_the_first_and_raises_no_second_alert(in_withdrawal,
                                                                             nurse):
    key = uuid.uuid4()
    first = observe(nurse, in_withdrawal, key=key, heart_rate=140)
    again = observe(nurse, in_withdrawal, key=key, heart_rate=140)
    assert again.pk == first.pk
    assert Observation.objects.count() == 1 and Alert.objects.count() == 1


def test_a_retried_form_post_makes_one_row(in_withdrawal, nurse, as_user):
    client = as_user(nurse)
    url = reverse("withdrawal:chart_withdrawal", args=[in_withdrawal.uuid])
    data = {"taken_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "craving": "5",
            "submission_key": str(uuid.uuid4())}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Observation.objects.count() == 1


def test_a_retried_medication_note_makes_one_row(in_withdrawal, nurse):
    key = uuid.uuid4()
    data = {"given_at": timezone.now() - timedelta(minutes=5), "medicine": "Diazepam",
            "dose": "5 mg", "route": "by mouth", "reason": "Agitation"}
    first = actions.record_medication(ctx_for(nurse), in_withdrawal, data, submission_key=key)
    again = actions.record_medication(ctx_for(nurse), in_withdrawal, data, submission_key=key)
    assert first.pk == again.pk and MedicationNote.objects.count() == 1


def test_medication_notes_are_for_nurses_prescribers_and_supervisors(in_withdrawal,
                                                                     clinician, prescriber):
    data = {"given_at": timezone.now(), "medicine": "Paracetamol", "dose": "1 g",
            "reason": "Headache"}
    with pytest.raises(PermissionDenied):
        actions.record_medication(ctx_for(clinician), in_withdrawal, data)
    assert AuditEvent.objects.filter(outcome="denied", object_type="withdrawal.medicationnote"
                                     ).exists()
    actions.record_medication(ctx_for(prescriber), in_withdrawal, data)
    with pytest.raises(ValidationError) as refused:
        actions.record_medication(ctx_for(prescriber), in_withdrawal,
                                  {"given_at": timezone.now(), "medicine": "", "dose": "",
                                   "reason": ""})
    assert set(refused.value.message_dict) == {"medicine", "dose", "reason"}


def test_someone_off_the_care_team_cannot_record(in_withdrawal, outsider):
    with pytest.raises(PermissionDenied):
        observe(outsider, in_withdrawal, craving=3)
    assert not Observation.objects.exists()
    assert AuditEvent.objects.filter(outcome="denied", patient_uuid=in_withdrawal.uuid,
                                     object_type="withdrawal.observation").exists()


def test_no_open_episode_no_observation(patient, clinician):
    with pytest.raises(ValidationError, match="no open episode of care"):
        observe(clinician, patient, craving=3)
