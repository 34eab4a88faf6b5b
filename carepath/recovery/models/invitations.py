"""Invitations to the patient portal: a one-time link; only its digest is stored."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class InvitationChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"


class PortalInvitation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="portal_invitations")
    channel = models.CharField(max_length=8, choices=InvitationChannel.choices,
                               default=InvitationChannel.EMAIL)
    sent_to = models.CharField(max_length=254)  # the email address or phone number used
    token_digest = models.CharField(max_length=64, unique=True)  # SHA-256 of the link token
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["patient", "created_at"], name="invitation_patient")]

    def usable(self) -> bool:
        return (self.accepted_at is None and self.revoked_at is None
                and self.expires_at > timezone.now())
