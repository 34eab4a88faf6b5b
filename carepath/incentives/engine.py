"""Contingency-management schedules as pure functions: given a schedule's parameters and a
sequence of results (N negative, P positive, M missed), what each result earns.

No Django here: the ledger (carepath.incentives.rewards), the ``carepath cm simulate``
command and the property tests all run the same code.

Escalating vouchers (Higgins; NIDA CRA manual, ../shared/CLINICAL.md §5): the value rises
by ``increment`` with each consecutive negative from ``start``; every ``bonus_every``-th
consecutive negative adds ``bonus``; a positive or a missed specimen earns nothing and
resets the value to ``start``; after ``restore_after`` consecutive negatives following a
reset, the value returns to where it had reached before the reset (the next negative
earns it); earned value is never taken back. ``maximum`` optionally caps the escalating value of one
voucher; the bonus, when due, comes on top of it.

Prize draws (Petry fishbowl): each negative earns draws from a bowl of slips (returned
after each draw); draws start at ``start_draws`` and rise by ``draw_increment`` per
consecutive negative up to ``max_draws``; a positive or missed resets to the start.

An annual ``cap`` (the organisation's) limits the total earned: a step that would pass it
earns only what is left.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

NEGATIVE, POSITIVE, MISSED = "N", "P", "M"
RESULTS = (NEGATIVE, POSITIVE, MISSED)
CENT = Decimal("0.01")


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class VoucherParams:
    start: Decimal = Decimal("2.50")
    increment: Decimal = Decimal("1.25")
    bonus: Decimal = Decimal("10.00")
    bonus_every: int = 3
    restore_after: int = 5
    maximum: Decimal | None = None


# CLINICAL.md §5 [R]: $2.50 first negative, +$1.25 each, $10 every third consecutive.
HIGGINS = VoucherParams()


@dataclass(frozen=True)
class Slip:
    value: Decimal
    label: str


@dataclass(frozen=True)
class FishbowlParams:
    # (value, count, label): value 0 is a slip of praise.
    bowl: tuple[tuple[Decimal, int, str], ...] = (
        (Decimal("0"), 250, "Well done!"),
        (Decimal("1"), 209, "Small prize"),
        (Decimal("20"), 40, "Large prize"),
        (Decimal("100"), 1, "Jumbo prize"),
    )
    start_draws: int = 1
    draw_increment: int = 1
    max_draws: int = 8  # a CarePath design choice, not from a source

    @property
    def slips(self) -> int:
        return sum(count for _, count, _ in self.bowl)

    @property
    def mean_draw(self) -> Decimal:
        total = sum(value * count for value, count, _ in self.bowl)
        return Decimal(total) / self.slips


# CLINICAL.md §5 [R]: 500 slips = 250 praise, 209 × $1, 40 × $20, 1 × $100 (2.218 a draw).
CLASSIC_BOWL = FishbowlParams()


@dataclass(frozen=True)
class Step:
    result: str
    earned: Decimal
    balance: Decimal  # total earned so far (the ledger subtracts redemptions)
    next_value: Decimal  # what a negative next would earn (fishbowl: expected value)
    next_draws: int = 0  # fishbowl only
    draws: tuple[Slip, ...] = field(default_factory=tuple)  # fishbowl only
    capped: bool = False  # the annual cap cut this step's earning


def _check(results) -> list[str]:
    results = [str(r).strip().upper() for r in results]
    bad = [r for r in results if r not in RESULTS]
    if bad:
        raise ValueError(f"Results must be N, P or M; got {', '.join(sorted(set(bad)))}.")
    return results


def _apply_cap(earned: Decimal, total: Decimal, cap: Decimal | None) -> tuple[Decimal, bool]:
    if cap is None or total + earned <= cap:
        return earned, False
    return max(cap - total, Decimal("0.00")), True


def _cap_next(next_value: Decimal, total: Decimal, cap: Decimal | None) -> Decimal:
    # What is left under the cap; never negative (a cap lowered below this year's total).
    if cap is None:
        return next_value
    return max(min(next_value, cap - total), Decimal("0.00"))


class _Vouchers:
    def __init__(self, p: VoucherParams):
        self.p, self.level, self.streak = p, 0, 0
        self.restore_level: int | None = None
        self.since_reset = 0

    def value(self) -> Decimal:
        value = money(self.p.start + self.p.increment * self.level)
        if self.p.maximum is not None:
            value = min(value, money(self.p.maximum))
        bonus = self.p.bonus if self.p.bonus_every and (self.streak + 1) % self.p.bonus_every == 0 \
            else Decimal("0")
        return money(value + bonus)

    def negative(self) -> Decimal:
        earned = self.value()
        self.streak += 1
        self.level += 1
        if self.restore_level is not None:
            self.since_reset += 1
            if self.since_reset >= self.p.restore_after:
                self.level = max(self.level, self.restore_level)
                self.restore_level = None
        return earned

    def reset(self) -> None:
        self.restore_level = max(self.restore_level or 0, self.level)
        self.level, self.streak, self.since_reset = 0, 0, 0


def vouchers(results, params: VoucherParams = HIGGINS, *, cap=None) -> list[Step]:
    state, total, steps = _Vouchers(params), Decimal("0.00"), []
    cap = money(cap) if cap is not None else None
    for result in _check(results):
        if result == NEGATIVE:
            earned, capped = _apply_cap(state.negative(), total, cap)
        else:
            state.reset()
            earned, capped = Decimal("0.00"), False
        total += earned
        next_value = _cap_next(state.value(), total, cap)
        steps.append(Step(result, earned, total, next_value, capped=capped))
    return steps


def system_rng():
    """The generator every real draw uses: the operating system's CSPRNG."""
    return secrets.SystemRandom()


