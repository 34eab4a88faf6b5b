"""Background work for measures: sending one-time links and due reminders.

Both are idempotent: a link is sent once per task (the token exists only in the
task's arguments), and a reminder is recorded per schedule, patient and due date.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.notify import send_email, send_sms
from carepath.patients.models import Patient

from . import due
from .models import Link, Reminder


def link_url(token: str) -> str:
    return settings.CAREPATH_BASE_URL + reverse("measures:by_link", kwargs={"token": token})


@task
def send_link(link_uuid: str) -> None:
    from .actions import link_token

    link = Link.objects.select_related("patient").get(uuid=link_uuid)
    token = link_token(link)
    # No instrument name or health data in the message itself.
    expires = timezone.localtime(link.expires_at)
    body = ("Your care team has asked you to answer a short questionnaire. "
            f"This link works once and expires {expires:%d %b %Y %H:%M}: {link_url(token)}")
    if link.channel == Link.Channel.EMAIL:
        send_email(link.patient.email, "A questionnaire from your care team", body)
    else:
        send_sms(link.patient.phone, body)
    audit.record(audit.Context.system("measure link"), Action.NOTIFY, patient=link.patient,
                 obj=link, details={"channel": link.channel})


def remind_due(today=None) -> int:
    """Email each patient with an address about measures due today or earlier, once per
    due date. Runs daily (``carepath measures remind`` or the task below)."""
    sent = 0
    patients = list(Patient.objects.exclude(email="").filter(
        pk__in=_patients_with_schedules()))
    for chunk_start in range(0, len(patients), 500):
        chunk = patients[chunk_start:chunk_start + 500]
        dues = due.due_for(chunk, due.current_levels([p.pk for p in chunk]), today=today,
                           only_due=True)
        for patient in chunk:
            for item in dues.get(patient.pk, []):
                try:
                    with transaction.atomic():
                        Reminder.objects.create(
                            schedule_id=item.schedule_pk, patient=patient, due_on=item.due_on)
                except IntegrityError:
                    continue
                send_email(patient.email, "A questionnaire is due",
                           "You have a questionnaire to complete in CarePath. Sign in to "
                           f"answer it: {settings.CAREPATH_BASE_URL}/")
                audit.record(audit.Context.system("measure reminder"), Action.NOTIFY,
                             patient=patient, object_type="measures.reminder",
                             details={"due_on": item.due_on.isoformat()})
                sent += 1
    return sent


def _patients_with_schedules():
    from django.db.models import Q

    from .models import Schedule

    programme_levels = Schedule.objects.filter(active=True, patient__isnull=True).values(
        "level_of_care")
    return Patient.objects.filter(
        Q(measure_schedules__active=True)
        | Q(episodes__closed_at__isnull=True,
            episodes__level_of_care__in=programme_levels)).values("pk")


@task
def send_due_reminders() -> int:
    return remind_due()
