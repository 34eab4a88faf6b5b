"""Alumni follow-ups: which ones a signed discharge gets, and the nightly safety net.

A signed discharge gets one follow-up at each of CAREPATH_FOLLOW_UP_DAYS (30, 90, 180,
365) after ``discharged_on``. The post_save receiver (``receivers.py``) schedules them
in the signing transaction; ``run_nightly`` creates any that are missing (a receiver
that did not run, a changed setting) and marks as missed those not answered within
CAREPATH_FOLLOW_UP_ANSWER_DAYS after they fell due. Both are idempotent: the table is
unique on (discharge, day_offset) and rows are inserted with ``ignore_conflicts``.

A discharge because the person died schedules nothing and stops everything that would
contact them: follow-ups cancelled, check-ins no longer expected, risk windows (and so
their reminders) cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.treatment.models import Discharge, DischargeReason

from .models import FollowUp, FollowUpStatus, RecoveryProfile, RiskWindow

OBJECT_TYPE = "recovery.followup"
BATCH = 500


def offsets() -> list[int]:
    return sorted({int(d) for d in settings.CAREPATH_FOLLOW_UP_DAYS})


def answer_days() -> int:
    return int(settings.CAREPATH_FOLLOW_UP_ANSWER_DAYS)


def closes_on(follow_up: FollowUp) -> date:
    """The last day the follow-up can be answered."""
    return follow_up.due_on + timedelta(days=answer_days())


def died_discharges():
    return Discharge.objects.filter(reason=DischargeReason.DIED, signed_at__isnull=False)


def has_died(patient) -> bool:
    return died_discharges().filter(patient=patient).exists()


def _planned(discharge: Discharge, today: date) -> list[FollowUp]:
    """Unsaved rows for each offset whose answer window has not already closed (a
    discharge entered late, or a backfill, gets no follow-ups that are missed at birth)."""
    rows = []
    for offset in offsets():
        due_on = discharge.discharged_on + timedelta(days=offset)
        if due_on + timedelta(days=answer_days()) < today:
            continue
        rows.append(FollowUp(organisation_id=discharge.patient.organisation_id,
                             patient_id=discharge.patient_id, discharge=discharge,
                             day_offset=offset, due_on=due_on))
    return rows


def _ensure_profiles(patient_ids) -> None:
    """Reminders for follow-ups read the person's profile: make one where missing."""
    from carepath.patients.models import Patient

    ids = set(patient_ids)
    have = set(RecoveryProfile.objects.filter(patient_id__in=ids)
               .values_list("patient_id", flat=True))
    missing = Patient.objects.filter(pk__in=ids - have).values_list("pk", "organisation_id")
    RecoveryProfile.objects.bulk_create(
        [RecoveryProfile(patient_id=pk, organisation_id=org) for pk, org in missing],
        ignore_conflicts=True)


def schedule_for_discharge(discharge: Discharge, *, today: date | None = None,
                           ctx: audit.Context | None = None) -> list[int]:
    """Create the discharge's missing follow-ups (or, for a death, stop all contact).
    Returns the day offsets created. Safe to call twice."""
    if discharge.signed_at is None:
        return []
    ctx = ctx or audit.Context.system("follow-ups scheduled when a discharge was signed")
    if discharge.reason == DischargeReason.DIED:
        stop_after_death(ctx, discharge.patient)
        return []
    if has_died(discharge.patient):
        return []
    today = today or timezone.localdate()
    existing = set(FollowUp.objects.filter(discharge=discharge)
                   .values_list("day_offset", flat=True))
    new = [row for row in _planned(discharge, today) if row.day_offset not in existing]
    if not new:
        return []
    with transaction.atomic():
        FollowUp.objects.bulk_create(new, ignore_conflicts=True)
        _ensure_profiles([discharge.patient_id])
        audit.record(ctx, Action.CREATE, patient=discharge.patient, object_type=OBJECT_TYPE,
                     object_id=str(discharge.uuid),
                     details={"discharge": str(discharge.uuid),
                              "day_offsets": [row.day_offset for row in new]})
    return [row.day_offset for row in new]