@lru_cache(maxsize=32)
def expanded(bowl: FishbowlParams) -> tuple[Slip, ...]:
    """Every slip in the bowl, one entry per slip (cached: a bowl is immutable)."""
    return tuple(Slip(money(value), label) for value, count, label in bowl.bowl
                 for _ in range(count))


def draw(bowl: FishbowlParams, rng) -> Slip:
    """One slip, returned to the bowl afterwards (each draw from the full bowl): every slip
    is equally likely, so a value's chance is its count over the bowl's size."""
    slips = expanded(bowl)
    return slips[rng.randrange(len(slips))]


def fishbowl(results, params: FishbowlParams = CLASSIC_BOWL, *, rng=None,
             cap=None) -> list[Step]:
    rng = rng or system_rng()
    streak, total, steps = 0, Decimal("0.00"), []
    cap = money(cap) if cap is not None else None

    def draws_for(streak: int) -> int:
        return min(params.start_draws + params.draw_increment * streak, params.max_draws)

    for result in _check(results):
        slips: tuple[Slip, ...] = ()
        if result == NEGATIVE:
            slips = tuple(draw(params, rng) for _ in range(draws_for(streak)))
            earned, capped = _apply_cap(money(sum(s.value for s in slips)), total, cap)
            streak += 1
        else:
            earned, capped, streak = Decimal("0.00"), False, 0
        total += earned
        next_draws = draws_for(streak)
        next_value = _cap_next(money(params.mean_draw * next_draws), total, cap)
        steps.append(Step(result, earned, total, next_value,
                          next_draws=next_draws, draws=slips, capped=capped))
    return steps


def step_after(kind: str, params, history, result: str, *, rng=None, earned_so_far=0,
               cap=None) -> Step:
    """The next step after ``history`` (earlier results, oldest first) for ``result``,
    without re-drawing earlier fishbowl draws: what the ledger calls for each new result.
    ``earned_so_far`` and ``cap`` are this year's (the cap is annual)."""
    results = _check([*history, result])
    earned_so_far = money(earned_so_far)
    if kind == "vouchers":
        state_steps = vouchers(results, params)
        raw = state_steps[-1].earned
        next_value = state_steps[-1].next_value
        slips: tuple[Slip, ...] = ()
        next_draws = 0
    elif kind == "fishbowl":
        streak = 0
        for earlier in results[:-1]:
            streak = streak + 1 if earlier == NEGATIVE else 0
        rng = rng or system_rng()
        slips = ()
        if result == NEGATIVE:
            count = min(params.start_draws + params.draw_increment * streak, params.max_draws)
            slips = tuple(draw(params, rng) for _ in range(count))
            streak += 1
        else:
            streak = 0
        raw = money(sum(s.value for s in slips))
        next_draws = min(params.start_draws + params.draw_increment * streak, params.max_draws)
        next_value = money(params.mean_draw * next_draws)
    else:
        raise ValueError(f"No schedule kind {kind!r}.")
    cap = money(cap) if cap is not None else None
    earned, capped = _apply_cap(raw, earned_so_far, cap)
    total = earned_so_far + earned
    next_value = _cap_next(next_value, total, cap)
    return Step(result, earned, total, next_value, next_draws=next_draws, draws=slips,
                capped=capped)
