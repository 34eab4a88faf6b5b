"""Attendance earns rewards when the schedule targets it (the post_save receiver)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from carepath.conftest import ctx_for
from carepath.incentives.models import LedgerEntry
from carepath.treatment.actions_sessions import record_attendance
from carepath.treatment.models import (
    Attendance,
    AttendanceStatus,
    Session,
    SessionFormat,
    SessionType,
)

from .rewards_support import enrol

pytestmark = pytest.mark.django_db


def _place(org, clinician, patient):
    start = timezone.now() - timedelta(hours=2)
    session = Session.objects.create(
        organisation=org, session_type=SessionType.RELAPSE_PREVENTION,
        format=SessionFormat.GROUP, starts_at=start, ends_at=start + timedelta(hours=1),
        clinician=clinician, created_by=clinician, title="Group")
    return session, Attendance.objects.create(session=session, patient=patient)


def test_attending_earns_when_the_schedule_targets_attendance(patient, org, clinician):
    enrol(patient, org, targets=["attendance"])
    session, place = _place(org, clinician, patient)
    record_attendance(ctx_for(clinician), session, {place.uuid: (AttendanceStatus.ATTENDED, "")})
    entry = LedgerEntry.objects.get(patient=patient)
    assert (entry.target, entry.result, entry.amount) == ("attendance", "N", Decimal("2.50"))
    assert entry.source_uuid == place.uuid and entry.created_by == clinician
    place.refresh_from_db()
    place.save()  # a re-save pays nothing more
    assert LedgerEntry.objects.filter(patient=patient).count() == 1


def test_a_no_show_is_missed_and_earns_nothing(patient, org, clinician):
    enrol(patient, org, targets=["attendance"])
    session, place = _place(org, clinician, patient)
    record_attendance(ctx_for(clinician), session, {place.uuid: (AttendanceStatus.NO_SHOW, "")})
    entry = LedgerEntry.objects.get(patient=patient)
    assert (entry.result, entry.amount) == ("M", Decimal("0.00"))


def test_attendance_is_not_rewarded_when_the_schedule_targets_screens_only(patient, org,
                                                                           clinician):
    enrol(patient, org, targets=["negative_screen"])
    session, place = _place(org, clinician, patient)
    record_attendance(ctx_for(clinician), session, {place.uuid: (AttendanceStatus.ATTENDED, "")})
    assert not LedgerEntry.objects.exists()
