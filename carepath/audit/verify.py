"""Proving the audit log untouched: recompute every digest and walk the chain."""

from dataclasses import dataclass

from .models import GENESIS_HASH, AuditChainHead, AuditEvent


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    bad_seq: int | None = None


def verify_chain(chunk_size: int = 5000) -> VerifyResult:
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        if event.seq != expected_seq:
            return VerifyResult(False, checked, f"row seq {expected_seq} is missing "
                                f"(next row present is seq {event.seq}, id {event.pk}): "
                                "rows were deleted", expected_seq)
        if event.prev_hash != prev_hash:
            return VerifyResult(False, checked, f"row seq {event.seq} (id {event.pk}) does not "
                                "link to the row before it", event.seq)
        if event.compute_hash() != event.hash:
            return VerifyResult(False, checked, f"row seq {event.seq} (id {event.pk}) was "
                                "changed after it was written", event.seq)
        prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
    head = AuditChainHead.objects.get(pk=1)
    if head.seq != checked or head.hash != prev_hash:
        return VerifyResult(False, checked, f"the chain should end at seq {head.seq} but ends "
                            f"at seq {checked}: rows after seq {checked} were deleted",
                            checked + 1)
    return VerifyResult(True, checked)
