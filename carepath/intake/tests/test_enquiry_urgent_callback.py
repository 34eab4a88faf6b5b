"""A risk-flagged callback request reaches a human: an email to the organisation's intake
advisors and supervisors, queued with the enquiry, with a link and no health data."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.intake import actions_enquiries as actions
from carepath.intake import tasks
from carepath.intake.models import EnquiryNotification, Stage

from .test_pipeline_fixtures import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_worker(monkeypatch):
    """The real worker in batch mode (its connection check is neutralised, as in alerts)."""
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    return lambda: call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload",
                                verbosity=0)


@pytest.fixture
def risky(make_enquiry):
    return make_enquiry(source="callback", given_name="Jordan", family_name="Blake",
                        phone="07700 900777", summary="Thinking of ending it",
                        risk_flagged=True,
                        selfcheck_summary={"suggests": "harmful use", "bladder": True})


def test_a_risk_flagged_callback_queues_an_email_and_an_escalation_with_the_enquiry(risky):
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # notify + escalate
    assert mail.outbox == []  # nothing sent until a worker runs


def test_the_worker_emails_advisors_and_supervisors_a_link_and_no_health_data(
        risky, advisor, supervisor, clinician, make_user, other_org, run_worker):
    elsewhere = make_user(Role.INTAKE_ADVISOR, organisation=other_org)
    run_worker()
    recipients = {m.to[0] for m in mail.outbox}
    assert recipients == {advisor.email, supervisor.email}
    assert clinician.email not in recipients and elsewhere.email not in recipients
    message = mail.outbox[0]
    assert "urgent" in message.subject.lower()
    assert f"/intake/enquiries/{risky.uuid}/" in message.body
    for health_data in ("Jordan", "Blake", "07700", "ending", "bladder", "harmful", "ketamine"):
        assert health_data not in message.body and health_data not in message.subject
    assert AuditEvent.objects.filter(action="notify", object_id=str(risky.uuid)).count() == 2


def test_running_the_task_twice_tells_nobody_twice(risky, advisor, supervisor):
    assert tasks.deliver_urgent_callback(str(risky.uuid)) == 2
    assert tasks.deliver_urgent_callback(str(risky.uuid)) == 0
    assert len(mail.outbox) == 2 and EnquiryNotification.objects.count() == 2


def test_still_new_when_the_escalation_is_due_tells_the_supervisors_again(
        risky, advisor, supervisor, run_worker):
    run_worker()
    DBTaskResult.objects.update(run_after=timezone.now() - timedelta(seconds=1))  # due now
    run_worker()
    escalations = [m for m in mail.outbox if "still waiting" in m.subject]
    assert [m.to[0] for m in escalations] == [supervisor.email]
    assert "Jordan" not in escalations[0].body
    assert AuditEvent.objects.filter(action="notify", details__stage="escalated").count() == 1


def test_no_escalation_once_someone_recorded_contact(risky, advisor, supervisor):
    actions.change_stage(ctx_for(advisor), risky, Stage.CONTACTED, note="Spoke to them")
    assert tasks.deliver(str(risky.uuid), "escalated") == 0
    assert mail.outbox == []


def test_a_callback_without_a_risk_flag_sends_nothing(make_enquiry):
    make_enquiry(source="callback")
    assert not DBTaskResult.objects.exists()


def test_an_advisor_logging_a_risky_phone_call_is_not_emailed(make_enquiry):
    make_enquiry(source="phone", risk_flagged=True)  # they are on the phone with the person
    assert not DBTaskResult.objects.exists()
