"""The nightly scan: constant queries whatever the population, its run record, catching up
after missed nights, organisations' own dates, and the command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carepath.recovery import risk_rules as rules
from carepath.recovery.models import RiskSignal
from carepath.recovery.models.scan_runs import RiskScanRun
from carepath.recovery.scan import _day_groups, catch_up_days, scan_all
from carepath.treatment.models import OutreachTask

from .risk_support import TODAY, bam, checkin, phq9, profile

pytestmark = pytest.mark.django_db


def _population(make_patient, count: int) -> None:
    """Every rule met somewhere, in the same proportions whatever ``count``."""
    for n in range(count):
        patient = make_patient()
        kind = n % 5
        if kind == 0:  # rising craving and a use report
            for day, craving in zip(range(5, -1, -1), [1, 1, 1, 7, 7, 7], strict=True):
                checkin(patient, TODAY - timedelta(days=day), craving=craving,
                        used=day == 0)
        elif kind == 1:  # silent for 4 days
            profile(patient, last=TODAY - timedelta(days=5))
        elif kind == 2:  # blood in urine, BAM worse
            checkin(patient, TODAY, blood=True)
            bam(patient, day=TODAY - timedelta(days=10), risk=4, protective=20)
            bam(patient, day=TODAY - timedelta(days=1), risk=10, protective=12)
        elif kind == 3:  # PHQ-9 worse
            profile(patient, last=TODAY)
            phq9(patient, day=TODAY - timedelta(days=20), total=5)
            phq9(patient, day=TODAY - timedelta(days=1), total=15)
        else:  # steady
            for day in range(6):
                checkin(patient, TODAY - timedelta(days=day), craving=3)


def _scan_queries() -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = scan_all(TODAY)
    return len(queries), result


def test_scan_query_count_is_the_same_for_5_and_50_patients(make_patient):
    _population(make_patient, 5)
    small, small_result = _scan_queries()
    RiskSignal.objects.all().delete()
    OutreachTask.objects.all().delete()
    RiskScanRun.objects.all().delete()
    _population(make_patient, 45)
    large, large_result = _scan_queries()
    assert sum(large_result.new_signals.values()) == 10 * sum(
        small_result.new_signals.values())
    assert all(n > 0 for n in small_result.new_signals.values())
    assert large == small


def test_every_rule_is_counted_in_the_result(make_patient):
    _population(make_patient, 5)
    result = scan_all(TODAY)
    assert set(result.new_signals) == set(rules.RULES)
    assert result.new_signals == {rules.RISING_CRAVING: 1, rules.REPORTED_USE: 1,
                                  rules.MISSED_CHECKINS: 1, rules.BLADDER_RED_FLAG: 1,
                                  rules.BAM_RISK_UP: 1, rules.BAM_PROTECTIVE_DOWN: 1,
                                  rules.PHQ9_RELIABLE_WORSENING: 1}
    assert result.tasks_raised == 7


def test_a_scan_records_its_run(make_patient):
    _population(make_patient, 5)
    scan_all(TODAY)
    run = RiskScanRun.objects.get()
    assert run.scan_date == TODAY and run.finished_at is not None
    assert run.tasks_raised == 7 and run.new_signals[rules.MISSED_CHECKINS] == 1


def test_after_missed_nights_the_scan_looks_back_to_the_last_one(patient):
    RiskScanRun.objects.create(scan_date=TODAY - timedelta(days=5),
                               finished_at=timezone.now())
    reported = checkin(patient, TODAY - timedelta(days=4), used=True)  # never scanned
    scan_all(TODAY)
    assert RiskSignal.objects.filter(key=str(reported.uuid)).exists()


def test_catch_up_is_at_least_two_days_and_at_most_thirty():
    last = RiskScanRun(scan_date=TODAY - timedelta(days=1))
    assert catch_up_days(TODAY, last) == 2
    last.scan_date = TODAY - timedelta(days=90)
    assert catch_up_days(TODAY, last) == 30
    assert catch_up_days(TODAY, None) == 7


def test_a_backdated_use_report_sent_today_is_scanned(patient):
    from datetime import datetime, time

    sent_today = timezone.make_aware(datetime.combine(TODAY, time(8)))
    reported = checkin(patient, TODAY - timedelta(days=6), used=True, submitted_at=sent_today)
    RiskScanRun.objects.create(scan_date=TODAY - timedelta(days=1),
                               finished_at=timezone.now())
    scan_all(TODAY)
    assert RiskSignal.objects.filter(key=str(reported.uuid)).exists()


def test_organisations_are_scanned_on_their_own_local_date(org, other_org):
    org.time_zone, other_org.time_zone = "Pacific/Kiritimati", "Pacific/Pago_Pago"  # +14, -11
    zones = {org.pk: org.time_zone, other_org.pk: other_org.time_zone}
    groups = _day_groups(zones, None)
    assert len(groups) == 2
    assert {tuple(ids) for _, ids in groups} == {(org.pk,), (other_org.pk,)}
    assert _day_groups({org.pk: "Europe/London"}, None)[0][1] is None  # one date: no filter
    assert _day_groups(zones, TODAY) == [(TODAY, None)]


def test_a_missed_gap_is_judged_on_the_organisations_date(patient, other_org, make_patient):
    from carepath.patients.models import Patient

    Patient.objects.filter(pk=patient.pk).update(organisation=other_org)
    other_org.time_zone = "Pacific/Kiritimati"
    other_org.save(update_fields=["time_zone"])
    patient.refresh_from_db()
    from carepath.recovery.scan import local_today

    kiritimati_today = local_today("Pacific/Kiritimati")
    profile(patient, last=kiritimati_today - timedelta(days=4))
    london = make_patient()  # on the default organisation, Europe/London
    profile(london, last=local_today("Europe/London") - timedelta(days=3))
    scan_all()
    assert RiskSignal.objects.filter(patient=patient, rule=rules.MISSED_CHECKINS).exists()
    assert not RiskSignal.objects.filter(patient=london).exists()


def test_the_command_runs_the_scan_and_prints_counts(patient):
    checkin(patient, TODAY, used=True)
    out = StringIO()
    call_command("recovery_scan", "--date", TODAY.isoformat(), stdout=out)
    assert "reported_use 1" in out.getvalue() and "1 outreach task(s) raised" in out.getvalue()
    out = StringIO()
    call_command("recovery_scan", "--date", TODAY.isoformat(), "--json", stdout=out)
    assert '"reported_use": 0' in out.getvalue()


def test_the_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("recovery_scan", "--date", "10/03/2026")
    with pytest.raises(CommandError, match="future"):
        call_command("recovery_scan", "--date",
                     (timezone.localdate() + timedelta(days=5)).isoformat())


def test_the_check_fails_when_no_scan_finished_in_36_hours(db):
    with pytest.raises(CommandError, match="ever finished"):
        call_command("recovery_scan", "--check")
    RiskScanRun.objects.create(scan_date=TODAY, started_at=timezone.now() - timedelta(days=2),
                               finished_at=timezone.now() - timedelta(hours=40))
    with pytest.raises(CommandError, match="stopped"):
        call_command("recovery_scan", "--check")
    RiskScanRun.objects.create(scan_date=TODAY, finished_at=timezone.now())
    out = StringIO()
    call_command("recovery_scan", "--check", stdout=out)
    assert "Last risk scan finished" in out.getvalue()
