"""The append-only, hash-chained audit log.

Each row stores the digest of the row before it, so editing or deleting any row
breaks the chain at that point (``carepath audit verify``). ``AuditChainHead``
holds the last sequence number and digest: writers lock it, which serialises
appends and lets verify notice rows removed from the end.
"""

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils import timezone

GENESIS_HASH = "0" * 64


class Action(models.TextChoices):
    READ = "read", "Read"
    LIST = "list", "List"
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    PRINT = "print", "Print"
    EXPORT = "export", "Export"
    BREAK_GLASS = "break_glass", "Break-glass"
    REVIEW = "review", "Review"
    LOGIN = "login", "Log in"
    LOGOUT = "logout", "Log out"
    LOGIN_FAILED = "login_failed", "Failed log-in"
    SECURITY = "security", "Security change"
    NOTIFY = "notify", "Notification sent"
    ESCALATE = "escalate", "Escalation"
    ACKNOWLEDGE = "acknowledge", "Acknowledgement"
    SIGN = "sign", "Sign"
    AMEND = "amend", "Amend"


class Outcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DENIED = "denied", "Denied"


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    patient_uuid = models.UUIDField(null=True, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.ALLOWED)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    purpose = models.CharField(max_length=500, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["patient_uuid", "occurred_at"]),
            models.Index(fields=["actor", "occurred_at"]),
        ]

    def canonical(self) -> bytes:
        """The bytes the digest covers: every field but the digest itself."""
        fields = {
            "seq": self.seq,
            "occurred_at": self.occurred_at.astimezone(timezone.UTC).isoformat(),
            "actor_id": self.actor_id,
            "actor_username": self.actor_username,
            "actor_role": self.actor_role,
            "patient_uuid": str(self.patient_uuid) if self.patient_uuid else None,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "action": self.action,
            "outcome": self.outcome,
            "client_address": self.client_address,
            "purpose": self.purpose,
            "details": self.details,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_type} by {self.actor_username}"


class AuditChainHead(models.Model):
    """One row: the newest sequence number and digest of the chain."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)
