"""From a signal to one outreach task: the open-task rule, retries, the after-check-in job,
and the audit trail."""

from datetime import timedelta

import pytest

from carepath.audit.models import AuditEvent
from carepath.audit.verify import verify_chain
from carepath.conftest import ctx_for
from carepath.recovery import risk_rules as rules
from carepath.recovery.models import RiskSignal
from carepath.recovery.scan import scan_all
from carepath.recovery.signal_outreach import record_findings
from carepath.recovery.tasks_signals import evaluate_checkin
from carepath.treatment.models import OutreachOutcome, OutreachStatus, OutreachTask
from carepath.treatment.outreach import close_outreach, raise_outreach

from .risk_support import CHECKIN, TODAY, checkin, checkins, link_portal_user, profile, today_for

pytestmark = pytest.mark.django_db


def _all_rules_for(patient, make_patient):
    """One person meeting every check-in rule, and one with a missed gap."""
    for day, craving in zip(range(5, -1, -1), [1, 1, 1, 7, 7, 7], strict=True):
        checkin(patient, TODAY - timedelta(days=day), craving=craving,
                used=day == 0, blood=day == 0)
    gone = make_patient()
    profile(gone, last=TODAY - timedelta(days=5))
    return gone


def test_each_signal_makes_exactly_one_outreach_task_showing_its_explanation(patient,
                                                                              make_patient):
    _all_rules_for(patient, make_patient)
    scan_all(TODAY)
    found = list(RiskSignal.objects.all())
    assert len(found) == 4
    for signal in found:
        [task] = OutreachTask.objects.filter(source_type="recovery.risksignal",
                                             source_uuid=signal.uuid)
        assert signal.outreach_uuid == task.uuid
        assert task.explanation == signal.explanation and task.explanation
        assert task.reason == f"risk:{signal.rule}" and task.urgency == signal.urgency
        assert task.status == OutreachStatus.OPEN and task.due_on == TODAY
    assert OutreachTask.objects.count() == 4


def test_running_the_scan_twice_raises_nothing_new(patient, make_patient):
    _all_rules_for(patient, make_patient)
    first = scan_all(TODAY)
    second = scan_all(TODAY)
    assert sum(first.new_signals.values()) == 4 and first.tasks_raised == 4
    assert sum(second.new_signals.values()) == 0 and second.tasks_raised == 0
    assert second.findings == first.findings  # the rules still hold; nothing is re-raised
    assert RiskSignal.objects.count() == 4 and OutreachTask.objects.count() == 4


def test_an_open_task_for_the_same_rule_covers_a_new_signal(patient):
    first = checkin(patient, TODAY - timedelta(days=1), used=True)
    scan_all(TODAY - timedelta(days=1))
    second = checkin(patient, TODAY, used=True)
    result = scan_all(TODAY)
    assert result.linked_to_open_tasks == 1 and result.tasks_raised == 0
    task = OutreachTask.objects.get()
    later = RiskSignal.objects.get(key=str(second.uuid))
    assert later.outreach_uuid == task.uuid  # recorded, and linked to the open task
    assert task.source_uuid == RiskSignal.objects.get(key=str(first.uuid)).uuid


def test_an_open_task_for_another_rule_does_not_cover_a_new_signal(patient):
    checkin(patient, TODAY - timedelta(days=1), used=True)
    scan_all(TODAY - timedelta(days=1))
    checkin(patient, TODAY, blood=True)
    scan_all(TODAY)
    assert sorted(OutreachTask.objects.values_list("reason", flat=True)) == [
        "risk:bladder_red_flag", "risk:reported_use"]


def test_once_the_task_is_closed_a_new_occurrence_raises_a_new_task(patient, clinician):
    checkin(patient, TODAY - timedelta(days=1), used=True)
    scan_all(TODAY - timedelta(days=1))
    close_outreach(ctx_for(clinician), OutreachTask.objects.get(), OutreachOutcome.REACHED)
    checkin(patient, TODAY, used=True)
    scan_all(TODAY)
    assert OutreachTask.objects.count() == 2
    assert OutreachTask.objects.filter(status=OutreachStatus.OPEN).count() == 1


def test_two_findings_for_one_rule_in_one_run_raise_one_task(patient):
    checkin(patient, TODAY - timedelta(days=1), used=True)
    checkin(patient, TODAY, used=True)
    result = scan_all(TODAY)
    assert result.new_signals[rules.REPORTED_USE] == 2
    assert (result.tasks_raised, result.linked_to_open_tasks) == (1, 1)
    assert {s.outreach_uuid for s in RiskSignal.objects.all()} == {
        OutreachTask.objects.get().uuid}


def test_raise_outreach_for_a_signal_finds_the_bulk_raised_task(patient):
    reported = checkin(patient, TODAY, used=True)
    scan_all(TODAY)
    signal = RiskSignal.objects.get(key=str(reported.uuid))
    again = raise_outreach(ctx_for(None), patient, reason="risk:reported_use",
                           explanation="x", source_type="recovery.risksignal",
                           source_uuid=signal.uuid)
    assert again.uuid == signal.outreach_uuid and OutreachTask.objects.count() == 1


