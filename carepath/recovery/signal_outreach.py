"""Store findings as RiskSignals and raise their outreach tasks, in bulk.

The same path serves one check-in (a handful of findings) and the nightly scan (thousands),
so the number of queries does not grow with the number of people:

1. look up which findings already have a signal (unique per patient, rule and key):
   an occurrence is never signalled twice;
2. open-task rule: a new signal whose rule already has an OPEN outreach task for that
   person, at the same or a more urgent level, is linked to that task instead of raising
   another (one call covers both; the signal stays listed on the person's Signals page).
   A more urgent signal (a week's silence after a routine reminder) raises its own task;
3. insert the new signals, each already linked to its task (``ignore_conflicts``: if the
   after-check-in job and the nightly scan race, the loser's rows are dropped and read
   back as missing, and only the winner's stand);
4. insert one task for each signal not linked to an open one, with the same fields,
   uniqueness and audit details as ``carepath.treatment.outreach.raise_outreach``
   (source_type "recovery.risksignal", source_uuid = the signal, reason "risk:<rule>");
5. audit every new signal and task in one append.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import Patient
from carepath.treatment.models import OutreachStatus, OutreachTask

from .models import RiskSignal
from .risk_rules import OUTREACH_SOURCE, Finding, reason_for

CHUNK = 5000  # ids per IN (...) list: well under SQLite's 32,766 variables
TASK_OBJECT_TYPE = "treatment.outreachtask"
SIGNAL_OBJECT_TYPE = "recovery.risksignal"


@dataclass
class Recorded:
    new_signals: Counter = field(default_factory=Counter)  # rule -> count
    tasks_raised: int = 0
    linked_to_open_tasks: int = 0
    signals: list[RiskSignal] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.new_signals.values())


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def record_findings(ctx: audit.Context, findings: list[Finding], *,
                    due_on: date | None = None) -> Recorded:
    """Store new findings and raise (or link) their outreach tasks; all in one
    transaction. Returns what was new. Safe to call again with the same findings."""
    recorded = Recorded()
    unique = {(f.patient_id, f.rule, f.key): f for f in findings}  # one per occurrence
    if not unique:
        return recorded
    now = timezone.now()
    due_on = due_on or timezone.localdate()
    with transaction.atomic():
        known = _already_signalled(list(unique))
        new = [RiskSignal(uuid=uuid.uuid4(), organisation_id=f.organisation_id,
                          patient_id=f.patient_id, rule=f.rule, key=f.key,
                          explanation=f.explanation, urgency=f.urgency, detected_at=now)
               for occurrence, f in unique.items() if occurrence not in known]
        if not new:
            return recorded
        # Decided before inserting, so each signal is written once, already linked.
        tasks = _plan_tasks(new, due_on, now)
        RiskSignal.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        stored = set()
        for chunk in _chunks([s.uuid for s in new]):
            stored.update(RiskSignal.objects.filter(uuid__in=chunk)
                          .values_list("uuid", flat=True))
        if len(stored) < len(new):  # a concurrent run signalled some of them first
            new, tasks = _drop_lost(new, tasks, stored, due_on, now)
        OutreachTask.objects.bulk_create(tasks, batch_size=1000)
        recorded.tasks_raised = len(tasks)
        own = {t.source_uuid for t in tasks}
        recorded.linked_to_open_tasks = sum(1 for s in new if s.uuid not in own)
        _audit(ctx, new, tasks)
    recorded.new_signals.update(s.rule for s in new)
    recorded.signals = new
    return recorded


def _already_signalled(occurrences: list[tuple[int, str, str]]) -> set:
    """The (patient, rule, key) occurrences that already have a signal (unique index)."""
    found = set()
    for chunk in _chunks(occurrences, 2000):
        rows = RiskSignal.objects.filter(
            patient_id__in={o[0] for o in chunk}, rule__in={o[1] for o in chunk},
            key__in={o[2] for o in chunk}).values_list("patient_id", "rule", "key")
        found.update(rows)
    return found & set(occurrences)


def _open_tasks(signals: list[RiskSignal]) -> dict[tuple[int, str], tuple[int, uuid.UUID]]:
    """(patient, reason) -> (urgency, uuid) of the most urgent open task."""
    reasons = sorted({reason_for(s.rule) for s in signals})
    found: dict[tuple[int, str], tuple[int, uuid.UUID]] = {}
    for chunk in _chunks(sorted({s.patient_id for s in signals})):
        rows = (OutreachTask.objects.filter(status=OutreachStatus.OPEN, patient_id__in=chunk,
                                            reason__in=reasons)
                .values_list("patient_id", "reason", "urgency", "uuid"))
        for patient_id, reason, urgency, task_uuid in rows:
            key = (patient_id, reason)
            if key not in found or urgency < found[key][0]:
                found[key] = (urgency, task_uuid)
    return found


def _plan_tasks(new: list[RiskSignal], due_on: date, now,
                open_tasks: dict | None = None) -> list[OutreachTask]:
    """Set each new signal's outreach_uuid: an open task for the same rule at the same or
    a more urgent level, or a new task (returned, not yet saved)."""
    open_tasks = _open_tasks(new) if open_tasks is None else open_tasks
    wanted: list[OutreachTask] = []
    # Most urgent first, so a batch holding two findings for one rule raises the more
    # urgent and links the other to it.
    for signal in sorted(new, key=lambda s: (s.urgency, s.key)):
        key = (signal.patient_id, reason_for(signal.rule))
        held = open_tasks.get(key)
        if held is not None and held[0] <= signal.urgency:
            signal.outreach_uuid = held[1]
            continue
        task = OutreachTask(uuid=uuid.uuid4(), organisation_id=signal.organisation_id,
                            patient_id=signal.patient_id, reason=reason_for(signal.rule),
                            explanation=signal.explanation[:300], urgency=signal.urgency,
                            source_type=OUTREACH_SOURCE, source_uuid=signal.uuid,
                            due_on=due_on, created_at=now)
        wanted.append(task)
        signal.outreach_uuid = task.uuid
        open_tasks[key] = (signal.urgency, task.uuid)
    return wanted


def _drop_lost(new, tasks, stored, due_on, now):
    """Rare: another run stored some of these occurrences between our check and insert.
    Forget ours; a stored signal that was to share a forgotten signal's task is planned
    again (against the open tasks as they are now) and updated row by row."""
    lost_tasks = {t.uuid for t in tasks if t.source_uuid not in stored}
    kept = [s for s in new if s.uuid in stored]
    orphans = [s for s in kept if s.outreach_uuid in lost_tasks]
    tasks = [t for t in tasks if t.uuid not in lost_tasks]
    if orphans:
        open_tasks = _open_tasks(orphans)
        for task in tasks:
            open_tasks.setdefault((task.patient_id, task.reason), (task.urgency, task.uuid))
        tasks += _plan_tasks(orphans, due_on, now, open_tasks)
        for signal in orphans:
            RiskSignal.objects.filter(uuid=signal.uuid).update(
                outreach_uuid=signal.outreach_uuid)
    return kept, tasks


def _audit(ctx: audit.Context, signals: list[RiskSignal], tasks: list[OutreachTask]) -> None:
    """One audit event per new signal and per new task, appended under one lock."""
    patient_ids = sorted({s.patient_id for s in signals})
    patient_uuids = {}
    for chunk in _chunks(patient_ids):
        patient_uuids.update(Patient.objects.filter(pk__in=chunk).values_list("pk", "uuid"))
    entries = [(patient_uuids[s.patient_id], SIGNAL_OBJECT_TYPE, str(s.uuid),
                {"rule": s.rule, "urgency": int(s.urgency),
                 "outreach_uuid": str(s.outreach_uuid) if s.outreach_uuid else None})
               for s in signals]
    # The same details raise_outreach records.
    entries += [(patient_uuids[t.patient_id], TASK_OBJECT_TYPE, str(t.uuid),
                 {"reason": t.reason, "urgency": int(t.urgency), "source": t.source_type,
                  "source_uuid": str(t.source_uuid)})
                for t in tasks]
    record_many(ctx, Action.CREATE, entries)


def record_many(ctx: audit.Context, action: str,
                entries: list[tuple[object, str, str, dict]]) -> None:
    """One audit event per (patient uuid, object type, object id, details), in chunks."""
    audit.record_many(ctx, action, entries)
