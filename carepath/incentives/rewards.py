"""Stub: the contract the ledger's owner implements (screens call it after recording).

reinforce(ctx, patient, target, source_uuid, result, *, occurred_at=None) -> list[LedgerEntry]
    For each active enrolment of ``patient`` whose schedule targets ``target``, work out
    (engine.step_after, the enrolment's earlier results for that target from the ledger,
    the organisation's annual cap) what ``result`` (N, P or M) earns, and write one
    LedgerEntry (kind earned; amount 0 for P or M, so the history can be replayed). Unique
    per (enrolment, target, source_uuid): calling it twice for the same source pays once.
    Audited. Returns the entries written (or found).
"""


def reinforce(ctx, patient, target, source_uuid, result, *, occurred_at=None) -> list:
    return []
