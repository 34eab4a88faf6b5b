"""Each risk rule on known cases, positive and negative, through the nightly scan."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from carepath.recovery import risk_rules as rules
from carepath.recovery.models import RiskSignal
from carepath.recovery.scan import scan_all
from carepath.treatment.models import OutreachTask, OutreachUrgency

from .risk_support import TODAY, bam, checkin, checkins, phq9, profile

pytestmark = pytest.mark.django_db


def signals(patient, rule=None):
    found = RiskSignal.objects.filter(patient=patient)
    return list(found.filter(rule=rule) if rule else found)


# --- rising craving ------------------------------------------------------------------

def test_craving_2_2_2_then_6_5_6_fires_with_both_means_in_the_explanation(patient):
    checkins(patient, [2, 2, 2, 6, 5, 6])
    scan_all(TODAY)
    [signal] = signals(patient, rules.RISING_CRAVING)
    assert signal.urgency == OutreachUrgency.SOON
    assert "from a 3-day average of 2 " in signal.explanation
    assert "to 5.7" in signal.explanation and "up 3.7 points" in signal.explanation
    assert "not a validated scale" in signal.explanation
    assert signal.key == TODAY.isoformat()


def test_craving_2_3_2_then_4_4_4_does_not_fire(patient):
    checkins(patient, [2, 3, 2, 4, 4, 4])  # up 1.67
    scan_all(TODAY)
    assert signals(patient, rules.RISING_CRAVING) == []


def test_craving_rise_of_exactly_the_threshold_fires(patient):
    checkins(patient, [2, 2, 2, 5, 5, 5])
    scan_all(TODAY)
    assert len(signals(patient, rules.RISING_CRAVING)) == 1


def test_craving_needs_a_check_in_in_both_windows(patient, make_patient):
    checkins(patient, [None, None, None, 9, 9, 9])  # nothing in the previous window
    other = make_patient()
    checkins(other, [1, 1, 1, None, None, None], today=TODAY - timedelta(days=3))
    scan_all(TODAY)
    assert signals(patient, rules.RISING_CRAVING) == []
    assert signals(other, rules.RISING_CRAVING) == []


def test_craving_rise_threshold_comes_from_settings(patient, make_patient, settings):
    calm = make_patient()
    checkins(patient, [2, 2, 2, 4, 4, 4])  # up 2
    checkins(calm, [2, 2, 2, 6, 5, 6])  # up 3.7
    settings.CAREPATH_CRAVING_RISE_POINTS = 2.0
    scan_all(TODAY)
    assert len(signals(patient, rules.RISING_CRAVING)) == 1
    settings.CAREPATH_CRAVING_RISE_POINTS = 4.0
    RiskSignal.objects.all().delete()
    OutreachTask.objects.all().delete()
    scan_all(TODAY)
    assert signals(calm, rules.RISING_CRAVING) == []
    assert signals(patient, rules.RISING_CRAVING) == []


def test_a_day_with_several_check_ins_counts_once(patient):
    checkins(patient, [2, 2, 2, 8, 2, 2])
    for _ in range(2):  # two more high check-ins on one day (before a risk window)
        checkin(patient, TODAY - timedelta(days=2), craving=8)
    scan_all(TODAY)
    # Days 8, 2, 2: mean 4, up 2 (by check-in it would be 5.6, up 3.6, and fire).
    assert signals(patient, rules.RISING_CRAVING) == []


def test_craving_windows_are_calendar_days_ending_today():
    assert rules.craving_windows(date(2026, 3, 10)) == (
        date(2026, 3, 5), date(2026, 3, 8), date(2026, 3, 10))


# --- reports in a check-in -------------------------------------------------------------

def test_reported_use_raises_one_signal_per_check_in(patient):
    first = checkin(patient, TODAY - timedelta(days=1), used=True)
    second = checkin(patient, TODAY, used=True)
    checkin(patient, TODAY, used=False)
    scan_all(TODAY)
    found = signals(patient, rules.REPORTED_USE)
    assert sorted(s.key for s in found) == sorted([str(first.uuid), str(second.uuid)])
    assert all(s.urgency == OutreachUrgency.SOON for s in found)
    assert "supportive" in found[0].explanation


def test_no_use_reported_no_use_signal(patient):
    checkins(patient, [3, 3, 3])
    scan_all(TODAY)
    assert signals(patient, rules.REPORTED_USE) == []


def test_blood_in_urine_raises_an_urgent_signal_that_says_an_alert_was_raised(patient):
    reported = checkin(patient, TODAY, blood=True)
    checkin(patient, TODAY - timedelta(days=1), blood=False)
    scan_all(TODAY)
    [signal] = signals(patient, rules.BLADDER_RED_FLAG)
    assert signal.key == str(reported.uuid) and signal.urgency == OutreachUrgency.URGENT
    assert "urgent alert was also raised" in signal.explanation
    assert "urological assessment" in signal.explanation
    task = OutreachTask.objects.get(uuid=signal.outreach_uuid)
    assert task.urgency == OutreachUrgency.URGENT and task.reason == "risk:bladder_red_flag"


def test_explanations_hold_no_words_the_person_wrote(patient):
    secret = "my brother's flat on Tuesday"
    for day, craving in zip(range(5, -1, -1), [1, 1, 1, 8, 8, 8], strict=True):
        checkin(patient, TODAY - timedelta(days=day), craving=craving, used=True,
                blood=True, note=secret)
    scan_all(TODAY)
    found = signals(patient)
    assert {s.rule for s in found} == {rules.RISING_CRAVING, rules.REPORTED_USE,
                                       rules.BLADDER_RED_FLAG}
    assert all(secret not in s.explanation for s in found)
    assert all(secret not in t.explanation for t in OutreachTask.objects.all())


# --- missed check-ins ----------------------------------------------------------------

def test_missed_check_ins_fires_once_the_gap_reaches_the_threshold(patient, make_patient):
    gone = make_patient()
    profile(patient, last=TODAY - timedelta(days=4))  # 3 whole days missed
    profile(gone, last=TODAY - timedelta(days=3))  # 2 days missed: not yet
    scan_all(TODAY)
    [signal] = signals(patient, rules.MISSED_CHECKINS)
    assert signal.urgency == OutreachUrgency.ROUTINE
    assert signal.key == (TODAY - timedelta(days=4)).isoformat()
    assert signal.explanation == (
        f"No check-in for 3 days (last check-in {(TODAY - timedelta(days=4)).isoformat()}).")
    assert signals(gone) == []


def test_missed_check_ins_fires_once_per_gap_and_not_again_the_next_night(patient):
    profile(patient, last=TODAY - timedelta(days=4))
    scan_all(TODAY)
    scan_all(TODAY + timedelta(days=1))
    scan_all(TODAY + timedelta(days=2))
    assert len(signals(patient, rules.MISSED_CHECKINS)) == 1
    assert OutreachTask.objects.filter(patient=patient).count() == 1


def test_a_new_gap_after_a_check_in_is_a_new_signal(patient):
    profile(patient, last=TODAY - timedelta(days=4))
    scan_all(TODAY)
    checkin(patient, TODAY)  # back, then silent again
    scan_all(TODAY + timedelta(days=4))
    keys = sorted(s.key for s in signals(patient, rules.MISSED_CHECKINS))
    assert keys == [(TODAY - timedelta(days=4)).isoformat(), TODAY.isoformat()]


def test_a_week_of_silence_is_raised_again_soon(patient):
    last = TODAY - timedelta(days=4)
    profile(patient, last=last)
    scan_all(TODAY)
    scan_all(last + timedelta(days=8))  # 7 whole days missed
    found = sorted(signals(patient, rules.MISSED_CHECKINS), key=lambda s: s.detected_at)
    assert [s.urgency for s in found] == [OutreachUrgency.ROUTINE, OutreachUrgency.SOON]
    assert found[1].key == f"{last.isoformat()}:7"
    # More urgent than the open routine task: it gets its own task.
    assert OutreachTask.objects.filter(patient=patient, urgency=OutreachUrgency.SOON).exists()


def test_missed_threshold_comes_from_settings(patient, settings):
    settings.CAREPATH_MISSED_CHECKIN_DAYS = 5
    profile(patient, last=TODAY - timedelta(days=5))  # 4 days missed
    scan_all(TODAY)
    assert signals(patient) == []
    scan_all(TODAY + timedelta(days=1))
    [signal] = signals(patient, rules.MISSED_CHECKINS)
    assert "No check-in for 5 days" in signal.explanation


def test_patients_not_expected_to_check_in_are_not_flagged_as_missing(patient, make_patient):
    died = make_patient()
    profile(patient, last=TODAY - timedelta(days=10), expected=False)  # discharged
    profile(died, last=TODAY - timedelta(days=5), expected=False)  # deceased
    scan_all(TODAY)
    assert RiskSignal.objects.count() == 0
    assert OutreachTask.objects.count() == 0


def test_someone_who_never_checked_in_counts_from_their_portal_account(patient, make_user):
    from carepath.accounts.models import AccountType

    user = make_user("", account_type=AccountType.PATIENT)
    set_up = timezone.make_aware(datetime.combine(TODAY - timedelta(days=5), time(12)))
    type(user).objects.filter(pk=user.pk).update(date_joined=set_up)
    patient.user = user
    patient.save(update_fields=["user"])
    prof = profile(patient, last=None)
    type(prof).objects.filter(pk=prof.pk).update(created_at=set_up)
    scan_all(TODAY)
    [signal] = signals(patient, rules.MISSED_CHECKINS)
    assert signal.key == f"none:{(TODAY - timedelta(days=5)).isoformat()}"
    assert signal.explanation == (
        "No check-in for 4 days (none since the portal account was set up on "
        f"{(TODAY - timedelta(days=5)).isoformat()}).")


def test_no_portal_account_no_missed_check_in_signal(patient):
    profile(patient, last=None)
    scan_all(TODAY)
    assert signals(patient) == []


# --- BAM -------------------------------------------------------------------------------

def test_bam_risk_up_and_protective_down_by_the_threshold_fire(patient):
    profile(patient, last=TODAY)
    bam(patient, day=TODAY - timedelta(days=14), risk=6, protective=18)
    current = bam(patient, day=TODAY - timedelta(days=1), risk=9, protective=14)
    scan_all(TODAY)
    [risk] = signals(patient, rules.BAM_RISK_UP)
    [protective] = signals(patient, rules.BAM_PROTECTIVE_DOWN)
    assert risk.key == protective.key == str(current.uuid)
    assert "from 6 to 9 (+3)" in risk.explanation and "design" in risk.explanation
    assert "from 18 to 14 (-4)" in protective.explanation


def test_bam_changes_below_the_threshold_or_the_good_way_do_not_fire(patient):
    profile(patient, last=TODAY)
    bam(patient, day=TODAY - timedelta(days=14), risk=6, protective=18)
    bam(patient, day=TODAY - timedelta(days=1), risk=8, protective=16)  # +2, -2
    scan_all(TODAY)
    bam(patient, day=TODAY, risk=2, protective=24)  # better
    scan_all(TODAY + timedelta(days=1))
    assert signals(patient) == []


def test_bam_threshold_comes_from_settings(patient, settings):
    settings.CAREPATH_BAM_CHANGE_POINTS = 1
    profile(patient, last=TODAY)
    bam(patient, day=TODAY - timedelta(days=14), risk=6, protective=18)
    bam(patient, day=TODAY - timedelta(days=1), risk=7, protective=18)
    scan_all(TODAY)
    assert len(signals(patient, rules.BAM_RISK_UP)) == 1


def test_an_old_bam_change_is_not_raised_again_by_later_scans(patient):
    profile(patient, last=TODAY)
    bam(patient, day=TODAY - timedelta(days=40), risk=2, protective=20)
    bam(patient, day=TODAY - timedelta(days=30), risk=12, protective=20)  # long ago
    scan_all(TODAY)
    assert signals(patient) == []


# --- PHQ-9 ---------------------------------------------------------------------------------

def test_phq9_rise_of_6_is_a_reliable_worsening(patient):
    profile(patient, last=TODAY)
    phq9(patient, day=TODAY - timedelta(days=28), total=8)
    phq9(patient, day=TODAY - timedelta(days=1), total=14)
    scan_all(TODAY)
    [signal] = signals(patient, rules.PHQ9_RELIABLE_WORSENING)
    assert "from 8 to 14 (+6)" in signal.explanation
    assert signal.urgency == OutreachUrgency.SOON


def test_phq9_rise_of_5_or_a_fall_is_not(patient, make_patient):
    profile(patient, last=TODAY)
    phq9(patient, day=TODAY - timedelta(days=28), total=8)
    phq9(patient, day=TODAY - timedelta(days=1), total=13)
    better = make_patient()
    profile(better, last=TODAY)
    phq9(better, day=TODAY - timedelta(days=28), total=20)
    phq9(better, day=TODAY - timedelta(days=1), total=5)
    scan_all(TODAY)
    assert RiskSignal.objects.count() == 0


def test_phq9_threshold_is_the_definitions_reliable_change():
    threshold, source = rules.phq9_reliable_change()
    assert threshold == 6 and "Talking Therapies" in source


def test_phq9_uses_the_amended_score(patient):
    profile(patient, last=TODAY)
    phq9(patient, day=TODAY - timedelta(days=28), total=8)
    wrong = phq9(patient, day=TODAY - timedelta(days=2), total=9)
    phq9(patient, day=TODAY - timedelta(days=1), total=15, amends=wrong)  # corrected
    scan_all(TODAY)
    [signal] = signals(patient, rules.PHQ9_RELIABLE_WORSENING)
    assert signal.key == str(wrong.uuid)  # the original: one occurrence, amended or not
    assert "from 8 to 15" in signal.explanation


def test_measures_of_people_not_using_the_companion_are_not_scanned(patient):
    phq9(patient, day=TODAY - timedelta(days=28), total=2)
    phq9(patient, day=TODAY - timedelta(days=1), total=20)
    scan_all(TODAY)
    assert signals(patient) == []
