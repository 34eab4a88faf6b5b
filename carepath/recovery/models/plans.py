"""The relapse-prevention plan, co-written by the person and their clinician.

Each save is a new version; earlier versions stay unchanged and viewable.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class RelapsePreventionPlan(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="+")
    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT,
                                related_name="relapse_prevention_plans")
    version = models.PositiveIntegerField()
    # Lists of short strings in the person's own words.
    triggers = models.JSONField(default=list, blank=True)
    high_risk_situations = models.JSONField(default=list, blank=True)
    warning_signs = models.JSONField(default=list, blank=True)
    # [{"kind": "cbt" | "dbt" | "other", "text": "..."}]
    coping_strategies = models.JSONField(default=list, blank=True)
    # [{"name": "...", "relationship": "...", "phone": "..."}]: tap to call
    people = models.JSONField(default=list, blank=True)
    safe_places = models.JSONField(default=list, blank=True)  # places and activities
    reasons = models.JSONField(default=list, blank=True)  # reasons for recovery
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    # The clinician the version was written with, when written together in a session.
    written_with = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+")
    change_note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["patient", "version"],
                                               name="one_plan_version_per_number")]
