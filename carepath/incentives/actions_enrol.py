"""Enrolling a patient in a contingency-management schedule: the only writer of
CMEnrolment. Staff who may change the record choose one of the organisation's active
schedules (one for everyone, or one for a programme the patient is enrolled in). One
active enrolment per patient, so the cap and the streak are never split; a retry (same
schedule) returns the enrolment already made."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from carepath.access.guards import require_change
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import Patient
from carepath.treatment.models import Enrolment, EnrolmentStatus

from .models import CMEnrolment, CMSchedule

OBJECT_TYPE = "incentives.enrolment"


def schedules_for(patient):
    """The schedules a patient may be enrolled in: the organisation's active ones that are
    for everyone or for a programme the patient is actively enrolled in."""
    programmes = Enrolment.objects.filter(patient=patient, status=EnrolmentStatus.ACTIVE) \
        .values("programme_id")
    return (CMSchedule.objects.filter(organisation_id=patient.organisation_id, active=True)
            .filter(Q(programme__isnull=True) | Q(programme_id__in=programmes))
            .select_related("programme").order_by("name"))


def enrol(ctx: audit.Context, patient, schedule_uuid) -> tuple[CMEnrolment, bool]:
    """Enrol; returns (enrolment, created). PermissionDenied (audited) without change
    access; ValidationError naming ``schedule`` otherwise."""
    require_change(ctx, patient, OBJECT_TYPE)
    schedule = schedules_for(patient).filter(uuid=schedule_uuid).first() \
        if schedule_uuid else None
    if schedule is None:
        raise ValidationError({"schedule": ["Choose one of the schedules listed."]})
    with transaction.atomic():
        # Lock the patient row: two enrolments made at once cannot both pass the check.
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        current = (CMEnrolment.objects.filter(patient=patient, ended_on__isnull=True)
                   .select_related("schedule").first())
        if current is not None:
            if current.schedule_id == schedule.pk:
                return current, False
            raise ValidationError({"schedule": [
                f"This person is already enrolled in “{current.schedule.name}”. One "
                "schedule at a time keeps their streak and yearly limit in one place."]})
        enrolment = CMEnrolment.objects.create(patient=patient, schedule=schedule,
                                               enrolled_by=ctx.user)
        audit.record(ctx, Action.CREATE, patient=patient, obj=enrolment,
                     object_type=OBJECT_TYPE,
                     details={"schedule": str(schedule.uuid), "kind": schedule.kind})
    return enrolment, True