def test_a_retried_record_of_the_same_findings_stores_nothing_twice(patient):
    finding = rules.reported_use(patient.pk, patient.organisation_id,
                                 "3f1c7a52-7a8c-4d2e-9a43-0d9bd1a0f001", TODAY)
    first = record_findings(ctx_for(None), [finding, finding], due_on=TODAY)
    second = record_findings(ctx_for(None), [finding], due_on=TODAY)
    assert (first.total, first.tasks_raised) == (1, 1)
    assert (second.total, second.tasks_raised) == (0, 0)
    assert RiskSignal.objects.count() == 1 and OutreachTask.objects.count() == 1


def test_new_signals_and_tasks_are_audited_and_the_chain_holds(patient, make_patient):
    _all_rules_for(patient, make_patient)
    scan_all(TODAY)
    for signal in RiskSignal.objects.all():
        event = AuditEvent.objects.get(object_type="recovery.risksignal",
                                       object_id=str(signal.uuid))
        assert event.action == "create" and event.patient_uuid == signal.patient.uuid
        assert event.details["rule"] == signal.rule
        assert event.actor_username == "<system>"
        assert AuditEvent.objects.filter(object_type="treatment.outreachtask",
                                         object_id=str(signal.outreach_uuid),
                                         patient_uuid=signal.patient.uuid).exists()
    assert AuditEvent.objects.filter(object_type="recovery.riskscan").count() == 1
    assert verify_chain().ok


# --- after each check-in ---------------------------------------------------------------

def test_evaluate_checkin_after_a_use_report_raises_its_signal_and_task(patient, make_user):
    from carepath.recovery.actions_checkins import submit_checkin

    link_portal_user(patient, make_user)
    made, _ = submit_checkin(ctx_for(patient.user), patient, {**CHECKIN, "used_ketamine": True})
    assert evaluate_checkin.call(str(made.uuid)) == 1
    signal = RiskSignal.objects.get(patient=patient)
    assert (signal.rule, signal.key) == (rules.REPORTED_USE, str(made.uuid))
    task = OutreachTask.objects.get(uuid=signal.outreach_uuid)
    assert task.due_on == today_for(patient)
    # The nightly scan that follows finds it already signalled.
    assert sum(scan_all(today_for(patient)).new_signals.values()) == 0
    assert evaluate_checkin.call(str(made.uuid)) == 0
    assert OutreachTask.objects.count() == 1


def test_evaluate_checkin_finds_rising_craving_for_that_person(patient, make_patient):
    today = today_for(patient)
    checkins(patient, [1, 1, 1, 6, 6, 6], today=today)
    bystander = make_patient()
    checkins(bystander, [1, 1, 1, 6, 6, 6], today=today)
    latest = checkin(patient, today, craving=6)
    assert evaluate_checkin.call(str(latest.uuid)) == 1
    assert RiskSignal.objects.get().patient_id == patient.pk
    assert not RiskSignal.objects.filter(patient=bystander).exists()


def test_evaluate_checkin_reports_even_if_not_expected_to_check_in(patient):
    profile(patient, expected=False)
    reported = checkin(patient, today_for(patient), blood=True)
    assert evaluate_checkin.call(str(reported.uuid)) == 1


def test_evaluate_checkin_of_an_unknown_check_in_does_nothing(db):
    assert evaluate_checkin.call("00000000-0000-4000-8000-000000000000") == 0
    assert RiskSignal.objects.count() == 0


def test_submitting_a_check_in_queues_its_evaluation(patient, make_user,
                                                    django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    from carepath.recovery.actions_checkins import submit_checkin

    link_portal_user(patient, make_user)
    with django_capture_on_commit_callbacks(execute=True):
        made, _ = submit_checkin(ctx_for(patient.user), patient,
                                 {**CHECKIN, "used_ketamine": True})
    queued = DBTaskResult.objects.filter(task_path__endswith="evaluate_checkin")
    assert [r.args_kwargs["args"] for r in queued] == [[str(made.uuid)]]


def test_a_lost_race_never_leaves_a_signal_without_its_task(patient, clinician, monkeypatch):
    from carepath.recovery import signal_outreach

    first = rules.reported_use(patient.pk, patient.organisation_id,
                               "3f1c7a52-7a8c-4d2e-9a43-0d9bd1a0f002", TODAY)
    second = rules.reported_use(patient.pk, patient.organisation_id,
                                "3f1c7a52-7a8c-4d2e-9a43-0d9bd1a0f003", TODAY)
    record_findings(ctx_for(None), [first], due_on=TODAY)  # the other run, which won
    close_outreach(ctx_for(clinician), OutreachTask.objects.get(), OutreachOutcome.REACHED)
    # This run checked before the other stored ``first``: it plans a task for ``first``
    # and links ``second`` to it, then loses ``first`` at insert.
    monkeypatch.setattr(signal_outreach, "_already_signalled", lambda occurrences: set())
    result = record_findings(ctx_for(None), [first, second], due_on=TODAY)
    assert (result.total, result.tasks_raised, result.linked_to_open_tasks) == (1, 1, 0)
    stored = RiskSignal.objects.get(key=second.key)
    assert OutreachTask.objects.get(uuid=stored.outreach_uuid).source_uuid == stored.uuid
    assert RiskSignal.objects.count() == 2 and OutreachTask.objects.count() == 2
