"""The reminder job for the daily check-in: at the chosen time, only without a check-in
today, never in quiet hours (also across midnight), never to someone opted out, never
twice, no health data in the message, people selected in bulk."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carepath.notify.sms import MemorySmsBackend
from carepath.recovery import reminders
from carepath.recovery.models import (
    CheckIn,
    RecoveryProfile,
    ReminderKind,
    ReminderSend,
    ReminderStatus,
)
from carepath.recovery.profiles import profile_for
from carepath.recovery.reminders import in_quiet_hours, send_due

from .test_aftercare_support import assert_no_health_words, link_account, sign_discharge

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(hour, minute=0, days=0):
    """A moment on today's (or a nearby) date, on the organisation's clock."""
    day = timezone.localdate(timezone=LONDON) + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def person(patient, make_user):
    user = link_account(patient, make_user)
    profile_for(patient)  # defaults: 19:00 by email, quiet 22:00-08:00
    return user


@pytest.fixture
def sms_outbox(settings):
    settings.CAREPATH_SMS_BACKEND = "carepath.notify.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    yield MemorySmsBackend.outbox
    MemorySmsBackend.outbox.clear()


def _profile(patient, **fields):
    RecoveryProfile.objects.filter(patient=patient).update(**fields)


@pytest.mark.parametrize(("moment", "start", "end", "quiet"), [
    (time(23, 0), time(22, 0), time(8, 0), True),
    (time(2, 0), time(22, 0), time(8, 0), True),
    (time(7, 59), time(22, 0), time(8, 0), True),
    (time(8, 0), time(22, 0), time(8, 0), False),
    (time(21, 59), time(22, 0), time(8, 0), False),
    (time(13, 30), time(13, 0), time(14, 0), True),
    (time(14, 0), time(13, 0), time(14, 0), False),
    (time(3, 0), time(9, 0), time(9, 0), False),
])
def test_quiet_hours_including_across_midnight(moment, start, end, quiet):
    assert in_quiet_hours(moment, start, end) is quiet


def test_the_reminder_goes_at_the_chosen_time_and_not_before(person, patient, mailoutbox):
    assert send_due(at(18, 59)).sent == 0
    assert mailoutbox == []
    assert send_due(at(19, 5)).sent == 1
    assert [m.to for m in mailoutbox] == [[person.email]]
    row = ReminderSend.objects.get(patient=patient)
    assert (row.kind, row.reference, row.status, row.channel) == (
        ReminderKind.CHECKIN, at(19).date().isoformat(), ReminderStatus.SENT, "email")


def test_a_later_chosen_time_waits_for_it(person, patient, mailoutbox):
    _profile(patient, reminder_time=time(20, 30))
    assert send_due(at(20, 15)).sent == 0
    assert send_due(at(20, 30)).sent == 1


def test_running_the_job_twice_sends_nothing_twice(person, patient, mailoutbox):
    assert send_due(at(19, 5)).sent == 1
    assert list(reminders.checkin_candidates(at(19, 20))) == []  # settled: not selected
    assert send_due(at(19, 20)).sent == 0
    call_command("send_reminders")  # the cron entry point, at the real time
    assert len(mailoutbox) == 1
    assert ReminderSend.objects.filter(patient=patient, kind=ReminderKind.CHECKIN,
                                       status=ReminderStatus.SENT).count() == 1
    assert send_due(at(19, 35)).sent == 0


def test_no_reminder_after_a_check_in_today(person, patient, mailoutbox):
    CheckIn.objects.create(organisation_id=patient.organisation_id, patient=patient,
                           checkin_date=at(12).date(), craving=2, mood=6,
                           used_ketamine=False, entered_by=person)
    assert send_due(at(19, 5)).sent == 0
    assert mailoutbox == [] and not ReminderSend.objects.exists()


def test_a_reminder_in_quiet_hours_across_midnight_waits_until_they_end(person, patient,
                                                                       mailoutbox):
    # Chosen before the quiet hours were widened: 07:00, quiet 22:00-08:00.
    _profile(patient, reminder_time=time(7, 0), quiet_start=time(22, 0), quiet_end=time(8, 0))
    result = send_due(at(7, 30))
    assert result.sent == 0 and result.counts[ReminderStatus.QUIET_HOURS] == 1
    assert mailoutbox == []
    assert ReminderSend.objects.get(patient=patient).status == ReminderStatus.QUIET_HOURS
    assert send_due(at(7, 45)).counts[ReminderStatus.QUIET_HOURS] == 0  # held once
    assert send_due(at(8, 5)).sent == 1
    assert len(mailoutbox) == 1
    assert ReminderSend.objects.get(patient=patient).status == ReminderStatus.SENT
    assert send_due(at(8, 20)).sent == 0


def test_a_held_reminder_no_longer_relevant_is_not_sent(person, patient, mailoutbox):
    _profile(patient, reminder_time=time(7, 0))
    send_due(at(7, 30))
    CheckIn.objects.create(organisation_id=patient.organisation_id, patient=patient,
                           checkin_date=at(7).date(), craving=1, mood=7,
                           used_ketamine=False, entered_by=person)
    assert send_due(at(8, 5)).sent == 0
    assert mailoutbox == []


def test_opted_out_nothing_is_sent_and_it_is_logged_once(person, patient, mailoutbox):
    _profile(patient, reminders_opted_out_at=timezone.now())
    assert send_due(at(19, 5)).counts[ReminderStatus.OPTED_OUT] == 1
    assert send_due(at(19, 20)).counts[ReminderStatus.OPTED_OUT] == 0
    assert mailoutbox == []
    assert list(ReminderSend.objects.values_list("status", flat=True)) == [
        ReminderStatus.OPTED_OUT]


def test_text_messages_go_through_the_sms_backend(person, patient, sms_outbox, mailoutbox):
    patient.phone = "07700 900123"
    patient.save(update_fields=["phone"])
    _profile(patient, reminder_channel="sms")
    assert send_due(at(19, 5)).sent == 1
    assert [to for to, _ in sms_outbox] == ["07700 900123"] and mailoutbox == []
    assert ReminderSend.objects.get(patient=patient).channel == "sms"


def test_no_address_is_logged_not_sent(person, patient, sms_outbox):
    _profile(patient, reminder_channel="sms")  # no phone number on the record
    assert send_due(at(19, 5)).counts[ReminderStatus.NO_ADDRESS] == 1
    assert sms_outbox == []


def test_a_failed_send_is_logged_and_not_retried(person, patient, monkeypatch):
    from carepath.recovery import reminder_channels

    def broken(address, message):
        raise ConnectionError("gateway down")

    monkeypatch.setattr(reminder_channels.CHANNELS["email"], "send", broken)
    assert send_due(at(19, 5)).counts[ReminderStatus.FAILED] == 1
    assert send_due(at(19, 20)).counts[ReminderStatus.FAILED] == 0
    assert ReminderSend.objects.get(patient=patient).status == ReminderStatus.FAILED


def test_the_message_carries_no_health_data(person, patient, mailoutbox, sms_outbox):
    send_due(at(19, 5))
    email = mailoutbox[0]
    assert_no_health_words(email.subject + email.body, patient.legal_family_name)
    assert "http://127.0.0.1:8000/my/" in email.body
    text = reminders.message().text
    assert_no_health_words(text)
    assert text.endswith("/my/")


def test_people_without_a_portal_account_or_who_died_get_none(clinician, patient,
                                                               make_patient, make_user,
                                                               mailoutbox):
    profile_for(patient)  # no account linked
    other = make_patient()
    link_account(other, make_user, email="other@example.org")
    profile_for(other)
    sign_discharge(other, clinician, reason="died")
    assert send_due(at(19, 5)).sent == 0
    assert mailoutbox == [] and not ReminderSend.objects.exists()


def _people(count, make_patient, make_user):
    for n in range(count):
        patient = make_patient()
        link_account(patient, make_user, email=f"p{n}@example.org")
        profile_for(patient)


def _selects(moment) -> int:
    with CaptureQueriesContext(connection) as queries:
        send_due(moment)
    return sum(1 for q in queries.captured_queries
               if q["sql"].lstrip().upper().startswith("SELECT"))


def test_due_people_are_selected_in_bulk_not_one_query_each(make_patient, make_user,
                                                            mailoutbox):
    _people(2, make_patient, make_user)
    few = _selects(at(19, 5))
    _people(12, make_patient, make_user)
    many = _selects(at(19, 5, days=1))
    assert len(mailoutbox) == 2 + 14
    assert many == few
