"""The demo patient has a two-version plan and two risk windows; a few others have plans;
loading twice adds nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carepath.patients import demo
from carepath.patients.models import Patient
from carepath.recovery import windows
from carepath.recovery.demo_plans import add_demo_plans
from carepath.recovery.models import RelapsePreventionPlan, RiskWindow


@pytest.mark.django_db
def test_demo_plans_and_windows(monkeypatch):
    monkeypatch.setattr(demo, "EXTENSIONS", [])
    org = demo.create_demo(seed=2026, patients=12)
    add_demo_plans(org, 2026)
    me = Patient.objects.get(organisation=org, user__username="patient")
    v1, v2 = RelapsePreventionPlan.objects.filter(patient=me).order_by("version")
    assert v1.written_with == v1.written_by and v1.written_by.account_type == "staff"
    assert v2.written_by == me.user and "Alex" in [p["name"] for p in v2.people]
    assert "Alex" not in [p["name"] for p in v1.people]  # the first version is unchanged
    assert RiskWindow.objects.filter(patient=me).count() == 2
    tz = windows.zone(org)
    weekly = RiskWindow.objects.get(patient=me, repeats="weekly")
    once = RiskWindow.objects.get(patient=me, repeats="none")
    assert weekly.starts_at.astimezone(tz).weekday() == 4  # Friday
    assert weekly.starts_at.astimezone(tz).hour == 22
    assert timedelta(days=28) <= once.starts_at - timezone.now() <= timedelta(days=40)
    others = RelapsePreventionPlan.objects.exclude(patient=me)
    assert others.values("patient").distinct().count() == 5
    count = RelapsePreventionPlan.objects.count(), RiskWindow.objects.count()
    add_demo_plans(org, 2026)
    assert (RelapsePreventionPlan.objects.count(), RiskWindow.objects.count()) == count
