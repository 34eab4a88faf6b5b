"""Issue 5's key page: the chart of a patient with a year of withdrawal observations and
150 sessions runs the same, bounded number of queries on every tab as a chart with a
few days of history (bench/treatment_chart.py times the same pages)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carepath.conftest import ctx_for, verified_client
from carepath.patients import actions
from carepath.patients.models import LevelOfCare

from .long_history import build_history

pytestmark = pytest.mark.django_db

TABS = ["", "withdrawal/", "sessions/", "notes/", "plans/", "discharge/"]
MOST_QUERIES = 40  # the busiest tab today needs 28-32; growth with history is the failure


def _patient_with_history(clinician, nurse, *, days, sessions, name):
    ctx = ctx_for(clinician)
    patient = actions.create_patient(ctx, {"legal_given_name": name,
                                           "legal_family_name": "History",
                                           "date_of_birth": date(1999, 5, 1)})
    episode = actions.open_episode(ctx, patient, reason="Ketamine",
                                   level_of_care=LevelOfCare.WITHDRAWAL)
    actions.add_care_team_member(ctx, patient, nurse, "nurse")
    build_history(patient.organisation, patient, episode, clinician=clinician, nurse=nurse,
                  days=days, sessions=sessions)
    return patient


def _queries(client, path):
    client.get(path)  # warm the session and OTP caches as a browser would
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def test_every_chart_tab_costs_the_same_with_a_year_of_history(clinician, make_user):
    nurse = make_user("nurse")
    short = _patient_with_history(clinician, nurse, days=2, sessions=3, name="Short")
    long = _patient_with_history(clinician, nurse, days=365, sessions=150, name="Long")
    assert long.observations.count() == 365 * 6 and long.attendances.count() == 150
    client = verified_client(clinician)

    for tab in TABS:
        few = _queries(client, f"/patients/{short.uuid}/{tab}")
        many = _queries(client, f"/patients/{long.uuid}/{tab}")
        assert many == few, f"/{tab}: {few} queries with a short history, {many} with a year"
        assert many <= MOST_QUERIES, f"/{tab}: {many} queries"
