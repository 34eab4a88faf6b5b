"""Earning: the one writer of earned ledger entries (screens and attendance call it).

reinforce(ctx, patient, target, source_uuid, result, *, occurred_at=None) -> list[LedgerEntry]
    For each active enrolment of ``patient`` whose schedule targets ``target``, work out
    (engine.step_after, the enrolment's earlier results for that target from the ledger,
    the organisation's annual cap) what ``result`` (N, P or M) earns, and write one
    LedgerEntry (kind earned; amount 0 for P or M, so the history can be replayed). Unique
    per (enrolment, target, source_uuid): calling it twice for the same source pays once.
    Audited. Returns the entries written (or found).

"This year" is the calendar year of timezone.localdate() (see ledger.year_bounds).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from carepath.audit import log as audit
from carepath.audit.models import Action

from . import engine, ledger
from .models import CMEnrolment, LedgerEntry, LedgerKind, ScheduleKind, Target

OBJECT_TYPE = "incentives.ledger"


def _result(result) -> str:
    value = str(result or "").strip().upper()
    if value not in engine.RESULTS:
        raise ValueError(f"A result is N, P or M; got {result!r}.")
    return value


def _earning(enrolment, target, source_uuid):
    return LedgerEntry.objects.filter(enrolment=enrolment, kind=LedgerKind.EARNED,
                                      target=target, source_uuid=source_uuid).first()


def _cap_note(step: engine.Step, cap, currency) -> str:
    if not step.capped:
        return ""
    return (f"This year's limit of {ledger.money_text(cap, currency)} was reached: this "
            f"earned {ledger.money_text(step.earned, currency)}, what was left under it.")


def _earn(ctx, patient, enrolment, target, source_uuid, result, occurred_at):
    """One enrolment's earning, under the account lock. Returns (entry, written)."""
    with transaction.atomic():
        ledger.lock_account(patient)
        existing = _earning(enrolment, target, source_uuid)
        if existing is not None:
            return existing, False
        schedule = enrolment.schedule
        settings = ledger.settings_for(patient.organisation)
        step = engine.step_after(
            schedule.kind, ledger.params_for(schedule), ledger._history(enrolment, target),
            result, rng=engine.system_rng() if schedule.kind == ScheduleKind.FISHBOWL else None,
            earned_so_far=ledger.totals(patient).earned_this_year,
            cap=settings.annual_cap)
        try:
            with transaction.atomic():  # a savepoint: the unique constraint is the last word
                entry = LedgerEntry.objects.create(
                    patient=patient, enrolment=enrolment, kind=LedgerKind.EARNED,
                    amount=step.earned, target=target, result=result,
                    source_uuid=source_uuid, capped=step.capped,
                    draws=[{"value": str(s.value), "label": s.label} for s in step.draws],
                    note=_cap_note(step, settings.annual_cap, settings.currency),
                    created_by=ctx.user if getattr(ctx.user, "pk", None) else None)
        except IntegrityError:
            return _earning(enrolment, target, source_uuid), False
        audit.record(ctx, Action.CREATE, patient=patient, obj=entry, object_type=OBJECT_TYPE,
                     details={"kind": "earned", "target": target, "result": result,
                              "amount": str(entry.amount), "capped": entry.capped,
                              "source": str(source_uuid),
                              "occurred_at": occurred_at.isoformat() if occurred_at else ""})
    return entry, True


def reinforce(ctx, patient, target, source_uuid, result, *, occurred_at=None) -> list:
    result = _result(result)
    if target not in Target.values:
        raise ValueError(f"No reinforcement target {target!r}.")
    enrolments = [e for e in CMEnrolment.objects.filter(patient=patient, ended_on__isnull=True)
                  .select_related("schedule").order_by("pk")
                  if target in (e.schedule.targets or [])]
    return [_earn(ctx, patient, e, target, source_uuid, result, occurred_at)[0]
            for e in enrolments]
