"""Review: the chart's observation plan is the open episode's, on PostgreSQL too.

PostgreSQL sorts NULL last in ascending order and SQLite first, so ordering plans by
``episode__closed_at`` alone picked the closed episode's plan on PostgreSQL: the tab
showed the old plan and "adjust" or "end" changed it instead of the current one."""

from datetime import timedelta

from django.utils import timezone

from carepath.conftest import ctx_for
from carepath.patients import actions as patient_actions
from carepath.withdrawal import actions, queries


def test_the_open_episodes_plan_is_chosen_over_a_closed_episodes(in_withdrawal, nurse,
                                                                  clinician):
    ctx = ctx_for(clinician)
    old = actions.start_plan(ctx_for(nurse), in_withdrawal,
                             started_at=timezone.now() - timedelta(days=300))
    patient_actions.close_episode(ctx, old.episode, reason="Completed")
    patient_actions.open_episode(ctx, in_withdrawal, reason="Readmitted",
                                 level_of_care="withdrawal",
                                 opened_at=timezone.now() - timedelta(days=1))
    current = actions.start_plan(ctx_for(nurse), in_withdrawal, early_every_hours=2)
    old.refresh_from_db()
    assert old.ended_at is None  # closing the episode leaves the old plan's row as it was

    chosen = queries.plan_for(in_withdrawal)
    assert chosen.pk == current.pk

    plan, due = queries.plan_status(in_withdrawal)
    assert plan.pk == current.pk and plan.ended_at is None and due is not None
