"""Measures in the chart, the portal and by one-time link, through real requests."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from carepath.accounts.models import AccountType
from carepath.alerts.models import Alert
from carepath.conftest import ctx_for, verified_client
from carepath.measures import actions, tasks
from carepath.measures.models import Link, Mode, Reminder, Response, Schedule
from carepath.notify.sms import MemorySmsBackend

pytestmark = pytest.mark.django_db

NO_RISK = {f"item_{n}": "1" for n in range(1, 10)} | {"item_9": "0"}


@pytest.fixture
def owner(make_user, patient):
    user = make_user(role="", account_type=AccountType.PATIENT)
    patient.user = user
    patient.save(update_fields=["user"])
    return user


def _respond_url(patient, instrument="phq-9"):
    return f"/patients/{patient.uuid}/measures/new/{instrument}/"


def test_the_chart_lists_instruments_with_their_validation_status(clinician, patient):
    page = verified_client(clinician).get(f"/patients/{patient.uuid}/measures/")
    assert page.status_code == 200
    assert b"Patient Health Questionnaire-9" in page.content
    assert b"(not validated)" in page.content  # craving-nrs


def test_a_refused_form_keeps_every_answer_and_names_the_item(clinician, patient):
    posted = {**NO_RISK, "item_5": "", "item_3": "2", "action": "submit"}
    page = verified_client(clinician).post(_respond_url(patient), posted)
    assert page.status_code == 400
    assert b"an answer is required" in page.content
    assert b'id="item_3-2" type="radio" name="item_3" value="2" checked' in page.content
    assert not Response.objects.exists()


def test_a_submitted_form_shows_the_score_and_provenance(clinician, patient):
    client = verified_client(clinician)
    done = client.post(_respond_url(patient), {**NO_RISK, "action": "submit"})
    assert done.status_code == 302
    page = client.get(done["Location"])
    assert b'data-testid="result-total">8<' in page.content
    assert b"Kroenke" in page.content


def test_save_draft_then_finish_later(clinician, patient):
    client = verified_client(clinician)
    saved = client.post(_respond_url(patient), {"item_1": "2", "action": "draft"})
    draft = Response.objects.get()
    assert saved.status_code == 302 and draft.status == "draft"
    client.post(_respond_url(patient), {**NO_RISK, "draft": str(draft.uuid),
                                        "action": "submit"})
    assert Response.objects.get().status == "submitted"


def test_the_patient_sees_the_crisis_panel_and_a_plain_result(owner, patient):
    client = verified_client(owner)
    done = client.post(_respond_url(patient), {**NO_RISK, "item_9": "1", "action": "submit"})
    page = client.get(done["Location"])
    assert b'data-testid="crisis-panel"' in page.content
    assert b"116 123" in page.content
    assert Alert.objects.get().is_open
    assert Response.objects.get().mode == Mode.SELF_REPORT


def test_the_patient_cannot_open_a_clinician_rated_instrument(owner, patient):
    page = verified_client(owner).post(_respond_url(patient, "dsm5-ketamine"),
                                       {f"item_{n}": "0" for n in range(1, 11)} |
                                       {"action": "submit"})
    assert page.status_code == 400 and not Response.objects.exists()


def test_a_one_time_link_works_once_without_an_account(clinician, patient, settings, client):
    settings.CAREPATH_SMS_BACKEND = "carepath.notify.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    patient.phone = "07700 900123"
    patient.save(update_fields=["phone"])
    link, token = actions.create_link(ctx_for(clinician), patient, "phq-9", Link.Channel.SMS)
    tasks.send_link.call(str(link.uuid))
    assert MemorySmsBackend.outbox[0][0] == "07700 900123"
    assert token in MemorySmsBackend.outbox[0][1] and "PHQ" not in MemorySmsBackend.outbox[0][1]
    url = f"/m/{token}/"
    assert client.get(url).status_code == 200
    done = client.post(url, {**NO_RISK, "item_9": "2"})
    assert done.status_code == 200 and b'data-testid="crisis-panel"' in done.content
    assert Response.objects.get().mode == Mode.LINK and Alert.objects.exists()
    assert client.get(url).status_code == 410
    assert client.post(url, NO_RISK).status_code == 410
    assert Response.objects.count() == 1


def test_an_expired_link_is_refused(clinician, patient, client):
    patient.email = "robin@example.org"
    patient.save(update_fields=["email"])
    link, token = actions.create_link(ctx_for(clinician), patient, "gad-7", Link.Channel.EMAIL)
    Link.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(f"/m/{token}/").status_code == 410


def test_a_forged_link_is_refused(clinician, patient, client):
    patient.email = "robin@example.org"
    patient.save(update_fields=["email"])
    link, token = actions.create_link(ctx_for(clinician), patient, "gad-7", Link.Channel.EMAIL)
    assert client.get(f"/m/{link.uuid}:forged/").status_code == 404
    assert client.get(f"/m/{token}/").status_code == 200


def test_a_link_needs_an_address_on_the_record(clinician, patient):
    with pytest.raises(Exception, match="email"):
        actions.create_link(ctx_for(clinician), patient, "phq-9", Link.Channel.EMAIL)


def test_due_and_overdue_measures_show_on_the_caseload_and_reminders_go_once(
        clinician, patient):
    patient.email = "robin@example.org"
    patient.save(update_fields=["email"])
    schedule = Schedule.objects.create(organisation=patient.organisation, patient=patient,
                                       instrument_id="phq-9", every_days=14)
    actions.submit(ctx_for(clinician), patient, "phq-9",
                   dict(zip("123456789", [0] * 9, strict=True)), mode=Mode.CLINICIAN)
    today = timezone.localdate()
    client = verified_client(clinician)
    assert b"overdue" not in client.get("/").content
    from carepath.measures import due
    later = due.due_for([patient], {}, today=today + timedelta(days=14))[patient.pk][0]
    assert later.state == "due"
    much_later = due.due_for([patient], {}, today=today + timedelta(days=18))[patient.pk][0]
    assert much_later.state == "overdue"
    assert tasks.remind_due(today=today + timedelta(days=15)) == 1
    assert tasks.remind_due(today=today + timedelta(days=16)) == 0  # same due date
    assert Reminder.objects.filter(schedule=schedule).count() == 1
    assert "robin@example.org" in mail.outbox[-1].to


def test_a_programme_schedule_applies_to_patients_at_that_level(clinician, patient):
    from carepath.patients import actions as patient_actions
    patient_actions.open_episode(ctx_for(clinician), patient, reason="Referral",
                                 level_of_care="outpatient")
    Schedule.objects.create(organisation=patient.organisation, level_of_care="outpatient",
                            instrument_id="gad-7", every_days=7)
    page = verified_client(clinician).get("/")
    assert b"GAD-7" in page.content and b">due<" in page.content


def test_a_refused_schedule_keeps_what_was_chosen(clinician, patient):
    client = verified_client(clinician)
    client.post(f"/patients/{patient.uuid}/measures/schedules/",
                {"instrument": "gad-7", "every_days": "400"})
    page = client.get(f"/patients/{patient.uuid}/measures/")
    assert b"between 1 and 365" in page.content
    assert b'value="400"' in page.content
    assert b'<option value="gad-7" selected>' in page.content
    assert not Schedule.objects.exists()
