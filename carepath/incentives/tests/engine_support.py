"""Helpers for the engine and CLI tests: results as strings, money as Decimal."""

from decimal import Decimal


def d(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def earned(steps) -> list[Decimal]:
    return [step.earned for step in steps]


def higgins_value(level: int, streak_before: int) -> Decimal:
    """The Higgins voucher by hand: 2.50 + 1.25 a level, +10 on every third in a row."""
    bonus = Decimal("10") if (streak_before + 1) % 3 == 0 else Decimal("0")
    return d(Decimal("2.50") + Decimal("1.25") * level + bonus)
