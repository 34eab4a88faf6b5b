"""Demo contingency management (runs after the other apps' demo data): a urine panel that
names ketamine and norketamine, a vouchers schedule (Higgins defaults) for the intensive
outpatient programme and a prize-draw schedule (the classic bowl) for weekly outpatient,
the organisation's settings (GBP, cap 750), the demo patient enrolled in the vouchers
schedule with eight screens over three weeks (one positive) and one approved redemption,
and a few other patients with screens.

Ledger entries are written directly, each computed with ``engine.step_after`` as the ledger
would; demo fishbowl draws use a generator seeded from ``seed`` (real draws use the
operating system's CSPRNG). Deterministic for a seed; loading twice adds nothing.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from carepath.accounts.models import User
from carepath.patients.models import Patient
from carepath.treatment import actions_programmes
from carepath.treatment.models import Programme

from . import engine, schedules
from .models import (
    AnalyteResult,
    CMEnrolment,
    CMSchedule,
    CMSettings,
    DrugScreen,
    LedgerEntry,
    LedgerKind,
    Panel,
    Redemption,
    RedemptionKind,
    RedemptionStatus,
    ScheduleKind,
    ScreenMethod,
    ScreenResult,
    ScreenStatus,
    Specimen,
    Target,
)

PANEL = "Urine ketamine panel"
PANEL_ANALYTES = ["ketamine", "norketamine", "amphetamine", "cocaine", "mdma",
                  "benzodiazepines", "cannabis", "opiates"]
VOUCHERS = "Escalating vouchers (intensive outpatient)"
FISHBOWL = "Prize draws (weekly outpatient)"
IOP = "Intensive outpatient (12 weeks)"
OUTPATIENT = "Outpatient (weekly)"
# The demo patient: eight screens over three weeks, Monday, Wednesday and Friday-ish
# (days ago), one positive (ketamine and norketamine) in the middle.
MY_SCREENS = [(21, "N"), (19, "N"), (16, "N"), (14, "P"), (12, "N"), (9, "N"), (7, "N"),
              (5, "N")]
REDEMPTION = (Decimal("20.00"), RedemptionKind.VOUCHER, "Supermarket voucher")
OTHERS = 4  # other patients with screens


def add_demo_incentives(org, seed: int) -> None:
    panel, _ = Panel.objects.get_or_create(organisation=org, name=PANEL, defaults={
        "specimen": Specimen.URINE, "analytes": PANEL_ANALYTES})
    settings, _ = CMSettings.objects.get_or_create(
        organisation=org, defaults={"currency": "GBP", "annual_cap": Decimal("750")})
    actions_programmes.install_default_programmes(org)  # safe to run again
    programmes = {p.name: p for p in Programme.objects.filter(organisation=org)}
    vouchers = _schedule(org, VOUCHERS, programmes.get(IOP), ScheduleKind.VOUCHERS,
                         engine.HIGGINS, [Target.NEGATIVE_SCREEN, Target.ATTENDANCE])
    fishbowl = _schedule(org, FISHBOWL, programmes.get(OUTPATIENT), ScheduleKind.FISHBOWL,
                         engine.CLASSIC_BOWL, [Target.NEGATIVE_SCREEN])
    staff = {u.username: u for u in User.objects.filter(
        organisation=org, username__in=["nurse", "clinician", "supervisor"])}
    nurse = staff.get("nurse") or staff.get("clinician")
    if nurse is None or CMEnrolment.objects.filter(schedule__in=[vouchers, fishbowl]).exists():
        return  # no demo staff, or loaded already
    rng = random.Random(seed)
    tz = ZoneInfo(org.time_zone or "UTC")
    with transaction.atomic():
        me = Patient.objects.filter(organisation=org, user__username="patient").first()
        if me is not None:
            enrolment = _enrol(me, vouchers, nurse, days_ago=22)
            _screens(enrolment, panel, nurse, MY_SCREENS, settings, rng, tz)
            _redeem(enrolment, staff.get("supervisor") or nurse, rng)
        others = (Patient.objects.filter(organisation=org).exclude(user__username="patient")
                  .order_by("mrn")[:OTHERS])
        for n, patient in enumerate(others):
            schedule = vouchers if n % 2 == 0 else fishbowl
            enrolment = _enrol(patient, schedule, nurse, days_ago=28)
            plan = [(26 - 4 * k, rng.choices("NPM", weights=[7, 2, 1])[0])
                    for k in range(4 + rng.randrange(3))]
            _screens(enrolment, panel, nurse, plan, settings, rng, tz)


def _uuid(rng) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _schedule(org, name, programme, kind, params, targets) -> CMSchedule:
    schedule, _ = CMSchedule.objects.get_or_create(organisation=org, name=name, defaults={
        "programme": programme, "kind": kind, "parameters": schedules.as_parameters(params),
        "targets": [str(t) for t in targets]})
    return schedule


def _enrol(patient, schedule, by, *, days_ago) -> CMEnrolment:
    return CMEnrolment.objects.create(
        patient=patient, schedule=schedule, enrolled_by=by,
        started_on=timezone.localdate() - timedelta(days=days_ago))


def _when(days_ago: int, tz, rng) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(9 + rng.randrange(6), rng.choice([0, 15, 30, 45])),
                            tzinfo=tz)


def _screens(enrolment, panel, nurse, plan, settings, rng, tz) -> None:
    """One screen per (days ago, N/P/M), oldest first, and its ledger entry."""
    schedule = enrolment.schedule
    params = schedules.params_for(schedule.kind, schedule.parameters)
    history: list[str] = []
    earned = Decimal("0.00")
    for days_ago, result in sorted(plan, key=lambda item: -item[0]):
        at = _when(days_ago, tz, rng)
        screen = _screen(enrolment.patient, panel, nurse, result, at, rng)
        step = engine.step_after(schedule.kind, params, history, result, rng=rng,
                                 earned_so_far=earned, cap=settings.annual_cap)
        LedgerEntry.objects.create(
            uuid=_uuid(rng), patient=enrolment.patient, enrolment=enrolment,
            kind=LedgerKind.EARNED, amount=step.earned, target=Target.NEGATIVE_SCREEN,
            result=result, source_uuid=screen.uuid, capped=step.capped,
            draws=[{"value": str(s.value), "label": s.label} for s in step.draws],
            created_at=at + timedelta(minutes=20), created_by=nurse)
        history.append(result)
        earned = step.balance


def _screen(patient, panel, nurse, result, at, rng) -> DrugScreen:
    if result == engine.MISSED:
        return DrugScreen.objects.create(
            uuid=_uuid(rng), patient=patient, panel=panel, specimen=panel.specimen,
            status=ScreenStatus.MISSED, scheduled_for=at, recorded_by=nurse,
            recorded_at=at + timedelta(hours=2))
    screen = DrugScreen.objects.create(
        uuid=_uuid(rng), patient=patient, panel=panel, specimen=panel.specimen,
        status=ScreenStatus.COLLECTED, collected_at=at, collected_by=nurse, observed_by=nurse,
        method=ScreenMethod.POINT_OF_CARE, recorded_by=nurse,
        recorded_at=at + timedelta(minutes=15),
        reported_use="Used ketamine at the weekend" if result == engine.POSITIVE else "")
    positive = {"ketamine", "norketamine"} if result == engine.POSITIVE else set()
    ScreenResult.objects.bulk_create([
        ScreenResult(screen=screen, analyte=code,
                     result=AnalyteResult.POSITIVE if code in positive
                     else AnalyteResult.NEGATIVE)
        for code in panel.analytes])
    return screen


def _redeem(enrolment, approver, rng) -> None:
    amount, kind, description = REDEMPTION
    asked = timezone.now() - timedelta(days=6)
    redemption = Redemption.objects.create(
        uuid=_uuid(rng), patient=enrolment.patient, amount=amount, kind=kind,
        description=description, status=RedemptionStatus.APPROVED,
        requested_by=enrolment.patient.user, requested_at=asked, decided_by=approver,
        decided_at=asked + timedelta(hours=3), decision_note="Approved (demo)")
    LedgerEntry.objects.create(
        uuid=_uuid(rng), patient=enrolment.patient, enrolment=enrolment,
        kind=LedgerKind.REDEEMED, amount=amount, source_uuid=redemption.uuid,
        note=f"{redemption.get_kind_display()}: {description}",
        created_at=redemption.decided_at, created_by=approver)
