"""Break-glass grants: the only record the access kernel keeps."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class BreakGlassQuerySet(models.QuerySet):
    def active(self):
        return self.filter(expires_at__gt=timezone.now())

    def awaiting_review(self):
        return self.filter(reviewed_at__isnull=True)


class BreakGlassAccess(models.Model):
    """A clinician opened a record outside their care team, giving a reason."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="break_glass_grants")
    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE,
                                related_name="break_glass_grants")
    reason = models.CharField(max_length=500)
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["user", "patient", "expires_at"]),
            models.Index(fields=["reviewed_at", "opened_at"]),
        ]
