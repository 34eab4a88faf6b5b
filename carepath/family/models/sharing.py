"""What a patient shares with supporters: the consent itself is a patients.Consent naming
the supporter (``recipient_user``); these tables hold the rest."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class SharingPreference(models.Model):
    """The patient's choices about supporters: whether encouragement reaches them."""

    patient = models.OneToOneField("patients.Patient", on_delete=models.CASCADE,
                                   related_name="sharing_preference")
    encouragement_on = models.BooleanField(default=True)
    changed_at = models.DateTimeField(default=timezone.now)


class EncouragementMessage(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE,
                                related_name="encouragement_messages")
    supporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="+")
    consent = models.ForeignKey("patients.Consent", on_delete=models.PROTECT, related_name="+")
    text = models.CharField(max_length=500)
    sent_at = models.DateTimeField(default=timezone.now)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["patient", "sent_at"], name="encouragement_by_time")]


class FamilySessionInvite(models.Model):
    """A consenting supporter invited to a family session of the patient's programme."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey("treatment.Session", on_delete=models.CASCADE,
                                related_name="family_invites")
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="+")
    supporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="family_session_invites")
    consent = models.ForeignKey("patients.Consent", on_delete=models.PROTECT, related_name="+")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "supporter"],
                                    name="one_invite_per_supporter_per_session"),
        ]
