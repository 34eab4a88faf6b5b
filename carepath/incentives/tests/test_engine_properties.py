"""Property tests (hypothesis): whatever the results and cap, earned value is never lost,
never negative and never above the cap, for both schedules and the ledger's step_after."""

import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from carepath.incentives import engine
from carepath.incentives.engine import CLASSIC_BOWL, HIGGINS, fishbowl, vouchers

results = st.lists(st.sampled_from(engine.RESULTS), max_size=80)
caps = st.none() | st.decimals(min_value=0, max_value=1500, places=2)
ZERO = Decimal("0.00")


def check_invariants(steps, cap):
    previous = ZERO
    for step in steps:
        assert step.earned >= ZERO
        assert step.next_value >= ZERO
        assert step.balance >= ZERO
        assert step.balance >= previous  # earned never decreases
        assert step.balance == previous + step.earned
        if step.result != engine.NEGATIVE:
            assert step.earned == ZERO
        if cap is not None:
            assert step.balance <= cap
            assert step.balance + step.next_value <= cap
        previous = step.balance


@given(results, caps)
def test_vouchers_never_lose_value_nor_pass_the_cap(sequence, cap):
    check_invariants(vouchers(sequence, HIGGINS, cap=cap), cap)


@given(results, caps, st.integers(0, 2**32))
def test_fishbowl_never_loses_value_nor_passes_the_cap(sequence, cap, seed):
    steps = fishbowl(sequence, CLASSIC_BOWL, rng=random.Random(seed), cap=cap)
    check_invariants(steps, cap)
    for step in steps:
        assert (len(step.draws) > 0) == (step.result == engine.NEGATIVE)
        assert 1 <= step.next_draws <= CLASSIC_BOWL.max_draws


@settings(max_examples=50)
@given(results.filter(bool), caps)
def test_step_after_replays_the_voucher_sequence(sequence, cap):
    whole = vouchers(sequence, HIGGINS, cap=cap)
    so_far = ZERO
    for i, result in enumerate(sequence):
        step = engine.step_after("vouchers", HIGGINS, sequence[:i], result,
                                 earned_so_far=so_far, cap=cap)
        assert (step.earned, step.balance, step.next_value) == \
            (whole[i].earned, whole[i].balance, whole[i].next_value)
        so_far = step.balance
