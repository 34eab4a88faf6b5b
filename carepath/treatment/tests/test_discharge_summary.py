"""The discharge summary is drafted from the record: known data in, known lines out."""

from datetime import timedelta

from django.utils import timezone

from carepath.conftest import ctx_for
from carepath.patients import actions as patient_actions
from carepath.treatment import summary
from carepath.treatment.models import AttendanceStatus, SessionStatus
from carepath.withdrawal.models import Observation

from .test_discharge_support import (
    MET,
    NOT_MET,
    OPEN,
    attend,
    open_episode,
    plan,
    response,
    session,
)


def _day(dt):
    d = timezone.localtime(dt).date()
    return f"{d.day} {d:%b %Y}"


def test_summary_holds_dates_levels_measures_attendance_plan_and_observations(
        org, clinician, patient):
    episode = open_episode(patient, clinician, days_ago=40)
    patient_actions.change_level_of_care(ctx_for(clinician), episode,
                                         level_of_care="intensive_outpatient",
                                         reason="Stepped down")
    # Measures: PHQ-9 three times (the middle one amended), GAD-7 once; one before the
    # episode that must not count.
    response(patient, "phq-9", 22, "severe", days_ago=60)
    response(patient, "phq-9", 18, "moderately-severe", days_ago=35)
    wrong = response(patient, "phq-9", 3, "minimal", days_ago=20)
    response(patient, "phq-9", 13, "moderate", days_ago=19, amends=wrong)
    response(patient, "phq-9", 7, "mild", days_ago=2)
    response(patient, "gad-7", 9, "mild", days_ago=30)
    # Attendance: 3 present (attended, late, left early), 1 no-show, 1 cancelled place,
    # 1 place in a cancelled session, 1 not recorded: 3 of 5.
    now = timezone.now()
    for days, status in [(30, AttendanceStatus.ATTENDED), (29, AttendanceStatus.LATE),
                         (28, AttendanceStatus.LEFT_EARLY), (27, AttendanceStatus.NO_SHOW),
                         (26, AttendanceStatus.CANCELLED), (24, AttendanceStatus.EXPECTED)]:
        attend(patient, session(org, clinician, starts_at=now - timedelta(days=days)), status)
    off = session(org, clinician, starts_at=now - timedelta(days=25))
    off.status = SessionStatus.CANCELLED
    off.save()
    attend(patient, off)
    # Sessions before the episode and in the future are not counted.
    attend(patient, session(org, clinician, starts_at=now - timedelta(days=50)))
    attend(patient, session(org, clinician, starts_at=now + timedelta(days=3)))
    plan(episode, clinician, [("Ketamine-free for 28 days", MET),
                              ("Attend 3 groups a week", OPEN),
                              ("Back at work part-time", NOT_MET)])
    Observation.objects.create(patient=patient, episode=episode, taken_at=now - timedelta(days=39),
                               recorded_by=clinician, craving=5)
    Observation.objects.create(patient=patient, episode=episode, taken_at=now - timedelta(days=38),
                               recorded_by=clinician, craving=8, red_flags=["hallucinations"])
    Observation.objects.create(patient=patient, episode=episode, taken_at=now - timedelta(days=38),
                               recorded_by=clinician, entered_in_error_at=now,
                               red_flags=["spo2"])

    today = timezone.localdate()
    text = summary.draft(episode, reason="completed", discharged_on=today)

    opened = timezone.localtime(episode.opened_at).date()
    assert f"Episode of care: opened {_day(episode.opened_at)}, discharged " \
           f"{today.day} {today:%b %Y} ({(today - opened).days} days)." in text
    assert "Reason for referral: Daily ketamine use, bladder pain" in text
    assert "Reason for discharge: Completed treatment." in text
    assert f"- Residential: {_day(episode.opened_at)} to {_day(now)}" in text
    assert f"- Intensive outpatient: {_day(now)} to {today.day} {today:%b %Y}" in text
    assert ("- Patient Health Questionnaire-9 (PHQ-9): 18 (Moderately severe (15-19)) on "
            f"{_day(now - timedelta(days=35))}, then 7 (Mild (5-9)) on "
            f"{_day(now - timedelta(days=2))} (3 responses)") in text
    assert " 3 (" not in text  # the amended response is replaced by its amendment
    assert "22 (Severe" not in text  # before the episode
    assert "Generalized Anxiety Disorder" in text or "GAD-7" in text
    assert "(taken once)" in text
    assert ("Session attendance: attended 3 of 5 sessions (60%; late or left early count as "
            "attended; 2 cancelled, not counted; 1 not recorded, counted as not attended).") \
        in text
    assert "objectives: 1 met, 1 still being worked on, 1 not met." in text
    assert "- [Met] Ketamine-free for 28 days" in text
    assert "- [Not met] Back at work part-time" in text
    assert "Withdrawal observations: 2 recorded" in text
    assert "1 with a red flag." in text
    assert summary.CLINICIAN_PROMPT in text


def test_summary_of_an_empty_episode_says_what_is_missing(clinician, patient):
    episode = open_episode(patient, clinician, days_ago=3)
    text = summary.draft(episode, reason="against_advice", discharged_on=timezone.localdate())
    assert "Reason for discharge: Left against advice." in text
    assert "- none taken in this episode" in text
    assert "Session attendance: no sessions recorded in this episode." in text
    assert "Treatment plan: no plan was activated in this episode." in text
    assert "Withdrawal observations" not in text


def test_gathering_uses_a_fixed_number_of_queries(org, clinician, patient,
                                                  django_assert_max_num_queries):
    episode = open_episode(patient, clinician, days_ago=90)
    now = timezone.now()

    def add(n):
        for i in range(n):
            attend(patient, session(org, clinician, starts_at=now - timedelta(days=1 + i,
                                                                              minutes=n)))
            response(patient, "phq-9", i % 27, "mild", days_ago=1 + i)
        plan_rows = [(f"Objective {i}", OPEN) for i in range(n)]
        return plan_rows

    add(3)
    with django_assert_max_num_queries(8):
        summary.gather(episode, timezone.localdate())
    add(30)
    with django_assert_max_num_queries(8):
        facts = summary.gather(episode, timezone.localdate())
    assert facts.attendance.counted == 33
