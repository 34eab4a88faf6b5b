"""Risk always reaches a human: an urgent flag raises an alert at once, the care team is
told, it stays open until acknowledged with a note, and it escalates when it is not."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carepath.alerts import actions, crisis, tasks
from carepath.alerts.models import Alert, Notification
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.measures import actions as measures
from carepath.measures.models import Mode

pytestmark = pytest.mark.django_db

RISK = dict(zip("123456789", [0, 0, 0, 0, 0, 0, 0, 0, 1], strict=True))


@pytest.fixture
def run_worker(monkeypatch):
    """The real worker, in batch mode. Its between-task connection check would close the
    test's connection (inside the test transaction, on PostgreSQL), so that one call is
    neutralised; claiming and running tasks are the library's own code."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run():
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    return run


@pytest.fixture
def alert(clinician, patient):
    measures.submit(ctx_for(clinician), patient, "phq-9", RISK, mode=Mode.CLINICIAN)
    return Alert.objects.get()


def test_item_9_raises_an_open_urgent_alert_with_no_worker_running(alert, patient):
    # No worker has run: the alert is already there, and its messages wait as tasks.
    assert alert.is_open and alert.severity == "urgent" and alert.flag == "suicide-risk"
    assert alert.patient == patient
    assert "item 9" in alert.summary.lower()
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # notify + escalate
    assert mail.outbox == []


def test_the_alert_is_rolled_back_with_the_response_that_raised_it(clinician, patient):
    with pytest.raises(RuntimeError), transaction.atomic():
        measures.submit(ctx_for(clinician), patient, "phq-9", RISK, mode=Mode.CLINICIAN)
        raise RuntimeError("the request failed after submitting")
    assert not Alert.objects.exists() and not DBTaskResult.objects.exists()


def test_the_alert_shows_on_the_caseload(alert, clinician):
    page = verified_client(clinician).get("/")
    assert b'data-testid="caseload-alerts"' in page.content
    assert b'data-testid="open-alerts"' in page.content


def test_the_worker_emails_the_care_team_without_health_data(alert, clinician, patient,
                                                             run_worker):
    run_worker()
    raised = [m for m in mail.outbox if clinician.email in m.to]
    assert len(raised) == 1
    body = raised[0].subject + raised[0].body
    for secret in (patient.legal_family_name, patient.legal_given_name, "PHQ", "suicide",
                   patient.mrn):
        assert secret not in body
    assert str(alert.uuid) in body  # the link to the alert, behind sign-in
    assert AuditEvent.objects.filter(action="notify", object_id=str(alert.uuid)).exists()


def test_notifications_are_never_sent_twice(alert, clinician):
    assert tasks.deliver(str(alert.uuid), "raised") == 1
    assert tasks.deliver(str(alert.uuid), "raised") == 0
    assert Notification.objects.filter(alert=alert, stage="raised").count() == 1


def test_unacknowledged_after_30_minutes_it_escalates_to_the_supervisor(alert, supervisor):
    assert actions.escalate_overdue(now=alert.raised_at + timedelta(minutes=29)) == 0
    assert actions.escalate_overdue(now=alert.raised_at + timedelta(minutes=31)) == 1
    alert.refresh_from_db()
    assert alert.escalated_at is not None and alert.is_open
    assert AuditEvent.objects.filter(action="escalate", object_id=str(alert.uuid)).exists()
    tasks.deliver(str(alert.uuid), "escalated")
    assert any(supervisor.email in m.to and "unacknowledged" in m.subject for m in mail.outbox)
    # Escalating again changes nothing.
    assert actions.escalate_overdue(now=alert.raised_at + timedelta(minutes=60)) == 0


def test_the_deferred_escalation_task_runs_when_its_time_comes(alert, supervisor, run_worker):
    Alert.objects.filter(pk=alert.pk).update(escalate_at=timezone.now() - timedelta(minutes=1))
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))  # due now
    run_worker()
    alert.refresh_from_db()
    assert alert.escalated_at is not None
    run_worker()  # the escalation enqueued the supervisors' message
    assert any(supervisor.email in m.to for m in mail.outbox)


def test_an_acknowledged_alert_does_not_escalate(alert, clinician):
    actions.acknowledge(ctx_for(clinician), alert, "Phoned the patient; C-SSRS done, low risk.")
    assert actions.escalate_overdue(now=alert.raised_at + timedelta(hours=2)) == 0


def test_acknowledging_needs_an_action_note(alert, clinician):
    with pytest.raises(ValidationError):
        actions.acknowledge(ctx_for(clinician), alert, "ok")
    alert.refresh_from_db()
    assert alert.is_open


def test_acknowledging_records_who_when_and_what(alert, clinician):
    done = actions.acknowledge(ctx_for(clinician), alert, "Phoned the patient; safety plan.")
    assert done.status == "acknowledged" and done.acknowledged_by == clinician
    event = AuditEvent.objects.get(action="acknowledge")
    assert event.object_id == str(alert.uuid) and event.actor == clinician


def test_only_the_care_team_can_acknowledge(alert, outsider):
    with pytest.raises(PermissionDenied):
        actions.acknowledge(ctx_for(outsider), alert, "Not my patient but trying anyway.")


def test_acknowledge_page_refuses_a_short_note_and_keeps_what_was_typed(alert, clinician,
                                                                          patient):
    client = verified_client(clinician)
    url = f"/patients/{patient.uuid}/alerts/{alert.uuid}/"
    refused = client.post(url, {"action_note": "ok"})
    assert refused.status_code == 400 and b"at least 10 characters" in refused.content
    assert b">ok</textarea>" in refused.content
    done = client.post(url, {"action_note": "Called; C-SSRS screener completed."})
    assert done.status_code == 302
    assert Alert.objects.get(pk=alert.pk).status == "acknowledged"


def test_with_no_supervisor_on_the_team_every_supervisor_of_the_organisation_hears(
        make_user, make_patient, org):
    lone = make_user("clinician")  # no supervisor
    patient = make_patient(by=lone)
    boss = make_user("supervisor")
    measures.submit(ctx_for(lone), patient, "phq-9", RISK, mode=Mode.CLINICIAN)
    from carepath.alerts import recipients
    assert boss in recipients.supervisors(Alert.objects.get())


def test_crisis_lines_follow_the_organisation_and_can_be_replaced(org):
    assert any("116 123" in line["contact"] for line in crisis.lines_for(org))
    org.country = "US"
    assert any("988" in line["contact"] for line in crisis.lines_for(org))
    org.crisis_lines = [{"name": "Local line", "contact": "Call 123", "href": "tel:123"}]
    assert crisis.lines_for(org)[0]["name"] == "Local line"


def test_escalated_alerts_come_first_on_the_alerts_page(clinician, make_patient):
    from carepath.alerts.views import open_alerts_for

    first_patient, second_patient = make_patient(), make_patient()
    for p in (first_patient, second_patient):
        measures.submit(ctx_for(clinician), p, "phq-9", RISK, mode=Mode.CLINICIAN)
    later = Alert.objects.get(patient=second_patient)
    actions.escalate(later.uuid, now=later.escalate_at + timedelta(minutes=1))
    assert [a.patient for a in open_alerts_for(clinician)] == [second_patient, first_patient]


def test_no_message_for_an_alert_acknowledged_before_the_worker_ran(alert, clinician):
    actions.acknowledge(ctx_for(clinician), alert, "Seen in clinic straight away.")
    assert tasks.deliver(str(alert.uuid), "raised") == 0
