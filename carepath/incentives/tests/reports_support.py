"""Test helpers for the reports: a screen with its results and its ledger entry, written
directly (the screens and ledger actions have their own tests)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from carepath.incentives.models import (
    AnalyteResult,
    DrugScreen,
    LedgerEntry,
    LedgerKind,
    Panel,
    ScreenResult,
    ScreenStatus,
    Target,
)

LONDON = ZoneInfo("Europe/London")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def panel_for(org) -> Panel:
    panel, _ = Panel.objects.get_or_create(organisation=org, name="Test ketamine panel",
                                           defaults={"analytes": ["ketamine", "norketamine"]})
    return panel


def screen(enrolment, result: str, when: datetime, amount="0", *, by=None,
           rewarded=True) -> DrugScreen:
    """A screen counted as ``result`` (N, P or M) at ``when``; with its earning entry."""
    patient = enrolment.patient
    by = by or enrolment.enrolled_by
    panel = panel_for(patient.organisation)
    missed = result == "M"
    made = DrugScreen.objects.create(
        patient=patient, panel=panel, specimen=panel.specimen, recorded_by=by,
        status=ScreenStatus.MISSED if missed else ScreenStatus.COLLECTED,
        scheduled_for=when if missed else None, collected_at=None if missed else when)
    if not missed:
        value = AnalyteResult.POSITIVE if result == "P" else AnalyteResult.NEGATIVE
        ScreenResult.objects.bulk_create([ScreenResult(screen=made, analyte=a, result=value)
                                          for a in panel.analytes])
    if rewarded:
        LedgerEntry.objects.create(
            patient=patient, enrolment=enrolment, kind=LedgerKind.EARNED,
            amount=Decimal(amount), target=Target.NEGATIVE_SCREEN, result=result,
            source_uuid=made.uuid, created_at=when, created_by=by)
    return made


def earning(enrolment, target: str, amount, when: datetime) -> LedgerEntry:
    import uuid

    return LedgerEntry.objects.create(
        patient=enrolment.patient, enrolment=enrolment, kind=LedgerKind.EARNED,
        amount=Decimal(amount), target=target, result="N", source_uuid=uuid.uuid4(),
        created_at=when)


def redeemed(enrolment, amount, when: datetime) -> LedgerEntry:
    import uuid

    return LedgerEntry.objects.create(
        patient=enrolment.patient, enrolment=enrolment, kind=LedgerKind.REDEEMED,
        amount=Decimal(amount), source_uuid=uuid.uuid4(), note="Voucher: test",
        created_at=when)
