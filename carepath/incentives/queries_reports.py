"""Contingency-management report by programme: patients enrolled, screens, negative
screens, the negative-screen rate, earned, redeemed and the cost per negative screen, over
a date range in the organisation's time zone.

Set-based: six queries (settings, programmes, enrolments grouped and in total, the
ledger grouped and in total) whatever the number of programmes, schedules or patients.
Screens are counted from the ledger (every result reinforced for the ``negative_screen``
target writes one earning entry, amount 0 for P or M), so a screen counts for the
programme whose schedule it was reinforced under, as it counted at the time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, Sum

from .engine import NEGATIVE
from .models import CMEnrolment, CMSchedule, CMSettings, LedgerEntry, LedgerKind, Target

NO_PROGRAMME = "No programme"
DEFAULT_DAYS = 90
ZERO = Decimal("0.00")


@dataclass
class Line:
    programme: str
    patients: int = 0
    screens: int = 0
    negatives: int = 0
    earned: Decimal = ZERO
    redeemed: Decimal = ZERO
    earned_on_negatives: Decimal = ZERO

    @property
    def negative_rate(self) -> Decimal | None:
        """Per cent of screens negative; None with no screens (shown as a dash)."""
        if not self.screens:
            return None
        return (Decimal(self.negatives) * 100 / self.screens).quantize(Decimal("0.1"))

    @property
    def cost_per_negative(self) -> Decimal | None:
        """Earned on the negative-screen target / negative screens; None with none."""
        if not self.negatives:
            return None
        return (self.earned_on_negatives / self.negatives).quantize(Decimal("0.01"))


@dataclass
class Report:
    since: date
    until: date
    currency: str
    lines: list[Line]
    total: Line


def default_range(today: date) -> tuple[date, date]:
    return today - timedelta(days=DEFAULT_DAYS - 1), today


def _bounds(since: date, until: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Whole local days: from the start of ``since`` to the start of the day after ``until``."""
    return (datetime.combine(since, time.min, tzinfo=tz),
            datetime.combine(until + timedelta(days=1), time.min, tzinfo=tz))


def _key(programme_id) -> object:
    return programme_id if programme_id is not None else NO_PROGRAMME


def cm_report(organisation, since: date, until: date) -> Report:
    tz = ZoneInfo(organisation.time_zone or "UTC")
    start, end = _bounds(since, until, tz)
    settings = CMSettings.objects.filter(organisation=organisation).first()

    lines: dict[object, Line] = {}
    # Every programme that has a schedule appears, even with nothing in the range.
    for programme_id, name in (CMSchedule.objects.filter(organisation=organisation)
                               .values_list("programme_id", "programme__name").distinct()):
        lines.setdefault(_key(programme_id), Line(name or NO_PROGRAMME))

    in_range = Q(started_on__lte=until) & (Q(ended_on__isnull=True) | Q(ended_on__gte=since))
    enrolments = CMEnrolment.objects.filter(in_range, schedule__organisation=organisation)
    for row in (enrolments.values("schedule__programme_id", "schedule__programme__name")
                .annotate(patients=Count("patient", distinct=True)).order_by()):
        line = lines.setdefault(_key(row["schedule__programme_id"]),
                                Line(row["schedule__programme__name"] or NO_PROGRAMME))
        line.patients = row["patients"]

    earned = Q(kind=LedgerKind.EARNED)
    screen = earned & Q(target=Target.NEGATIVE_SCREEN)
    negative = screen & Q(result=NEGATIVE)
    ledger = LedgerEntry.objects.filter(enrolment__schedule__organisation=organisation,
                                        created_at__gte=start, created_at__lt=end)
    sums = {"screens": Count("source_uuid", distinct=True, filter=screen),
            "negatives": Count("source_uuid", distinct=True, filter=negative),
            "earned": Sum("amount", filter=earned),
            "redeemed": Sum("amount", filter=Q(kind=LedgerKind.REDEEMED)),
            "earned_on_negatives": Sum("amount", filter=screen)}
    for row in (ledger.values("enrolment__schedule__programme_id",
                              "enrolment__schedule__programme__name")
                .annotate(**sums).order_by()):
        line = lines.setdefault(_key(row["enrolment__schedule__programme_id"]),
                                Line(row["enrolment__schedule__programme__name"]
                                     or NO_PROGRAMME))
        _fill(line, row)

    ordered = sorted(lines.values(), key=lambda ln: (ln.programme == NO_PROGRAMME,
                                                     ln.programme.lower()))
    # Totals are counted afresh, not summed: a patient (or a screen) in two programmes
    # is one patient (one screen) overall.
    total = Line("All programmes",
                 patients=enrolments.aggregate(n=Count("patient", distinct=True))["n"])
    _fill(total, ledger.aggregate(**sums))
    return Report(since, until, settings.currency if settings else "GBP", ordered, total)


