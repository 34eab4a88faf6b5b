"""Background work for the intake pipeline: a risk-flagged callback request reaches a
human. The organisation's intake advisors and supervisors are emailed at once; if the
enquiry is still new (nobody has recorded contact) after
CAREPATH_ALERT_ESCALATION_MINUTES, the supervisors are emailed again.

Idempotent: running a task twice tells nobody twice (EnquiryNotification is unique per
enquiry, stage and recipient). Messages carry a link and no health data."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse

from carepath.accounts.models import AccountType, Role
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.notify import send_email

from .models.enquiries import Enquiry, EnquiryNotification
from .models.enquiries import Stage as EnquiryStage

RAISED = EnquiryNotification.Stage.RAISED
ESCALATED = EnquiryNotification.Stage.ESCALATED
SUBJECT = {
    RAISED: "CarePath: a callback request needs urgent attention",
    ESCALATED: "CarePath: an urgent callback request is still waiting",
}


def recipients(enquiry: Enquiry, stage: str) -> list:
    """Raised: the organisation's intake advisors and supervisors (whoever is on shift
    must see it). Escalated: its supervisors."""
    roles = [Role.INTAKE_ADVISOR, Role.SUPERVISOR] if stage == RAISED else [Role.SUPERVISOR]
    return list(get_user_model().objects.filter(
        is_active=True, account_type=AccountType.STAFF, organisation_id=enquiry.organisation_id,
        role__in=roles).exclude(email="").order_by("pk"))


def _body(enquiry: Enquiry, stage: str) -> str:
    # No name, answers or contact details: only that someone is waiting, and where.
    link = settings.CAREPATH_BASE_URL + reverse("intake:enquiry_detail",
                                                kwargs={"enquiry_id": enquiry.uuid})
    lead = ("A callback request that needs urgent attention has arrived. Please contact the "
            "person as soon as you can."
            if stage == RAISED else
            "An urgent callback request has not been marked as contacted in time. Please make "
            "sure someone contacts the person now.")
    return f"{lead}\n\nSign in to CarePath to see it and record what you did:\n{link}\n"


def deliver(enquiry_uuid: str, stage: str) -> int:
    enquiry = Enquiry.objects.filter(uuid=enquiry_uuid).first()
    if enquiry is None:
        return 0
    if stage == ESCALATED and enquiry.stage != EnquiryStage.NEW:
        return 0  # someone recorded contact (or an outcome) in time
    sent = 0
    for person in recipients(enquiry, stage):
        try:
            with transaction.atomic():
                EnquiryNotification.objects.create(enquiry=enquiry, stage=stage,
                                                   recipient=person)
        except IntegrityError:
            continue  # told on an earlier run
        send_email(person.email, SUBJECT[stage], _body(enquiry, stage))
        audit.record(audit.Context.system("urgent callback notification"), Action.NOTIFY,
                     obj=enquiry, object_type="intake.enquiry", patient=enquiry.patient,
                     details={"stage": stage, "channel": "email", "recipient": person.username})
        sent += 1
    return sent


def deliver_urgent_callback(enquiry_uuid: str) -> int:
    return deliver(enquiry_uuid, RAISED)


@task
def notify_urgent_callback(enquiry_uuid: str) -> int:
    return deliver(enquiry_uuid, RAISED)


@task
def escalate_urgent_callback(enquiry_uuid: str) -> int:
    return deliver(enquiry_uuid, ESCALATED)
