"""Escalating vouchers with the Higgins defaults (CLINICAL.md §5) and the cap.

Worked by hand: the k-th consecutive negative (k from 0) is worth 2.50 + 1.25k, plus 10 when
it is the 3rd, 6th, 9th ... in a row. 36 negatives: 36 x 2.50 + 1.25 x (0+...+35) + 12 x 10
= 90 + 787.50 + 120 = 997.50.
"""

import pytest

from carepath.incentives import engine
from carepath.incentives.engine import HIGGINS, VoucherParams, vouchers

from .engine_support import d, earned, higgins_value


def test_36_consecutive_negatives_total_997_50():
    steps = vouchers("N" * 36)
    assert steps[-1].balance == d("997.50")
    assert sum(earned(steps)) == d("997.50")


def test_first_vouchers_escalate_with_a_bonus_every_third():
    assert earned(vouchers("NNNNNN")) == [d("2.50"), d("3.75"), d("15.00"), d("6.25"),
                                          d("7.50"), d("18.75")]


def test_next_value_is_what_the_next_negative_earns():
    steps = vouchers("NNNNNNNNNN")
    for before, after in zip(steps, steps[1:], strict=False):
        assert before.next_value == after.earned


def test_a_positive_earns_nothing_and_resets_to_the_start_value():
    steps = vouchers("NNNNP" + "N")
    assert steps[4].earned == d(0)
    assert steps[4].next_value == HIGGINS.start
    assert steps[5].earned == d("2.50")


def test_missed_counts_as_positive():
    with_positive = vouchers("NNNNPNNNNNNN")
    with_missed = vouchers("NNNNMNNNNNNN")
    assert [(s.earned, s.balance, s.next_value) for s in with_positive] == \
        [(s.earned, s.balance, s.next_value) for s in with_missed]
    assert with_missed[4].earned == d(0)


def test_five_negatives_after_a_reset_restore_the_pre_reset_value():
    # 10 negatives reach level 10: the 11th would have earned 2.50 + 12.50 = 15.00.
    before = vouchers("N" * 10)
    pre_reset_value = before[-1].next_value
    assert pre_reset_value == d("15.00")  # the 11th is not a third-in-a-row: no bonus
    steps = vouchers("N" * 10 + "P" + "NNNNN" + "N")
    # The five after the reset climb from the start, the 3rd with its bonus.
    assert earned(steps[11:16]) == [higgins_value(k, k) for k in range(5)]
    # The 6th after the reset earns the pre-reset value; it is also the 6th in a row, so
    # the every-third bonus comes on top: 15.00 + 10.00.
    assert steps[15].next_value == steps[16].earned == pre_reset_value + d("10.00")


def test_without_a_bonus_the_sixth_after_a_reset_earns_exactly_the_pre_reset_value():
    params = VoucherParams(bonus_every=0)
    pre_reset_value = vouchers("N" * 10, params)[-1].next_value
    steps = vouchers("N" * 10 + "P" + "N" * 6, params)
    assert earned(steps[11:16]) == [d("2.50"), d("3.75"), d("5.00"), d("6.25"), d("7.50")]
    assert steps[16].earned == pre_reset_value == d("15.00")


def test_the_restored_value_keeps_escalating():
    steps = vouchers("N" * 10 + "P" + "N" * 7)
    # 7th after the reset: level 11, 7th in a row (no bonus) -> 2.50 + 13.75.
    assert steps[-1].earned == d("16.25")


def test_fewer_than_five_negatives_do_not_restore():
    steps = vouchers("N" * 10 + "P" + "NNNN")
    assert steps[-1].next_value == higgins_value(4, 4)


def test_a_second_lapse_before_the_restore_keeps_the_highest_earlier_value():
    # Interpretation (docs [R]): the value to restore is the highest reached before lapses.
    params = VoucherParams(bonus_every=0)
    steps = vouchers("N" * 10 + "P" + "NN" + "M" + "NNNNN" + "N", params)
    assert steps[-1].earned == d("15.00")


def test_earned_value_is_never_lost():
    steps = vouchers("NNNNNPMPNNM")
    balances = [s.balance for s in steps]
    assert balances == sorted(balances)
    assert balances[-1] == sum(earned(steps))
    assert steps[5].balance == steps[4].balance  # a positive takes nothing back


def test_maximum_caps_the_escalating_value_and_the_bonus_comes_on_top():
    params = VoucherParams(maximum=d("5.00"))
    values = earned(vouchers("N" * 9, params))
    assert values == [d("2.50"), d("3.75"), d("15.00"), d("5.00"), d("5.00"), d("15.00"),
                      d("5.00"), d("5.00"), d("15.00")]


def test_the_cap_cuts_the_step_that_would_pass_it_and_then_earns_nothing():
    steps = vouchers("NNNN", cap=10)
    assert earned(steps) == [d("2.50"), d("3.75"), d("3.75"), d(0)]
    assert [s.capped for s in steps] == [False, False, True, True]
    assert steps[-1].balance == d("10.00")
    assert steps[2].next_value == d(0)


def test_next_value_never_promises_more_than_the_cap_leaves():
    steps = vouchers("NN", cap=7)
    assert steps[0].next_value == d("3.75")
    assert steps[1].next_value == d("0.75")


def test_step_after_matches_the_whole_sequence():
    history = list("NNNNNNNNNNPNNNN")
    whole = vouchers([*history, "N"])
    step = engine.step_after("vouchers", HIGGINS, history, "N",
                             earned_so_far=whole[-2].balance)
    assert (step.earned, step.balance, step.next_value) == \
        (whole[-1].earned, whole[-1].balance, whole[-1].next_value)


def test_step_after_with_a_cap_lowered_below_this_years_total_earns_nothing():
    step = engine.step_after("vouchers", HIGGINS, ["N"], "N", earned_so_far=80, cap=75)
    assert step.earned == d(0) and step.capped and step.next_value == d(0)


def test_bad_result_letters_are_refused():
    with pytest.raises(ValueError, match="N, P or M"):
        vouchers("NNX")