def _fill(line: Line, row: dict) -> None:
    line.screens, line.negatives = row["screens"], row["negatives"]
    line.earned = row["earned"] or ZERO
    line.redeemed = row["redeemed"] or ZERO
    line.earned_on_negatives = row["earned_on_negatives"] or ZERO


# --- One patient's history (the chart and its table) ---------------------------------


@dataclass
class ScreenPoint:
    day: date
    screen: object  # DrugScreen, with panel, results and amendments loaded
    outcome: str  # N, P or M (outcomes.outcome)
    earned: Decimal | None  # None: no earning entry (not enrolled, or not reinforced)


@dataclass
class MoneyPoint:
    day: date
    entry: object | None  # LedgerEntry; None for the opening row
    earned_total: Decimal  # earned so far, ever
    balance: Decimal  # earned minus redeemed so far, ever


@dataclass
class History:
    screens: list[ScreenPoint]
    money: list[MoneyPoint]
    opening: MoneyPoint
    currency: str


def patient_history(patient, since: date, until: date) -> History:
    """Screens and ledger movements between ``since`` and ``until`` (local days), with the
    running totals carried in from before ``since``: five queries however many rows."""
    from django.db.models.functions import Coalesce

    from .models import DrugScreen, ScreenStatus
    from .outcomes import outcome

    tz = ZoneInfo(patient.organisation.time_zone or "UTC")
    start, end = _bounds(since, until, tz)
    screens = list(DrugScreen.objects.filter(patient=patient)
                   .exclude(status=ScreenStatus.SCHEDULED)
                   .annotate(at=Coalesce("collected_at", "scheduled_for", "recorded_at"))
                   .filter(at__gte=start, at__lt=end).order_by("at", "pk")
                   .select_related("panel").prefetch_related("results", "amendments"))
    entries = list(LedgerEntry.objects.filter(patient=patient, created_at__gte=start,
                                              created_at__lt=end).order_by("created_at", "pk"))
    before = LedgerEntry.objects.filter(patient=patient, created_at__lt=start).aggregate(
        earned=Sum("amount", filter=Q(kind=LedgerKind.EARNED)),
        redeemed=Sum("amount", filter=Q(kind=LedgerKind.REDEEMED)))
    earned, redeemed = before["earned"] or ZERO, before["redeemed"] or ZERO
    opening = MoneyPoint(since, None, earned, earned - redeemed)

    by_screen: dict = {}
    money = []
    for entry in entries:
        if entry.kind == LedgerKind.EARNED:
            earned += entry.amount
            if entry.target == Target.NEGATIVE_SCREEN and entry.source_uuid:
                by_screen[entry.source_uuid] = by_screen.get(entry.source_uuid, ZERO) \
                    + entry.amount
        else:
            redeemed += entry.amount
        money.append(MoneyPoint(entry.created_at.astimezone(tz).date(), entry, earned,
                                earned - redeemed))
    points = [ScreenPoint(s.at.astimezone(tz).date(), s, outcome(s), by_screen.get(s.uuid))
              for s in screens]
    settings = CMSettings.objects.filter(organisation_id=patient.organisation_id).first()
    return History(points, money, opening, settings.currency if settings else "GBP")
