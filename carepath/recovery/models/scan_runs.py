"""Each run of the nightly risk scan, so staff can see that it ran (a scan that stopped
running would otherwise fail silently: no missed-check-in signals, no safety net) and so
the next run knows how far back to look."""

import uuid

from django.db import models
from django.utils import timezone


class RiskScanRun(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # The day scanned (the organisations' local date when the scan started).
    scan_date = models.DateField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)  # null: failed or running
    new_signals = models.JSONField(default=dict, blank=True)  # {rule id: count}
    tasks_raised = models.PositiveIntegerField(default=0)
    linked_to_open_tasks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["finished_at"], name="risk_scan_run_finished")]

    def __str__(self):
        return f"Risk scan of {self.scan_date}"
