"""Schedule math: every 4 hours for the first 72 hours, then every 8 (the settings'
defaults), counted from the last valid observation; overdue once the due time passes."""

from datetime import UTC as utc
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from carepath.conftest import ctx_for
from carepath.withdrawal import actions, queries, schedule
from carepath.withdrawal.models import ObservationPlan

from .conftest import observe

START = datetime(2026, 3, 2, 8, 0, tzinfo=utc)


def _plan(**values):
    defaults = {"started_at": START, "early_every_hours": 4, "early_for_hours": 72,
                "later_every_hours": 8}
    return ObservationPlan(**{**defaults, **values})


def test_the_first_observation_is_due_when_the_plan_starts():
    assert schedule.next_due(_plan(), None) == START


@pytest.mark.parametrize(("hours_after_start", "due_hours_after_start"), [
    (0, 4), (10, 14), (67.5, 71.5), (71, 75),  # still the first phase when taken
    (72, 80), (80, 88), (200, 208),  # the later phase
])
def test_4_hourly_for_72_hours_then_8_hourly(hours_after_start, due_hours_after_start):
    taken = START + timedelta(hours=hours_after_start)
    assert schedule.next_due(_plan(), taken) == START + timedelta(hours=due_hours_after_start)


def test_an_ended_plan_has_nothing_due():
    status = schedule.status(_plan(ended_at=START + timedelta(days=3)), None,
                             START + timedelta(days=4))
    assert (status.due_at, status.overdue, status.phase) == (None, False, "ended")


def test_overdue_once_the_due_time_has_passed():
    last = START + timedelta(hours=4)
    on_time = schedule.status(_plan(), last, START + timedelta(hours=8))
    late = schedule.status(_plan(), last, START + timedelta(hours=9, minutes=30))
    assert (on_time.overdue, on_time.minutes_overdue) == (False, 0)
    assert (late.overdue, late.minutes_overdue, late.phase) == (True, 90, "early")
    assert schedule.status(_plan(), None, START + timedelta(hours=100)).phase == "later"


def test_the_default_plan_comes_from_settings(settings):
    settings.CAREPATH_OBSERVATION_EARLY_EVERY_HOURS = 2
    settings.CAREPATH_OBSERVATION_EARLY_FOR_HOURS = 24
    settings.CAREPATH_OBSERVATION_LATER_EVERY_HOURS = 6
    assert schedule.default_plan_values() == {"early_every_hours": 2, "early_for_hours": 24,
                                              "later_every_hours": 6}


@pytest.mark.django_db
def test_started_plan_uses_settings_and_entries_in_error_do_not_count(in_withdrawal, nurse):
    plan = actions.start_plan(ctx_for(nurse), in_withdrawal,
                              started_at=timezone.now() - timedelta(hours=10))
    assert (plan.early_every_hours, plan.early_for_hours, plan.later_every_hours) == (4, 72, 8)
    first = observe(nurse, in_withdrawal, ago=timedelta(hours=9), craving=3)
    wrong = observe(nurse, in_withdrawal, ago=timedelta(hours=1), craving=3)
    actions.mark_entered_in_error(ctx_for(nurse), wrong, "Recorded on the wrong patient")
    _, status = queries.plan_status(in_withdrawal)
    assert status.due_at == first.taken_at + timedelta(hours=4)
    assert status.overdue


@pytest.mark.django_db
def test_adjusting_the_plan_moves_the_next_due_time(in_withdrawal, nurse):
    plan = actions.start_plan(ctx_for(nurse), in_withdrawal,
                              started_at=timezone.now() - timedelta(hours=3))
    taken = observe(nurse, in_withdrawal, ago=timedelta(hours=1), craving=1).taken_at
    actions.adjust_plan(ctx_for(nurse), plan, early_every_hours=2, early_for_hours=24,
                        later_every_hours=6)
    _, status = queries.plan_status(in_withdrawal)
    assert status.due_at == taken + timedelta(hours=2)


@pytest.mark.django_db
def test_plan_values_are_checked_and_a_second_plan_is_refused(in_withdrawal, nurse):
    with pytest.raises(ValidationError) as refused:
        actions.start_plan(ctx_for(nurse), in_withdrawal, early_every_hours=0)
    assert refused.value.message_dict["early_every_hours"] == [
        "Observe every (first phase) must be a whole number of hours from 1 to 24."]
    plan = actions.start_plan(ctx_for(nurse), in_withdrawal)
    assert actions.start_plan(ctx_for(nurse), in_withdrawal) == plan  # a retried form
    with pytest.raises(ValidationError, match="adjust it instead"):
        actions.start_plan(ctx_for(nurse), in_withdrawal, early_every_hours=2)
    ended = actions.end_plan(ctx_for(nurse), plan)
    assert queries.plan_status(in_withdrawal)[1].due_at is None and ended.ended_at
    restarted = actions.start_plan(ctx_for(nurse), in_withdrawal, early_every_hours=2)
    assert (restarted.pk, restarted.ended_at, restarted.early_every_hours) == (plan.pk, None, 2)
