"""Key pages run a fixed number of queries, whatever the page size."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carepath.accounts.tokens import create_token
from carepath.conftest import ctx_for, verified_client
from carepath.measures import actions as measures
from carepath.measures.models import Schedule
from carepath.patients import actions
from carepath.patients.models import LevelOfCare

CHART_LINK = re.compile(rb'href="/patients/[0-9a-f-]{36}/"')
CASELOAD_QUERIES = 18  # 12 + open-alert counts, alert panel, schedules, last responses,
# outreach tasks, overdue plan reviews
API_LIST_QUERIES = 7
CHART_QUERIES = 17


@pytest.fixture
def caseload_of_120(clinician, make_patient):
    # Alerts, a programme schedule and per-patient schedules, so every caseload column
    # has data to fetch.
    Schedule.objects.create(organisation=clinician.organisation, instrument_id="phq-9",
                            level_of_care=LevelOfCare.OUTPATIENT, every_days=14)
    for i in range(120):
        p = make_patient()
        if i % 2:
            actions.open_episode(ctx_for(clinician), p, reason="Referral",
                                 level_of_care=LevelOfCare.OUTPATIENT)
        if i % 10 == 0:
            Schedule.objects.create(organisation=clinician.organisation, patient=p,
                                    instrument_id="phq-9", every_days=7)
            measures.submit(ctx_for(clinician), p, "phq-9",
                            dict(zip("123456789", [1, 1, 1, 1, 1, 1, 1, 1, 1], strict=True)),
                            mode="clinician")


def _count(client, path):
    client.get(path)  # warm the session and OTP device caches like a real browser
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries), response


def test_caseload_queries_do_not_grow_with_page_size(clinician, caseload_of_120):
    client = verified_client(clinician)
    small, page20 = _count(client, "/?page_size=20")
    large, page100 = _count(client, "/?page_size=100")
    assert len(CHART_LINK.findall(page20.content)) == 20
    assert len(CHART_LINK.findall(page100.content)) == 100
    assert small == large == CASELOAD_QUERIES


def test_api_list_queries_do_not_grow_with_page_size(clinician, caseload_of_120):
    _, raw = create_token(ctx_for(clinician), clinician, "t")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    small, r20 = _count(client, "/api/v1/patients?page_size=20")
    large, r100 = _count(client, "/api/v1/patients?page_size=100")
    assert len(r20.json()["items"]) == 20 and len(r100.json()["items"]) == 100
    assert small == large == API_LIST_QUERIES


def test_chart_runs_a_fixed_number_of_queries(clinician, patient):
    client = verified_client(clinician)
    actions.open_episode(ctx_for(clinician), patient, reason="r", level_of_care="outpatient")
    count, _ = _count(client, f"/patients/{patient.uuid}/")
    assert count == CHART_QUERIES


MEASURES_TAB_QUERIES = 25


def test_measures_tab_queries_do_not_grow_with_history(clinician, patient):
    client = verified_client(clinician)
    Schedule.objects.create(organisation=clinician.organisation, patient=patient,
                            instrument_id="gad-7", every_days=7)
    answers = dict(zip("123456789", [1] * 9, strict=True))
    measures.submit(ctx_for(clinician), patient, "phq-9", answers, mode="clinician")
    few, _ = _count(client, f"/patients/{patient.uuid}/measures/")
    for _ in range(30):
        measures.submit(ctx_for(clinician), patient, "phq-9", answers, mode="clinician")
    many, _ = _count(client, f"/patients/{patient.uuid}/measures/")
    assert few == many == MEASURES_TAB_QUERIES
