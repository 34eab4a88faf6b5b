"""The demo load gives the demo supporter a verified account, a plan for Sam with a team
of three, and a consent from the demo patient; a few services offer family support."""

import pytest

from carepath.accounts.models import User
from carepath.directory.demo_services import add_demo_services
from carepath.directory.models import Service
from carepath.family.demo import CONSENT_CATEGORIES, add_demo_family
from carepath.family.models import (
    Boundary,
    EncouragementMessage,
    InterventionPlan,
    Statement,
    TreatmentOption,
)
from carepath.patients import demo
from carepath.patients.models import Consent, ConsentRegime

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(monkeypatch):
    """The demo with the directory's services (which ours mark) and then ours."""
    monkeypatch.setattr(demo, "EXTENSIONS", [add_demo_services, add_demo_family])
    org = demo.create_demo(seed=2026, patients=12)
    return org, User.objects.get(username="supporter")


def test_the_full_demo_load_includes_the_family_demo():
    """Every app's demo, in the installed order: ours runs last and finds what it needs."""
    assert add_demo_family in demo.EXTENSIONS
    demo.create_demo(seed=2026, patients=60)
    supporter = User.objects.get(username="supporter")
    plan = InterventionPlan.objects.get(created_by=supporter)
    assert plan.members.filter(accepted_at__isnull=False).count() == 3
    consent = Consent.objects.get(recipient_user=supporter, patient__user__username="patient")
    assert consent.data_categories == CONSENT_CATEGORIES


def test_demo_supporter_has_a_plan_with_three_accepted_members(loaded):
    org, supporter = loaded
    assert supporter.supporter_profile.is_verified and supporter.email
    plan = InterventionPlan.objects.get(created_by=supporter)
    assert plan.loved_one_name == "Sam" and plan.organisation == org
    members = list(plan.members.all())
    assert len(members) == 3 and all(m.accepted_at for m in members)
    assert [m.user for m in members if m.is_chair] == [supporter]
    others = [m.user for m in members if not m.is_chair]
    assert all(not u.has_usable_password() and u.account_type == "supporter" for u in others)
    statements = Statement.objects.filter(member__plan=plan)
    assert {s.is_shared for s in statements} == {True, False}
    assert Boundary.objects.filter(plan=plan).exists()
    assert TreatmentOption.objects.filter(plan=plan).count() == 1


def test_demo_patient_consents_to_share_with_the_supporter(loaded):
    org, supporter = loaded
    consent = Consent.objects.get(recipient_user=supporter, patient__user__username="patient")
    assert consent.data_categories == CONSENT_CATEGORIES
    assert consent.is_active() and consent.regime == ConsentRegime.UK_GDPR
    assert 60 <= (consent.expires_on - consent.starts_on).days <= 200
    assert EncouragementMessage.objects.filter(consent=consent, supporter=supporter).exists()


def test_demo_marks_three_or_four_services_as_family_support(loaded):
    assert 3 <= Service.objects.filter(offers_family_support=True).count() <= 4


def test_loading_the_family_demo_twice_adds_nothing(loaded):
    org, supporter = loaded
    counts = (InterventionPlan.objects.count(), Consent.objects.count(),
              EncouragementMessage.objects.count())
    add_demo_family(org, 2026)
    assert (InterventionPlan.objects.count(), Consent.objects.count(),
            EncouragementMessage.objects.count()) == counts


def test_family_demo_is_deterministic_for_a_seed(monkeypatch):
    monkeypatch.setattr(demo, "EXTENSIONS", [])
    org = demo.create_demo(seed=11, patients=6)
    add_demo_family(org, 11)
    first = list(InterventionPlan.objects.values_list("uuid", flat=True))
    InterventionPlan.objects.all().delete()
    add_demo_family(org, 11)
    assert list(InterventionPlan.objects.values_list("uuid", flat=True)) == first
