"""Reactions to other apps' events (a signed discharge schedules follow-ups)."""

from django.db.models.signals import post_save

DISPATCH_UID = "recovery.follow_ups_on_signed_discharge"


def discharge_saved(sender, instance, created=False, update_fields=None, **kwargs):
    """Signing sets ``signed_at`` (saved with update_fields naming it). Runs inside the
    signing transaction, so the discharge and its follow-ups commit together; a second
    call creates nothing (unique discharge and day offset), and the nightly job
    ``carepath recovery_follow_ups`` creates anything this missed."""
    if instance.signed_at is None:
        return
    if update_fields is not None and "signed_at" not in update_fields:
        return
    from .followups import schedule_for_discharge

    schedule_for_discharge(instance)


def connect() -> None:
    """Called once from RecoveryConfig.ready(); the dispatch uid makes a repeat harmless."""
    from carepath.treatment.models import Discharge

    post_save.connect(discharge_saved, sender=Discharge, dispatch_uid=DISPATCH_UID)
