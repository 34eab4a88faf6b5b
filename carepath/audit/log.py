"""Writing to the audit log. Every read or write of health data calls ``record``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import Action, AuditChainHead, AuditEvent, Outcome


@dataclass(frozen=True)
class Context:
    """Who is acting, from where, and why. Built once per request or command."""

    user: object | None
    client_address: str | None = None
    purpose: str = ""
    via: str = "web"

    @classmethod
    def from_request(cls, request, *, via: str = "web", purpose: str = "") -> Context:
        user = getattr(request, "auth_user", None) or getattr(request, "user", None)
        if user is not None and not user.is_authenticated:
            user = None
        return cls(user=user, client_address=request.META.get("REMOTE_ADDR"), via=via,
                   purpose=purpose)

    @classmethod
    def system(cls, purpose: str) -> Context:
        return cls(user=None, purpose=purpose, via="system")


def _event(ctx: Context, action: str, *, patient_uuid=None, object_type: str = "",
           object_id: str = "", outcome: str = Outcome.ALLOWED, purpose: str | None = None,
           details: dict | None = None) -> AuditEvent:
    user = ctx.user
    return AuditEvent(
        occurred_at=timezone.now(),
        actor=user,
        actor_username=getattr(user, "username", "") or f"<{ctx.via}>",
        actor_role=getattr(user, "role", "") or getattr(user, "account_type", ""),
        patient_uuid=patient_uuid,
        object_type=object_type,
        object_id=object_id,
        action=action,
        outcome=outcome,
        client_address=ctx.client_address,
        purpose=(ctx.purpose if purpose is None else purpose)[:500],
        details={"via": ctx.via, **(details or {})},
    )


def record(
    ctx: Context,
    action: str,
    *,
    patient=None,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = Outcome.ALLOWED,
    purpose: str | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Append one event to the chain. Runs in (or opens) a transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "uuid", obj.pk))
    return _append([_event(ctx, action, patient_uuid=getattr(patient, "uuid", patient),
                           object_type=object_type, object_id=object_id, outcome=outcome,
                           purpose=purpose, details=details)])[0]


def record_many(ctx: Context, action: str, entries: Iterable[tuple], *,
                chunk: int = 2000) -> int:
    """One event per (patient uuid, object type, object id, details), as ``record`` would
    write them, taking the chain head's lock once per chunk (batch jobs such as the nightly
    risk scan). Returns the number of events."""
    events = [_event(ctx, action, patient_uuid=patient_uuid, object_type=object_type,
                     object_id=object_id, details=details)
              for patient_uuid, object_type, object_id, details in entries]
    for start in range(0, len(events), chunk):
        _append(events[start:start + chunk])
    return len(events)


def record_list(ctx: Context, object_type: str, patient_uuids: Iterable, **details) -> AuditEvent:
    """One event for a list page: which patients were shown, not one row each."""
    shown = [str(u) for u in patient_uuids]
    return record(ctx, Action.LIST, object_type=object_type,
                  details={"patients_shown": shown, **details})


def _append(events: list[AuditEvent]) -> list[AuditEvent]:
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().get(pk=1)
        for event in events:
            head.seq += 1
            event.seq = head.seq
            event.prev_hash = head.hash
            event.hash = event.compute_hash()
            head.hash = event.hash
        AuditEvent.objects.bulk_create(events)
        head.save(update_fields=["seq", "hash"])
    return events


def denied(ctx: Context, *, patient=None, object_type: str = "", reason: str = "") -> AuditEvent:
    return record(ctx, Action.READ, patient=patient, object_type=object_type,
                  outcome=Outcome.DENIED, details={"reason": reason})
