"""The demo has plans made by the actions: one overdue for review (a patient of the demo
user "clinician"), one revised and acknowledged, one draft; fast and loaded once."""

import time

import pytest
from django.utils import timezone

from carepath.accounts.models import User
from carepath.patients import demo
from carepath.treatment import queries_plans as queries
from carepath.treatment.demo_plans import add_demo_plans
from carepath.treatment.models import PlanStatus, TreatmentPlan


@pytest.mark.django_db
def test_demo_plans_include_an_overdue_review_for_the_demo_clinician(monkeypatch):
    monkeypatch.setattr(demo, "EXTENSIONS", [e for e in demo.EXTENSIONS if e is not add_demo_plans])
    org = demo.create_demo(seed=2026, patients=60)
    started = time.monotonic()
    add_demo_plans(org, 2026)
    assert time.monotonic() - started < 2
    clinician = User.objects.get(username="clinician")
    overdue = list(queries.reviews_overdue(clinician, timezone.localdate()))
    assert len(overdue) == 1 and overdue[0].next_review_on < timezone.localdate()
    assert TreatmentPlan.objects.filter(status=PlanStatus.SUPERSEDED).count() == 1
    revised = TreatmentPlan.objects.get(status=PlanStatus.ACTIVE, version=2)
    assert revised.patient_acknowledged_at is not None and revised.reviews.count() == 1
    assert TreatmentPlan.objects.filter(status=PlanStatus.DRAFT).count() == 1
    count = TreatmentPlan.objects.count()
    add_demo_plans(org, 2026)
    assert TreatmentPlan.objects.count() == count
