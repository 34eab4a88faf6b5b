"""The supporter's own short well-being check-in (not a validated measure)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class WellbeingCheckIn(models.Model):
    """Answers to CarePath's own five questions (each 0–4; see family/wellbeing.py).
    Labelled on screen as not a validated measure; it signposts, it does not diagnose."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    supporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="wellbeing_checkins")
    answered_at = models.DateTimeField(default=timezone.now)
    answers = models.JSONField(default=dict)  # {question key: 0–4}
    total = models.PositiveSmallIntegerField()  # 0–20, higher = more strain
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-answered_at", "-pk"]
        indexes = [models.Index(fields=["supporter", "answered_at"], name="wellbeing_by_time")]
