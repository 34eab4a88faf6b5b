"""Attendance earns rewards: when treatment records an attendance, the ledger hears of it.

Attended (or late, or left early: treatment's PRESENT) is N, a success; did not attend
is M, a missed one, and resets the streak. reinforce only pays enrolments whose schedule
targets attendance, and pays each attendance once, so a re-save or a correction from
"did not attend" to "attended" never pays twice (the first result recorded stands: a
CarePath simplification, see docs/cm-ledger.md). Runs inside treatment's transaction.
"""

from django.db.models.signals import post_save

DISPATCH_UID = "incentives.reinforce_attendance"


def attendance_result(status: str) -> str | None:
    from carepath.treatment.models import AttendanceStatus
    from carepath.treatment.models.sessions import PRESENT

    from . import engine

    if status in PRESENT:
        return engine.NEGATIVE  # N: the success the schedule rewards
    if status == AttendanceStatus.NO_SHOW:
        return engine.MISSED
    return None  # expected or cancelled: nothing to reinforce


def attendance_saved(sender, instance, created=False, update_fields=None, **kwargs):
    if update_fields is not None and "status" not in update_fields:
        return
    result = attendance_result(instance.status)
    if result is None:
        return
    from carepath.audit import log as audit

    from .models import Target
    from .rewards import reinforce

    user = instance.recorded_by if instance.recorded_by_id else None
    ctx = (audit.Context(user=user, via="attendance") if user
           else audit.Context.system("attendance recorded"))
    reinforce(ctx, instance.patient, Target.ATTENDANCE, instance.uuid, result,
              occurred_at=instance.recorded_at)


def connect() -> None:
    """Called once from IncentivesConfig.ready(); the dispatch uid makes a repeat harmless."""
    from carepath.treatment.models import Attendance

    post_save.connect(attendance_saved, sender=Attendance, dispatch_uid=DISPATCH_UID)
