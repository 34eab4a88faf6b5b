"""A patient in supervised withdrawal: open episode at the withdrawal level, with a nurse
and a prescriber on the care team beside the clinician who created the record."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.conftest import ctx_for
from carepath.patients import actions as patient_actions
from carepath.withdrawal import actions


@pytest.fixture
def nurse(make_user, supervisor):
    return make_user(Role.NURSE, supervisor=supervisor)


@pytest.fixture
def prescriber(make_user, supervisor):
    return make_user(Role.PRESCRIBER, supervisor=supervisor)


@pytest.fixture
def in_withdrawal(patient, clinician, nurse, prescriber):
    ctx = ctx_for(clinician)
    patient_actions.open_episode(ctx, patient, reason="Supervised withdrawal",
                                 level_of_care="withdrawal",
                                 opened_at=timezone.now() - timedelta(days=400))
    patient_actions.add_care_team_member(ctx, patient, nurse, "nurse")
    patient_actions.add_care_team_member(ctx, patient, prescriber, "prescriber")
    return patient


@pytest.fixture
def plan(in_withdrawal, nurse):
    return actions.start_plan(ctx_for(nurse), in_withdrawal,
                              started_at=timezone.now() - timedelta(hours=2))


def observe(user, patient, *, ago=timedelta(0), key=None, **values):
    data = {"taken_at": timezone.now() - ago, **values}
    return actions.record_observation(ctx_for(user), patient, data, submission_key=key)
