"""Background work for referrals: the reminder to check an open referral's status.

Idempotent: each referral is claimed (``reminder_sent_at`` set) before its referrer is
emailed, so running twice sends nothing the second time. A status change to an open
status moves the check date on and clears ``reminder_sent_at``, so a referral stuck at
its next step is reminded again later. The email carries no health data: a count and
a link to the overdue list, where the reader signs in.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.notify import send_email

from .actions_referrals import OPEN_STATUSES
from .models import Referral


def overdue_list_url() -> str:
    return settings.CAREPATH_BASE_URL + reverse("directory:referral_list") + "?due=1"


def _recipient(user):
    """The referrer, or their supervisor when the referrer has left or has no email."""
    for person in (user, user.supervisor):
        if person is not None and person.is_active and person.email:
            return person
    return None


def remind_referral_checks(now=None) -> int:
    """Email each referrer once about their open referrals whose check date has passed.
    Returns the number of emails sent."""
    now = now or timezone.now()
    due = (Referral.objects.filter(status__in=OPEN_STATUSES, check_due_at__lte=now,
                                   reminder_sent_at__isnull=True)
           .select_related("referred_by__supervisor").order_by("check_due_at", "pk"))
    by_recipient: dict = defaultdict(list)
    for referral in due.iterator(chunk_size=500):
        recipient = _recipient(referral.referred_by)
        if recipient is not None:  # nobody to email: it stays on the overdue list
            by_recipient[recipient].append(referral)
    sent = 0
    for recipient, referrals in by_recipient.items():
        with transaction.atomic():
            # Claim first: a second run (or a parallel worker) finds nothing left.
            claimed = list(Referral.objects.select_for_update()
                           .filter(pk__in=[r.pk for r in referrals],
                                   reminder_sent_at__isnull=True)
                           .values_list("pk", "uuid"))
            if not claimed:
                continue
            Referral.objects.filter(pk__in=[pk for pk, _ in claimed]).update(
                reminder_sent_at=now)
            count = len(claimed)
            send_email(recipient.email, "Referrals due a status check",
                       f"{count} referral{'s' if count != 1 else ''} you made "
                       f"{'are' if count != 1 else 'is'} due a status check in CarePath. "
                       "Find out from each service whether the person was seen, and record "
                       f"it. Sign in to see the list: {overdue_list_url()}")
            audit.record(audit.Context.system("referral check reminder"), Action.NOTIFY,
                         object_type="directory.referral",
                         details={"recipient": str(recipient.uuid),
                                  "referrals": [str(u) for _, u in claimed]})
        sent += 1
    return sent


@task
def send_referral_check_reminders() -> int:
    return remind_referral_checks()
