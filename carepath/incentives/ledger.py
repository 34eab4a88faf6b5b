"""Reading a patient's CM account: balance, earned this year against the organisation's
cap, redeemed this year, and the next possible reward. Also the few helpers every writer
of the ledger shares (the organisation's settings, the year's bounds, the account lock).

The year is the calendar year of ``timezone.localdate()`` (the server's time zone, not
the organisation's): a CarePath simplification, documented in docs/cm-ledger.md.
Every read here is a fixed number of queries, whatever the length of the ledger.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from . import engine, schedules
from .models import CMEnrolment, CMSettings, LedgerEntry, LedgerKind, ScheduleKind

ZERO = Decimal("0.00")
SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€"}
TARGET_WORDS = {"negative_screen": "negative screen", "attendance": "session you attend",
                "checkin_streak": "check-in streak"}


def settings_for(organisation) -> CMSettings:
    """The organisation's CM settings, made with the defaults the first time."""
    found, _ = CMSettings.objects.get_or_create(organisation=organisation)
    return found


def money_text(amount, currency: str) -> str:
    """£7.50, $7.50, or "7.50 CHF" for a currency without a symbol here."""
    amount = engine.money(amount or 0)
    symbol = SYMBOLS.get((currency or "").upper())
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"


def year_bounds(today: datetime.date | None = None) -> tuple[datetime.datetime,
                                                             datetime.datetime]:
    """The current calendar year as aware datetimes [start, end)."""
    year = (today or timezone.localdate()).year
    zone = timezone.get_current_timezone()
    return (datetime.datetime(year, 1, 1, tzinfo=zone),
            datetime.datetime(year + 1, 1, 1, tzinfo=zone))


def lock_account(patient) -> CMEnrolment | None:
    """Lock every enrolment of the patient (in pk order, so two writers never deadlock)
    for the rest of the transaction: earnings and redemptions are then serialised per
    patient, so the balance and cap checks cannot race. Returns the latest enrolment."""
    locked = list(CMEnrolment.objects.select_for_update().filter(patient=patient)
                  .order_by("pk"))
    return max(locked, key=lambda e: (e.started_on, e.pk)) if locked else None


def active_enrolment(patient) -> CMEnrolment | None:
    return (CMEnrolment.objects.filter(patient=patient, ended_on__isnull=True)
            .select_related("schedule", "schedule__programme").first())


def params_for(schedule):
    """The engine's parameters for a schedule (schedules.params_for checks them; empty
    parameters give the Higgins defaults or the classic bowl)."""
    return schedules.params_for(schedule.kind, schedule.parameters)


@dataclass(frozen=True)
class Totals:
    earned: Decimal
    redeemed: Decimal
    earned_this_year: Decimal
    redeemed_this_year: Decimal

    @property
    def balance(self) -> Decimal:
        # Approval checks the balance under a lock, so this is never negative; max() is
        # the belt to those braces for what a page shows.
        return max(self.earned - self.redeemed, ZERO)


def totals(patient) -> Totals:
    """All four sums in one query."""
    start, end = year_bounds()
    this_year = Q(created_at__gte=start, created_at__lt=end)
    sums = LedgerEntry.objects.filter(patient=patient).aggregate(
        earned=Sum("amount", filter=Q(kind=LedgerKind.EARNED)),
        redeemed=Sum("amount", filter=Q(kind=LedgerKind.REDEEMED)),
        earned_year=Sum("amount", filter=Q(kind=LedgerKind.EARNED) & this_year),
        redeemed_year=Sum("amount", filter=Q(kind=LedgerKind.REDEEMED) & this_year))
    return Totals(*(engine.money(sums[k] or 0)
                    for k in ("earned", "redeemed", "earned_year", "redeemed_year")))


def _history(enrolment, target: str) -> list[str]:
    return list(LedgerEntry.objects.filter(enrolment=enrolment, kind=LedgerKind.EARNED,
                                           target=target)
                .order_by("created_at", "pk").values_list("result", flat=True))


def next_reward(enrolment, cap_left: Decimal, currency: str) -> str:
    """What the next success on the schedule's first target would earn, in plain words
    ("Your next negative screen earns £6.25" or "... earns 3 draws")."""
    if enrolment is None or not enrolment.schedule.targets:
        return ""
    schedule = enrolment.schedule
    target = ("negative_screen" if "negative_screen" in schedule.targets
              else schedule.targets[0])
    what = TARGET_WORDS.get(target, target)
    if cap_left <= 0:
        return ("You have reached this year's limit, so new rewards start again on "
                "1 January. Everything you have earned stays yours to spend.")
    params, history = params_for(schedule), _history(enrolment, target)
    if schedule.kind == ScheduleKind.FISHBOWL:
        streak = 0
        for result in history:
            streak = streak + 1 if result == engine.NEGATIVE else 0
        draws = min(params.start_draws + params.draw_increment * streak, params.max_draws)
        return f"Your next {what} earns {draws} draw{'s' if draws != 1 else ''}."
    value = engine.vouchers([*history, engine.NEGATIVE], params)[-1].earned
    if value > cap_left:
        return (f"Your next {what} earns {money_text(cap_left, currency)}, which is what "
                "is left under this year's limit.")
    return f"Your next {what} earns {money_text(value, currency)}."


@dataclass(frozen=True)
class Account:
    enrolment: CMEnrolment | None
    totals: Totals
    cap: Decimal
    currency: str
    next_reward: str

    @property
    def balance(self) -> Decimal:
        return self.totals.balance

    @property
    def cap_left(self) -> Decimal:
        return max(self.cap - self.totals.earned_this_year, ZERO)

    def text(self, amount) -> str:
        return money_text(amount, self.currency)

    # What the templates show (they have no money filter).
    @property
    def balance_text(self) -> str:
        return self.text(self.balance)

    @property
    def earned_year_text(self) -> str:
        return self.text(self.totals.earned_this_year)

    @property
    def redeemed_year_text(self) -> str:
        return self.text(self.totals.redeemed_this_year)

    @property
    def cap_text(self) -> str:
        return self.text(self.cap)

    @property
    def cap_left_text(self) -> str:
        return self.text(self.cap_left)


def account(patient) -> Account:
    """The summary both pages show (a fixed handful of queries)."""
    settings = settings_for(patient.organisation)
    enrolment = active_enrolment(patient)
    sums = totals(patient)
    cap = engine.money(settings.annual_cap)
    left = max(cap - sums.earned_this_year, ZERO)
    return Account(enrolment, sums, cap, settings.currency,
                   next_reward(enrolment, left, settings.currency))


def entries(patient, limit: int | None = None) -> list[LedgerEntry]:
    """The ledger, newest first (one query)."""
    rows = (LedgerEntry.objects.filter(patient=patient).select_related("created_by")
            .order_by("-created_at", "-pk"))
    return list(rows[:limit] if limit else rows)
