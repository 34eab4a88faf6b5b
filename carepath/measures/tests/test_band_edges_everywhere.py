"""The boundaries of every band, through ``carepath score`` (the command, in-process) and
through the API, with the same cases the engine tests use."""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from carepath.accounts.tokens import create_token
from carepath.conftest import ctx_for

from .test_known_answers import BUILDERS, EDGE_CASES

IDS = [f"{i}-{t}" for i, t, _ in EDGE_CASES]


@pytest.mark.parametrize(("instrument", "total", "band"), EDGE_CASES, ids=IDS)
def test_band_edges_through_carepath_score(instrument, total, band):
    out = io.StringIO()
    call_command("score", instrument, *[str(a) for a in BUILDERS[instrument](total)],
                 stdout=out)
    printed = json.loads(out.getvalue())
    assert (printed["total"], printed["band"]) == (total, band)


@pytest.fixture
def api(clinician):
    _, raw = create_token(ctx_for(clinician), clinician, "test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.mark.django_db
@pytest.mark.parametrize(("instrument", "total", "band"), EDGE_CASES, ids=IDS)
def test_band_edges_through_the_api(api, patient, instrument, total, band):
    response = api.post(f"/api/v1/patients/{patient.uuid}/responses",
                        {"instrument": instrument, "answers": BUILDERS[instrument](total)},
                        content_type="application/json")
    assert response.status_code == 201, response.content
    assert (response.json()["total"], response.json()["band"]) == (total, band)
