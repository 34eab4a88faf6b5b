"""Prize draws (Petry fishbowl) with the classic 500-slip bowl (CLINICAL.md §5): 250
praise, 209 x 1, 40 x 20, 1 x 100 -> (209 + 800 + 100) / 500 = 2.218 a draw."""

import random
import secrets
from decimal import Decimal

from carepath.incentives import engine
from carepath.incentives.engine import CLASSIC_BOWL, FishbowlParams, draw, fishbowl

from .engine_support import d


class Recording(random.Random):
    """A seeded generator that notes it was used."""

    calls = 0

    def randrange(self, *args, **kwargs):
        type(self).calls += 1
        return super().randrange(*args, **kwargs)


def test_the_classic_bowl_is_500_slips_with_an_expected_2_218_a_draw():
    assert CLASSIC_BOWL.slips == 500
    assert CLASSIC_BOWL.mean_draw == Decimal("2.218")
    praise = [count for value, count, _ in CLASSIC_BOWL.bowl if value == 0]
    assert praise == [250]


def test_mean_of_a_million_draws_is_within_1_percent_of_2_218():
    rng = random.Random(20240608)
    total = sum(draw(CLASSIC_BOWL, rng).value for _ in range(1_000_000))
    mean = total / 1_000_000
    assert abs(mean - Decimal("2.218")) <= Decimal("0.02218"), mean


def test_every_slip_is_equally_likely():
    # Each index the generator can return picks one slip: the counts are the bowl's.
    class Fixed:
        def __init__(self, index):
            self.index = index

        def randrange(self, n):
            assert n == 500
            return self.index

    tally = {}
    for index in range(500):
        slip = draw(CLASSIC_BOWL, Fixed(index))
        tally[(slip.value, slip.label)] = tally.get((slip.value, slip.label), 0) + 1
    assert tally == {(d(v), label): count for v, count, label in CLASSIC_BOWL.bowl}


def test_production_draws_use_the_operating_systems_csprng(monkeypatch):
    assert isinstance(engine.system_rng(), secrets.SystemRandom)
    Recording.calls = 0
    monkeypatch.setattr(engine, "system_rng", lambda: Recording(1))
    fishbowl("NN")
    assert Recording.calls == 3  # 1 draw, then 2: fishbowl() drew from system_rng
    engine.step_after("fishbowl", CLASSIC_BOWL, ["N"], "N")
    assert Recording.calls == 5  # and so does the ledger's step_after


def test_draws_start_at_one_rise_by_one_and_stop_at_the_cap_of_eight():
    steps = fishbowl("N" * 10, rng=random.Random(1))
    assert [len(s.draws) for s in steps] == [1, 2, 3, 4, 5, 6, 7, 8, 8, 8]
    assert [s.next_draws for s in steps] == [2, 3, 4, 5, 6, 7, 8, 8, 8, 8]


def test_positive_or_missed_resets_to_one_draw_and_earns_nothing():
    steps = fishbowl("NNNPNNMN", rng=random.Random(2))
    assert [len(s.draws) for s in steps] == [1, 2, 3, 0, 1, 2, 0, 1]
    assert steps[3].earned == steps[6].earned == d(0)
    assert steps[3].next_draws == 1


def test_earned_is_the_sum_of_the_slips_and_next_value_the_expected_value():
    steps = fishbowl("NNN", rng=random.Random(3))
    for step in steps:
        assert step.earned == sum((s.value for s in step.draws), d(0))
        assert step.next_value == d(Decimal("2.218") * step.next_draws)


def test_the_cap_keeps_the_slips_drawn_but_earns_only_what_is_left():
    bowl = FishbowlParams(bowl=((Decimal("20"), 1, "Large prize"),))
    steps = fishbowl("NNN", bowl, rng=random.Random(4), cap=50)
    assert [s.earned for s in steps] == [d(20), d(30), d(0)]
    assert [len(s.draws) for s in steps] == [1, 2, 3]
    assert [s.capped for s in steps] == [False, True, True]
    assert steps[-1].next_value == d(0)


def test_a_seed_repeats_the_same_draws():
    first = fishbowl("NNNN", rng=random.Random(99))
    again = fishbowl("NNNN", rng=random.Random(99))
    assert [s.draws for s in first] == [s.draws for s in again]


def test_step_after_draws_as_many_slips_as_the_streak_earns():
    step = engine.step_after("fishbowl", CLASSIC_BOWL, list("NNPNN"), "N",
                             rng=random.Random(5))
    assert len(step.draws) == 3 and step.next_draws == 4
