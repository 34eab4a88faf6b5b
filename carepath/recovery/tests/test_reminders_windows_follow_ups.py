"""Reminders before a risk window and for a follow-up that has fallen due: once per
reference, held through quiet hours only while still relevant, no health data."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from carepath.recovery import windows
from carepath.recovery.models import (
    CheckIn,
    FollowUp,
    FollowUpStatus,
    RecoveryProfile,
    ReminderKind,
    ReminderSend,
    ReminderStatus,
    RiskWindow,
)
from carepath.recovery.profiles import profile_for
from carepath.recovery.reminders import follow_up_candidates, send_due, window_reference

from .test_aftercare_support import assert_no_health_words, link_account, sign_discharge

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(hour, minute=0, days=0):
    day = timezone.localdate(timezone=LONDON) + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def person(patient, make_user):
    user = link_account(patient, make_user)
    profile_for(patient)
    # Checked in today and tomorrow: the daily check-in reminder stays out of the way.
    for days in (0, 1):
        CheckIn.objects.create(organisation_id=patient.organisation_id, patient=patient,
                               checkin_date=at(12, days=days).date(), craving=1, mood=7,
                               used_ketamine=False, entered_by=user)
    return user


def _window(patient, starts_at, *, label="Festival weekend", hours_before=4):
    return RiskWindow.objects.create(
        organisation_id=patient.organisation_id, patient=patient, label=label,
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=8),
        remind_hours_before=hours_before)


def _window_rows(patient):
    return ReminderSend.objects.filter(patient=patient, kind=ReminderKind.RISK_WINDOW)


def test_a_risk_window_reminder_goes_once_before_it_starts(person, patient, mailoutbox):
    window = _window(patient, at(18), hours_before=4)
    assert send_due(at(13, 55)).sent == 0
    assert send_due(at(14, 5)).sent == 1
    assert send_due(at(14, 20)).sent == 0
    row = _window_rows(patient).get()
    occurrence = windows.reminders_due(at(14, 5))[0]
    assert row.reference == window_reference(occurrence) == occurrence.reference
    assert row.reference == f"{window.uuid}@{at(18).astimezone(UTC).isoformat()}"
    assert len(mailoutbox) == 1
    assert_no_health_words(mailoutbox[0].subject + mailoutbox[0].body, "Festival weekend")


def test_a_window_reminder_in_quiet_hours_is_dropped_when_the_window_has_started(
        person, patient, mailoutbox):
    _window(patient, at(2, days=1), hours_before=4)  # reminder from 22:00, quiet 22-08
    assert send_due(at(22, 15)).counts[ReminderStatus.QUIET_HOURS] == 1
    assert send_due(at(8, 10, days=1)).sent == 0  # it started at 02:00: no longer relevant
    assert mailoutbox == []
    assert _window_rows(patient).get().status == ReminderStatus.QUIET_HOURS


def test_a_window_reminder_held_in_quiet_hours_goes_when_they_end(person, patient,
                                                                  mailoutbox):
    _window(patient, at(12, days=1), hours_before=6)  # reminder from 06:00
    assert send_due(at(6, 30, days=1)).counts[ReminderStatus.QUIET_HOURS] == 1
    assert mailoutbox == []
    assert send_due(at(8, 5, days=1)).sent == 1
    assert _window_rows(patient).get().status == ReminderStatus.SENT
    assert send_due(at(8, 20, days=1)).sent == 0


def test_a_window_reminder_respects_opt_out(person, patient, mailoutbox):
    RecoveryProfile.objects.filter(patient=patient).update(
        reminders_opted_out_at=timezone.now())
    _window(patient, at(18))
    send_due(at(14, 5))
    send_due(at(14, 20))
    assert mailoutbox == []
    assert list(_window_rows(patient).values_list("status", flat=True)) == [
        ReminderStatus.OPTED_OUT]


@pytest.fixture
def due_follow_up(person, patient, clinician):
    discharge = sign_discharge(patient, clinician, days_ago=30)  # the 30-day one is due
    return FollowUp.objects.get(discharge=discharge, day_offset=30)


def test_a_follow_up_reminder_goes_at_the_chosen_time_once(due_follow_up, patient,
                                                           mailoutbox):
    assert send_due(at(18, 55)).sent == 0
    assert send_due(at(19, 5)).sent == 1
    rows = ReminderSend.objects.filter(patient=patient, kind=ReminderKind.FOLLOW_UP)
    assert rows.get().reference == due_follow_up.uuid.hex
    # Settled ones are not even selected again (the database matches the reference).
    assert list(follow_up_candidates(at(19, 20))) == []
    assert send_due(at(19, 20)).sent == 0
    assert send_due(at(19, 5, days=1)).sent == 0  # one reminder per follow-up, not daily
    assert rows.count() == 1 and len(mailoutbox) == 1
    for message in mailoutbox:
        assert_no_health_words(message.subject + message.body)


def test_no_reminder_for_an_answered_or_not_yet_due_follow_up(due_follow_up, patient,
                                                              mailoutbox):
    FollowUp.objects.filter(pk=due_follow_up.pk).update(status=FollowUpStatus.COMPLETED)
    send_due(at(19, 5))
    assert not ReminderSend.objects.filter(kind=ReminderKind.FOLLOW_UP).exists()
    # The 90-day one is scheduled but not due yet.
    assert FollowUp.objects.filter(patient=patient, status=FollowUpStatus.SCHEDULED,
                                   due_on__gt=timezone.localdate()).count() == 3
