"""The demo has a signed discharge, a readmission and a draft, made by the actions."""

import time

import pytest

from carepath.patients import demo
from carepath.treatment import actions_discharge as actions
from carepath.treatment.demo_discharge import add_demo_discharge
from carepath.treatment.models import Discharge


@pytest.mark.django_db
def test_demo_discharges_are_signed_linked_and_fast(monkeypatch):
    # Load the rest of the demo first, then time this area's part on its own.
    monkeypatch.setattr(demo, "EXTENSIONS",
                        [e for e in demo.EXTENSIONS if e is not add_demo_discharge])
    org = demo.create_demo(seed=2026, patients=60)
    started = time.monotonic()
    add_demo_discharge(org, 2026)
    assert time.monotonic() - started < 2
    signed = list(Discharge.objects.filter(signed_at__isnull=False))
    assert len(signed) == 2 and all(actions.digest_matches(d) for d in signed)
    assert Discharge.objects.filter(signed_at__isnull=True).count() == 1
    readmitted = [d for d in signed if d.patient.episodes.filter(
        previous_episode=d.episode).exists()]
    assert len(readmitted) == 1
    linked = demo.Patient.objects.get(user__username="patient")
    assert linked.episodes.filter(closed_at__isnull=True).exists()
    # Running it again changes nothing.
    add_demo_discharge(org, 2026)
    assert Discharge.objects.count() == 3
