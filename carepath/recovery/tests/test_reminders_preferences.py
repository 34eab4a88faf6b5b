"""The person's reminder preferences at /my/reminders/: time, channel, quiet hours, opt out
and back in, validation naming the field, the last 20 reminders shown, audited."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from carepath.audit.models import Action, AuditEvent
from carepath.conftest import verified_client
from carepath.recovery.models import RecoveryProfile, ReminderSend, ReminderStatus
from carepath.recovery.profiles import profile_for

from .test_aftercare_support import link_account, signed_in

pytestmark = pytest.mark.django_db
URL = "/my/reminders/"
GOOD = {"reminder_time": "20:30", "channel": "email", "quiet_start": "23:00",
        "quiet_end": "07:00"}


@pytest.fixture
def person(patient, make_user):
    return link_account(patient, make_user)


def _profile(patient) -> RecoveryProfile:
    return RecoveryProfile.objects.get(patient=patient)


def test_the_person_saves_time_channel_and_quiet_hours(person, patient):
    client = signed_in(person)
    page = client.get(URL).content.decode()
    assert 'data-testid="reminder-form"' in page and "Europe/London" in page
    assert client.post(URL, GOOD).status_code == 302
    profile = _profile(patient)
    assert (profile.reminder_time, profile.reminder_channel, profile.quiet_start,
            profile.quiet_end) == (time(20, 30), "email", time(23, 0), time(7, 0))
    event = AuditEvent.objects.get(object_type="recovery.recoveryprofile",
                                   action=Action.UPDATE)
    assert event.details["fields"] == ["quiet_end", "quiet_start", "reminder_time"]


def test_a_reminder_time_inside_quiet_hours_is_refused_naming_the_field(person, patient):
    response = signed_in(person).post(URL, {**GOOD, "reminder_time": "23:30",
                                            "quiet_start": "22:00", "quiet_end": "08:00"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Your reminder time (23:30) is inside your quiet hours (22:00 to 08:00)" in page
    assert 'value="23:30"' in page  # what was typed is kept
    assert _profile(patient).reminder_time == time(19, 0)


def test_text_messages_need_a_mobile_number(person, patient):
    response = signed_in(person).post(URL, {**GOOD, "channel": "sms"})
    assert response.status_code == 400
    assert "We have no mobile number for you" in response.content.decode()
    patient.phone = "07700 900456"
    patient.save(update_fields=["phone"])
    assert signed_in(person).post(URL, {**GOOD, "channel": "sms"}).status_code == 302
    assert _profile(patient).reminder_channel == "sms"


@pytest.mark.parametrize(("field", "value", "words"), [
    ("reminder_time", "", "Enter the time for your daily reminder"),
    ("reminder_time", "25:99", "Time of my daily reminder: enter a time such as 19:00"),
    ("quiet_start", "", "Enter when your quiet hours start"),
    ("channel", "pigeon", "Select a valid choice"),
])
def test_bad_input_is_refused_with_a_message(person, patient, field, value, words):
    response = signed_in(person).post(URL, {**GOOD, field: value})
    assert response.status_code == 400
    assert words in response.content.decode()


def test_opting_out_and_back_in(person, patient):
    client = signed_in(person)
    assert client.post(URL, {"opt": "out"}).status_code == 302
    assert _profile(patient).reminders_opted_out_at is not None
    page = client.get(URL).content.decode()
    assert 'data-testid="opted-out"' in page and 'data-testid="opt-in"' in page
    client.post(URL, {"opt": "in"})
    assert _profile(patient).reminders_opted_out_at is None
    changes = AuditEvent.objects.filter(object_type="recovery.recoveryprofile",
                                        action=Action.UPDATE)
    assert [e.details["opted_out"] for e in changes.order_by("seq")] == [True, False]


def test_the_last_20_sends_are_shown(person, patient):
    profile_for(patient)
    now = timezone.now()
    ReminderSend.objects.bulk_create([
        ReminderSend(organisation_id=patient.organisation_id, patient=patient, kind="checkin",
                     reference=f"2026-01-{n + 1:02d}", channel="email",
                     status=ReminderStatus.QUIET_HOURS if n == 24 else ReminderStatus.SENT,
                     sent_at=now - timedelta(days=30 - n)) for n in range(25)])
    page = signed_in(person).get(URL).content.decode()
    table = page.split('data-testid="reminder-sends"')[1]
    assert table.count("<tr>") == 20 + 1  # a header row and 20 sends
    assert "Held: quiet hours" in table


def test_the_page_is_the_persons_own_only(clinician, patient):
    assert verified_client(clinician).get(URL).status_code == 404
