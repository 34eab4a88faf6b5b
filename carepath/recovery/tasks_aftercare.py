"""Background jobs for aftercare and reminders. Idempotent: safe to run twice (follow-ups
are unique per discharge and offset; reminders are unique per person, kind and
reference, written before the message goes)."""

from django.tasks import task

from . import followups, reminders


@task()
def send_reminders_task() -> dict:
    """Every 15 minutes: the reminders due now. Returns the counts by outcome."""
    return reminders.send_due().as_dict()


@task()
def follow_ups_nightly_task() -> dict:
    """Nightly: create missing follow-ups, mark unanswered ones missed."""
    return followups.run_nightly().as_dict()
