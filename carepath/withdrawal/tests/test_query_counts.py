"""The withdrawal tab reads a bounded number of rows with a fixed number of queries: a
year of observations (about 2,000) costs what a handful does."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from carepath.conftest import ctx_for
from carepath.withdrawal import actions
from carepath.withdrawal.models import MedicationNote, Observation

pytestmark = pytest.mark.django_db

TAB_QUERIES = 30


def _fill(patient, nurse, count):
    episode = patient.episodes.get()
    now = timezone.now()
    Observation.objects.bulk_create([
        Observation(patient=patient, episode=episode, recorded_by=nurse,
                    taken_at=now - timedelta(hours=4 * n + 1), craving=n % 11,
                    heart_rate=60 + n % 50, symptoms={"anxiety": n % 4, "tremor": 1},
                    red_flags=["heart-rate-high"] if n % 97 == 0 else [],
                    entered_in_error_at=now if n % 53 == 0 else None,
                    entered_in_error_by=nurse if n % 53 == 0 else None,
                    entered_in_error_reason="Wrong chart entirely" if n % 53 == 0 else "")
        for n in range(count)])
    MedicationNote.objects.bulk_create([
        MedicationNote(patient=patient, episode=episode, recorded_by=nurse,
                       given_at=now - timedelta(hours=6 * n + 1), medicine="Diazepam",
                       dose="5 mg", reason="Agitation") for n in range(count // 4)])


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("window", ["", "?window=336", "?window=336&page=40"])
def test_tab_queries_do_not_grow_with_a_year_of_observations(in_withdrawal, nurse, as_user,
                                                             window):
    actions.start_plan(ctx_for(nurse), in_withdrawal,
                       started_at=timezone.now() - timedelta(days=365))
    client = as_user(nurse)
    url = reverse("withdrawal:chart_withdrawal", args=[in_withdrawal.uuid]) + window
    _fill(in_withdrawal, nurse, 3)
    few, _ = _count(client, url)
    _fill(in_withdrawal, nurse, 2000)
    assert Observation.objects.count() == 2003
    many, response = _count(client, url)
    assert many == few <= TAB_QUERIES
    page = response.content.decode()
    assert page.count('data-testid="observation-row"') == 25


def test_the_tab_never_loads_all_rows(in_withdrawal, nurse, as_user):
    actions.start_plan(ctx_for(nurse), in_withdrawal,
                       started_at=timezone.now() - timedelta(days=365))
    _fill(in_withdrawal, nurse, 2000)
    client = as_user(nurse)
    url = reverse("withdrawal:chart_withdrawal", args=[in_withdrawal.uuid]) + "?window=336"
    _, response = _count(client, url)
    # 14 days at 4-hourly = 84 observations, less the 2 entered in error (n = 0, 53),
    # in the trend; 25 in the page.
    assert len(response.context["trend"]) == 82
    assert len(response.context["page"].object_list) == 25
    assert len(response.context["medication"]) == 20


def test_handover_and_board_queries_are_bounded(in_withdrawal, nurse, as_user,
                                                django_assert_max_num_queries):
    actions.start_plan(ctx_for(nurse), in_withdrawal,
                       started_at=timezone.now() - timedelta(days=365))
    _fill(in_withdrawal, nurse, 2000)
    client = as_user(nurse)
    with django_assert_max_num_queries(TAB_QUERIES):
        response = client.get(reverse("withdrawal:handover", args=[in_withdrawal.uuid]))
    assert len(response.context["report"].observations) == 3
    with django_assert_max_num_queries(12):
        assert client.get(reverse("withdrawal:board")).status_code == 200
