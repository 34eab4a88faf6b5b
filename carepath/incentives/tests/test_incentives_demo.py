"""The demo's contingency management: a ketamine panel, a vouchers and a prize-draw
schedule on two programmes, the organisation's settings, the demo patient's eight screens
whose ledger matches the Higgins schedule, one approved redemption, a few other patients;
deterministic for a seed; loading twice adds nothing."""

from decimal import Decimal

import pytest

from carepath.incentives import engine, ledger
from carepath.incentives.demo import add_demo_incentives
from carepath.incentives.models import (
    CMEnrolment,
    CMSchedule,
    CMSettings,
    DrugScreen,
    LedgerEntry,
    LedgerKind,
    Panel,
    Redemption,
    RedemptionStatus,
    Target,
)
from carepath.incentives.outcomes import outcome
from carepath.patients import demo
from carepath.patients.models import Patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(monkeypatch):
    monkeypatch.setattr(demo, "EXTENSIONS", [])
    org = demo.create_demo(seed=2026, patients=12)
    add_demo_incentives(org, 2026)
    return org


def test_demo_reference_data(org):
    panel = Panel.objects.get(organisation=org, name="Urine ketamine panel")
    assert panel.specimen == "urine"
    assert {"ketamine", "norketamine"} <= set(panel.analytes) and len(panel.analytes) > 2
    settings = CMSettings.objects.get(organisation=org)
    assert (settings.currency, settings.annual_cap) == ("GBP", Decimal("750"))
    vouchers = CMSchedule.objects.get(organisation=org, kind="vouchers")
    assert vouchers.programme.name == "Intensive outpatient (12 weeks)"
    assert set(vouchers.targets) == {Target.NEGATIVE_SCREEN, Target.ATTENDANCE}
    assert ledger.params_for(vouchers) == engine.HIGGINS
    fishbowl = CMSchedule.objects.get(organisation=org, kind="fishbowl")
    assert fishbowl.programme.name == "Outpatient (weekly)"
    assert ledger.params_for(fishbowl) == engine.CLASSIC_BOWL


def test_demo_patient_ledger_matches_the_higgins_schedule(org):
    me = Patient.objects.get(organisation=org, user__username="patient")
    enrolment = CMEnrolment.objects.get(patient=me)
    assert enrolment.schedule.kind == "vouchers"
    screens = list(DrugScreen.objects.filter(patient=me).order_by("collected_at")
                   .prefetch_related("results", "amendments"))
    results = [outcome(s) for s in screens]
    assert len(results) == 8 and results.count("P") == 1 and results.count("N") == 7
    assert (screens[-1].collected_at - screens[0].collected_at).days <= 21
    earnings = list(LedgerEntry.objects.filter(patient=me, kind=LedgerKind.EARNED)
                    .order_by("created_at"))
    assert [e.source_uuid for e in earnings] == [s.uuid for s in screens]
    assert [e.result for e in earnings] == results
    assert [e.amount for e in earnings] == [step.earned for step in engine.vouchers(results)]


def test_demo_patient_balance_is_earned_minus_redeemed(org):
    me = Patient.objects.get(organisation=org, user__username="patient")
    redemption = Redemption.objects.get(patient=me)
    assert redemption.status == RedemptionStatus.APPROVED and redemption.kind != "cash"
    assert redemption.decided_by != redemption.requested_by
    totals = ledger.totals(me)
    earned = sum(step.earned for step in engine.vouchers(
        LedgerEntry.objects.filter(patient=me, kind=LedgerKind.EARNED)
        .order_by("created_at").values_list("result", flat=True)))
    assert totals.earned == earned
    assert totals.redeemed == redemption.amount
    assert totals.balance == earned - redemption.amount > 0


def test_demo_other_patients_have_screens_and_earnings(org):
    others = Patient.objects.filter(organisation=org, cm_enrolments__isnull=False) \
        .exclude(user__username="patient").distinct()
    assert others.count() == 4
    for patient in others:
        screens = DrugScreen.objects.filter(patient=patient).count()
        assert screens >= 4
        assert LedgerEntry.objects.filter(patient=patient, kind=LedgerKind.EARNED) \
            .count() == screens


def test_loading_the_demo_twice_adds_nothing(org):
    tables = (Panel, CMSchedule, CMSettings, CMEnrolment, DrugScreen, LedgerEntry, Redemption)
    before = [model.objects.count() for model in tables]
    add_demo_incentives(org, 2026)
    assert [model.objects.count() for model in tables] == before


def test_demo_is_the_same_for_the_same_seed(org):
    first = list(LedgerEntry.objects.order_by("created_at", "pk")
                 .values_list("uuid", "amount", "result"))
    LedgerEntry.objects.all().delete()
    Redemption.objects.all().delete()
    DrugScreen.objects.all().delete()
    CMEnrolment.objects.all().delete()
    add_demo_incentives(org, 2026)
    again = list(LedgerEntry.objects.order_by("created_at", "pk")
                 .values_list("uuid", "amount", "result"))
    assert again == first
