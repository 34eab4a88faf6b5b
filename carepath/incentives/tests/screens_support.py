"""Shared set-up for drug-screen tests (and the other areas' tests that need a screen):
a panel naming ketamine and norketamine, and a negative screen recorded through the
real action (so it reaches rewards.reinforce like a nurse's would)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from carepath.incentives import actions_screens
from carepath.incentives.models import AnalyteResult, Panel

DEFAULT_ANALYTES = ("ketamine", "norketamine", "amphetamine", "cocaine")


def make_panel(org, *, name="Ketamine urine panel", analytes=DEFAULT_ANALYTES,
               specimen="urine", active=True) -> Panel:
    return Panel.objects.create(organisation=org, name=name, specimen=specimen,
                                analytes=list(analytes), active=active)


def all_results(panel, result=AnalyteResult.NEGATIVE, **overrides) -> dict:
    return {code: overrides.get(code, result) for code in panel.analytes}


def record_screen(ctx, patient, panel, *, ago=timedelta(hours=1), results=None, **fields):
    return actions_screens.record_screen(
        ctx, patient, panel=panel, collected_at=timezone.now() - ago,
        results=results if results is not None else all_results(panel), **fields)


def record_negative(ctx, patient, panel, *, ago=timedelta(hours=1), **fields):
    """A collected point-of-care screen, negative for every analyte on ``panel``."""
    return record_screen(ctx, patient, panel, ago=ago, **fields)


def record_positive(ctx, patient, panel, analyte="ketamine", *, ago=timedelta(hours=1),
                    **fields):
    return record_screen(ctx, patient, panel, ago=ago,
                         results=all_results(panel, **{analyte: AnalyteResult.POSITIVE}),
                         **fields)


def add_to_care_team(patient, by, user, role="nurse"):
    from carepath.conftest import ctx_for
    from carepath.patients import actions as patient_actions

    patient_actions.add_care_team_member(ctx_for(by), patient, user, role)
    return user
