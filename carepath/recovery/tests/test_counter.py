"""The days-of-recovery counter: known cases, and a bounded number of queries."""

from datetime import date, timedelta

import pytest

from carepath.recovery.counter import RUN_CHUNK, RecoveryCount, recovery_count
from carepath.recovery.models import CheckIn

from .checkin_support import with_portal_account

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 20)


@pytest.fixture
def me(patient, make_user):
    return with_portal_account(patient, make_user)


def on(patient, day: date, *, used=False):
    return CheckIn(organisation_id=patient.organisation_id, patient=patient, checkin_date=day,
                   craving=2, mood=6, used_ketamine=used,
                   entered_by=patient.user or patient.care_team.first().user)


def days(patient, first: date, last: date, *, used=False):
    rows, day = [], first
    while day <= last:
        rows.append(on(patient, day, used=used))
        day += timedelta(days=1)
    CheckIn.objects.bulk_create(rows)


def test_nothing_reported_counts_nothing(me):
    assert recovery_count(me, TODAY) == RecoveryCount(0, 20, 0, 0, None)


def test_a_lapse_does_not_zero_the_months_earlier_days(me):
    days(me, date(2026, 3, 1), date(2026, 3, 19))
    CheckIn.objects.bulk_create([on(me, TODAY, used=True)])
    count = recovery_count(me, TODAY)
    assert (count.this_month, count.month_days, count.all_time) == (19, 20, 19)
    assert count.current_run == 0 and count.last_use_on == TODAY


def test_a_day_with_any_check_in_reporting_use_is_not_a_recovery_day(me):
    CheckIn.objects.bulk_create([on(me, date(2026, 3, 18)),
                                 on(me, date(2026, 3, 18), used=True),
                                 on(me, date(2026, 3, 19)), on(me, date(2026, 3, 19))])
    count = recovery_count(me, TODAY)
    assert (count.this_month, count.all_time) == (1, 1)  # the 19th, counted once
    assert count.last_use_on == date(2026, 3, 18)
    assert count.current_run == 1  # the 19th; today not checked in yet


def test_days_without_a_check_in_are_not_counted(me):
    CheckIn.objects.bulk_create([on(me, date(2026, 3, 2)), on(me, date(2026, 3, 9))])
    count = recovery_count(me, TODAY)
    assert (count.this_month, count.all_time, count.current_run) == (2, 2, 0)


def test_earlier_months_count_all_time_but_not_this_month(me):
    days(me, date(2026, 2, 20), date(2026, 2, 28))
    days(me, date(2026, 3, 1), date(2026, 3, 3))
    count = recovery_count(me, TODAY)
    assert (count.this_month, count.all_time) == (3, 12)


def test_the_run_ends_today_and_stops_at_a_gap(me):
    days(me, date(2026, 3, 10), date(2026, 3, 14))
    days(me, date(2026, 3, 16), TODAY)  # the 15th has no check-in
    assert recovery_count(me, TODAY).current_run == 5


def test_the_run_continues_from_yesterday_before_todays_check_in(me):
    days(me, date(2026, 3, 15), date(2026, 3, 19))
    assert recovery_count(me, TODAY).current_run == 5


def test_no_run_when_the_last_check_in_was_two_days_ago(me):
    days(me, date(2026, 3, 10), date(2026, 3, 18))
    assert recovery_count(me, TODAY).current_run == 0


def test_the_run_starts_after_the_last_use(me):
    days(me, date(2026, 3, 1), date(2026, 3, 16))
    CheckIn.objects.bulk_create([on(me, date(2026, 3, 17), used=True)])
    days(me, date(2026, 3, 18), TODAY)
    count = recovery_count(me, TODAY)
    assert (count.current_run, count.this_month, count.last_use_on) == (3, 19,
                                                                        date(2026, 3, 17))


def test_a_run_longer_than_a_year_is_counted_to_its_start(me):
    start = TODAY - timedelta(days=RUN_CHUNK + 49)
    days(me, start, TODAY)
    count = recovery_count(me, TODAY)
    assert count.current_run == count.all_time == RUN_CHUNK + 50


def test_future_dated_rows_are_ignored(me):
    CheckIn.objects.bulk_create([on(me, TODAY + timedelta(days=1), used=True)])
    assert recovery_count(me, TODAY) == RecoveryCount(0, 20, 0, 0, None)


def test_another_persons_check_ins_never_count(me, make_patient):
    other = make_patient()
    CheckIn.objects.bulk_create([on(other, TODAY)])
    assert recovery_count(me, TODAY).all_time == 0
    assert recovery_count(other, TODAY).all_time == 1


def test_queries_stay_bounded_however_long_the_history(me, django_assert_max_num_queries):
    days(me, TODAY - timedelta(days=3 * 365), TODAY - timedelta(days=1))
    with django_assert_max_num_queries(2):
        count = recovery_count(me, TODAY)
    assert count.all_time == count.current_run == 3 * 365
