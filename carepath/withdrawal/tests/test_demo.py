"""The demo gives the demo nurse one patient in supervised withdrawal with two days of
observations, one of them a red flag that raised an open alert."""

import time

import pytest

from carepath.accounts.models import User
from carepath.alerts.models import Alert
from carepath.patients import demo
from carepath.withdrawal import queries
from carepath.withdrawal.demo import add_demo_withdrawal
from carepath.withdrawal.models import MedicationNote, Observation, ObservationPlan

pytestmark = pytest.mark.django_db


def test_the_demo_nurse_has_a_patient_in_withdrawal_with_a_red_flag():
    org = demo.create_demo(seed=7, patients=12)
    nurse = User.objects.get(organisation=org, username="nurse")
    rows = queries.board(nurse)
    assert len(rows) == 1
    patient = rows[0].patient
    observations = Observation.objects.filter(patient=patient)
    assert observations.count() == 13  # 48 hours, 4-hourly, both ends
    assert [o.red_flags for o in observations if o.red_flags] == [
        ["hallucinations-paranoia", "heart-rate-high"]]
    assert Alert.objects.open().filter(patient=patient, flag="withdrawal-red-flag").count() == 1
    assert MedicationNote.objects.filter(patient=patient).count() == 2
    assert not (patient.user and patient.user.username == "patient")  # not the demo sign-in
    assert patient.care_team.filter(user__username="prescriber").exists()


def test_the_demo_loads_fast():
    org = demo.create_demo(seed=8, patients=12)
    Observation.objects.all().delete()
    MedicationNote.objects.all().delete()
    Alert.objects.all().delete()
    ObservationPlan.objects.all().delete()
    started = time.perf_counter()
    add_demo_withdrawal(org, 8)
    assert time.perf_counter() - started < 2
