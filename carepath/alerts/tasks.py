"""Background work for alerts. Each task is idempotent: running it twice sends nothing
twice (Notification rows are unique per alert, stage, recipient and channel)."""

from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse

from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.notify import send_email

from . import actions, recipients
from .models import Alert, Notification

SUBJECT = {
    Notification.Stage.RAISED: "CarePath: an urgent alert needs acknowledging",
    Notification.Stage.ESCALATED: "CarePath: an urgent alert is still unacknowledged",
}


def _link(alert: Alert) -> str:
    from django.conf import settings

    return settings.CAREPATH_BASE_URL + reverse(
        "alerts:detail", kwargs={"patient_id": alert.patient.uuid, "alert_id": alert.uuid})


def _body(alert: Alert, stage: str) -> str:
    # No names, flags or scores: only that something needs a clinician, and where.
    lead = ("An urgent alert was raised for a patient on your caseload."
            if stage == Notification.Stage.RAISED else
            "An urgent alert for a patient in your team has not been acknowledged in time.")
    return f"{lead}\n\nSign in to CarePath to see it and record what you did:\n{_link(alert)}\n"


def deliver(alert_uuid: str, stage: str) -> int:
    alert = Alert.objects.select_related("patient").get(uuid=alert_uuid)
    if not alert.is_open:
        return 0  # acknowledged before the message went: nobody needs telling
    people = (recipients.care_team(alert) if stage == Notification.Stage.RAISED
              else recipients.supervisors(alert))
    sent = 0
    for person in people:
        if not person.email:
            continue
        try:
            with transaction.atomic():
                Notification.objects.create(alert=alert, stage=stage, recipient=person)
        except IntegrityError:
            continue  # already sent on an earlier run
        send_email(person.email, SUBJECT[stage], _body(alert, stage))
        audit.record(audit.Context.system("alert notification"), Action.NOTIFY,
                     patient=alert.patient, obj=alert,
                     details={"stage": stage, "channel": "email", "recipient": person.username})
        sent += 1
    return sent


@task
def notify_alert(alert_uuid: str, stage: str) -> int:
    return deliver(alert_uuid, stage)


@task
def escalate_alert(alert_uuid: str) -> bool:
    return actions.escalate(alert_uuid)
