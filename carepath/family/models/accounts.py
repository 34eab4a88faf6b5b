"""Supporter accounts: a family member or friend who registered themselves."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class SupporterProfile(models.Model):
    """One per supporter account. The account stays inactive (cannot sign in) until the
    email address is verified; ``email_verified_at`` says when."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="supporter_profile")
    email_verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A registration form's one-time key: a double-submitted form makes one account.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None


class EmailVerification(models.Model):
    """A one-time email-verification link; only the SHA-256 digest of its token is kept."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.used_at is None and self.revoked_at is None and self.expires_at > now