def stop_after_death(ctx: audit.Context, patient) -> dict:
    """Nobody is asked to answer, or reminded to check in by, a person who has died."""
    now = timezone.now()
    with transaction.atomic():
        updated = RecoveryProfile.objects.filter(patient=patient).update(
            checkins_expected=False, updated_at=now)
        if not updated:
            RecoveryProfile.objects.get_or_create(
                patient=patient, defaults={"organisation_id": patient.organisation_id,
                                           "checkins_expected": False})
        follow_ups = list(FollowUp.objects.filter(patient=patient,
                                                  status=FollowUpStatus.SCHEDULED)
                          .values_list("uuid", flat=True))
        FollowUp.objects.filter(patient=patient, status=FollowUpStatus.SCHEDULED).update(
            status=FollowUpStatus.CANCELLED)
        windows = list(RiskWindow.objects.filter(patient=patient, cancelled_at__isnull=True)
                       .values_list("uuid", flat=True))
        RiskWindow.objects.filter(patient=patient, cancelled_at__isnull=True).update(
            cancelled_at=now)
        details = {"follow_ups_cancelled": [str(u) for u in follow_ups],
                   "risk_windows_cancelled": [str(u) for u in windows],
                   "checkins_expected": False}
        audit.record(ctx, Action.UPDATE, patient=patient, object_type=OBJECT_TYPE,
                     details={"after_death": True, **details})
    return details


@dataclass
class NightlyResult:
    created: int = 0
    missed: int = 0
    cancelled_after_death: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "missed": self.missed,
                "cancelled_after_death": self.cancelled_after_death}


def schedule_follow_ups(today: date | None = None) -> int:
    """Create every missing follow-up of signed discharges whose last answer window is
    still open. Returns how many rows were created."""
    today = today or timezone.localdate()
    wanted = offsets()
    if not wanted:
        return 0
    oldest = today - timedelta(days=max(wanted) + answer_days())
    died = died_discharges().filter(patient=OuterRef("patient"))
    short = (Discharge.objects.filter(signed_at__isnull=False, discharged_on__gte=oldest)
             .exclude(reason=DischargeReason.DIED).exclude(Exists(died))
             .annotate(have=Count("follow_ups", filter=Q(follow_ups__day_offset__in=wanted)))
             .filter(have__lt=len(wanted)).select_related("patient").order_by("pk"))
    created = 0
    ctx = audit.Context.system("nightly follow-up scheduling")
    for discharge in short.iterator(chunk_size=BATCH):
        created += len(schedule_for_discharge(discharge, today=today, ctx=ctx))
    return created


def mark_missed(today: date | None = None) -> int:
    """Scheduled follow-ups not answered by the end of their answer window become missed."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=answer_days())
    ctx = audit.Context.system("nightly follow-up: answer window closed")
    total = 0
    while True:
        batch = list(FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED,
                                             due_on__lt=cutoff)
                     .select_related("patient").order_by("pk")[:BATCH])
        if not batch:
            return total
        with transaction.atomic():
            changed = FollowUp.objects.filter(pk__in=[f.pk for f in batch],
                                              status=FollowUpStatus.SCHEDULED).update(
                status=FollowUpStatus.MISSED)
            for follow_up in batch:
                audit.record(ctx, Action.UPDATE, patient=follow_up.patient, obj=follow_up,
                             details={"status": FollowUpStatus.MISSED,
                                      "day_offset": follow_up.day_offset})
        total += changed


def cancel_after_deaths() -> int:
    """Safety net: scheduled follow-ups of anyone whose death discharge is signed."""
    died = died_discharges().filter(patient=OuterRef("patient"))
    patients = {f.patient for f in FollowUp.objects.filter(status=FollowUpStatus.SCHEDULED)
                .filter(Exists(died)).select_related("patient")}
    ctx = audit.Context.system("nightly follow-up: patient died")
    return sum(len(stop_after_death(ctx, p)["follow_ups_cancelled"]) for p in patients)


def run_nightly(today: date | None = None) -> NightlyResult:
    today = today or timezone.localdate()
    result = NightlyResult()
    result.cancelled_after_death = cancel_after_deaths()
    result.created = schedule_follow_ups(today)
    result.missed = mark_missed(today)
    return result
