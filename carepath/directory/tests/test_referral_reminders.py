"""The 30-day status-check reminder: once per check date, one email per referrer,
no health data in it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.directory import tasks
from carepath.directory.actions_referrals import change_referral_status
from carepath.directory.models import Referral

from .test_referral_support import make_service, refer

pytestmark = pytest.mark.django_db


def _overdue(referral, days=1):
    Referral.objects.filter(pk=referral.pk).update(
        check_due_at=timezone.now() - timedelta(days=days))
    referral.refresh_from_db()
    return referral


def test_one_email_per_referrer_once_however_often_the_task_runs(clinician, make_patient):
    patients = [make_patient() for _ in range(3)]
    service = make_service(name="Lantern House")
    due = [_overdue(refer(clinician, p, service=service)) for p in patients[:2]]
    refer(clinician, patients[2], service=service)  # not yet due
    mail.outbox.clear()
    assert tasks.remind_referral_checks() == 1
    assert tasks.remind_referral_checks() == 0  # run twice: nothing more
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [clinician.email]
    assert "2 referrals you made are due a status check" in message.body
    assert "/directory/referrals/?due=1" in message.body
    for p in patients:  # no names, no service: the link leads to the signed-in list
        assert p.legal_family_name not in message.body + message.subject
    assert "Lantern House" not in message.body
    assert all(Referral.objects.get(pk=r.pk).reminder_sent_at is not None for r in due)
    event = AuditEvent.objects.get(action="notify", object_type="directory.referral")
    assert sorted(event.details["referrals"]) == sorted(str(r.uuid) for r in due)


def test_the_task_runs_through_the_tasks_api(clinician, patient):
    _overdue(refer(clinician, patient))
    mail.outbox.clear()
    assert tasks.send_referral_check_reminders.call() == 1
    assert tasks.send_referral_check_reminders.call() == 0
    assert len(mail.outbox) == 1


def test_closed_referrals_are_not_reminded(clinician, patient):
    referral = refer(clinician, patient)
    change_referral_status(ctx_for(clinician), referral, "declined")
    _overdue(referral)
    mail.outbox.clear()
    assert tasks.remind_referral_checks() == 0 and mail.outbox == []


def test_a_status_change_arms_the_reminder_again(clinician, patient):
    referral = _overdue(refer(clinician, patient))
    assert tasks.remind_referral_checks() == 1
    referral = change_referral_status(ctx_for(clinician), referral, "acknowledged")
    assert referral.reminder_sent_at is None
    assert tasks.remind_referral_checks() == 0  # next check is 30 days on
    _overdue(referral)
    assert tasks.remind_referral_checks() == 1


def test_a_referrer_who_has_left_is_covered_by_their_supervisor(clinician, supervisor, patient):
    _overdue(refer(clinician, patient))
    clinician.is_active = False
    clinician.save(update_fields=["is_active"])
    mail.outbox.clear()
    assert tasks.remind_referral_checks() == 1
    assert mail.outbox[0].to == [supervisor.email]


def test_nobody_to_email_leaves_it_on_the_overdue_list_and_unclaimed(make_user):
    advisor = make_user(Role.INTAKE_ADVISOR)
    referral = _overdue(refer(advisor, None))
    advisor.email = ""
    advisor.save(update_fields=["email"])
    assert tasks.remind_referral_checks() == 0
    assert Referral.objects.get(pk=referral.pk).reminder_sent_at is None


def test_the_command_reports_how_many_were_sent(clinician, patient, capsys):
    _overdue(refer(clinician, patient))
    call_command("remind_referrals")
    assert "Sent 1 reminder(s)." in capsys.readouterr().out
