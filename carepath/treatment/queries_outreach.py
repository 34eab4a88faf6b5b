"""Reads of outreach tasks, already narrowed by access."""

from __future__ import annotations

from carepath.access.policy import visible_patients
from carepath.patients.models import Patient

from .models import OutreachStatus, OutreachTask


def open_outreach(user):
    """Open tasks of the patients ``user`` may list: most urgent first, then soonest due.
    (The caseload shows it; each row links to the patient's Sessions tab.)"""
    patients = visible_patients(user, Patient.objects.all()).values("pk")
    return (OutreachTask.objects.filter(status=OutreachStatus.OPEN, patient__in=patients)
            .select_related("patient").order_by("urgency", "due_on", "created_at", "pk"))


def outreach_for(patient, limit: int = 20):
    """The patient's open tasks, then the most recently closed (bounded)."""
    open_tasks = list(OutreachTask.objects.filter(patient=patient, status=OutreachStatus.OPEN)
                      .order_by("urgency", "due_on", "pk")[:limit])
    closed = list(OutreachTask.objects.filter(patient=patient, status=OutreachStatus.DONE)
                  .select_related("closed_by").order_by("-closed_at", "-pk")[:5])
    return open_tasks, closed
