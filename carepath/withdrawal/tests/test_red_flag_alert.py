"""A red flag in withdrawal observations reaches a human (DESIGN rule 10): one urgent
alert per observation, listing every flag met, written in the same transaction, notified
to the care team (nurse and prescriber among them), escalating like any alert."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from carepath.alerts import tasks as alert_tasks
from carepath.alerts.models import Alert, Notification
from carepath.audit.models import AuditEvent
from carepath.withdrawal import redflags
from carepath.withdrawal.admin import install_default_rules
from carepath.withdrawal.models import Observation, RedFlagRule

from .conftest import observe

pytestmark = pytest.mark.django_db


def test_one_urgent_alert_lists_every_flag_met(in_withdrawal, nurse):
    obs = observe(nurse, in_withdrawal, heart_rate=135, spo2=90,
                  symptoms={"hallucinations_paranoia": 2, "anxiety": 3})
    assert obs.red_flags == ["hallucinations-paranoia", "heart-rate-high", "spo2-low"]
    alert = Alert.objects.get(patient=in_withdrawal)
    assert (alert.flag, alert.severity, alert.status) == ("withdrawal-red-flag", "urgent",
                                                          "open")
    assert (alert.source_type, alert.source_uuid) == ("withdrawal.observation", obs.uuid)
    assert alert.summary == ("Withdrawal observation red flags: Hallucinations or paranoia; "
                             "Heart rate 131 a minute or higher; Oxygen saturation 91% or "
                             "lower")
    assert AuditEvent.objects.filter(object_type="withdrawal.observation",
                                     object_id=str(obs.uuid), action="create").exists()


def test_the_alert_reaches_the_nurse_and_the_prescriber(in_withdrawal, nurse, prescriber,
                                                         clinician):
    observe(nurse, in_withdrawal, symptoms={"blood_in_urine": 2})
    alert = Alert.objects.get(patient=in_withdrawal)
    sent = alert_tasks.deliver(str(alert.uuid), Notification.Stage.RAISED)
    told = set(Notification.objects.filter(alert=alert).values_list("recipient__username",
                                                                    flat=True))
    assert {nurse.username, prescriber.username, clinician.username} <= told
    assert sent == len(told)
    assert {m.to[0] for m in mail.outbox} >= {nurse.email, prescriber.email}
    # The message names no patient, flag or value.
    assert all("blood" not in m.body.lower() and in_withdrawal.legal_family_name not in m.body
               for m in mail.outbox)


def test_the_prescriber_sees_the_alert_on_the_withdrawal_tab(in_withdrawal, nurse,
                                                             prescriber, as_user):
    observe(nurse, in_withdrawal, respiratory_rate=7)
    page = as_user(prescriber).get(reverse("withdrawal:chart_withdrawal",
                                           args=[in_withdrawal.uuid])).content.decode()
    assert "Open red-flag alerts (1)" in page
    assert "Respiratory rate 8 a minute or lower" in page


@pytest.mark.parametrize(("values", "expected"), [
    ({"heart_rate": 40}, ["heart-rate-low"]),
    ({"heart_rate": 41}, []),
    ({"heart_rate": 130}, []),
    ({"respiratory_rate": 8}, ["respiratory-rate-low"]),
    ({"respiratory_rate": 24}, []),
    ({"respiratory_rate": 25}, ["respiratory-rate-high"]),
    ({"spo2": 92}, []),
    ({"systolic": 91}, []),
    ({"systolic": 90}, ["systolic-low"]),
    ({"systolic": 219}, []),
    ({"systolic": 220}, ["systolic-high"]),
    ({"temperature": Decimal("35.1")}, []),
    ({"temperature": Decimal("35.0")}, ["temperature-low"]),
    ({"temperature": Decimal("39.5")}, []),  # NEWS2 scores 2 here, not red
    ({"symptoms": {"blood_in_urine": 1}}, []),  # reported, not seen
    ({"symptoms": {"bladder_pain": 2}}, []),
    ({"symptoms": {"bladder_pain": 3}}, ["severe-bladder-pain"]),
    ({"symptoms": {"hallucinations_paranoia": 1}}, ["hallucinations-paranoia"]),
    ({"craving": 10, "symptoms": {"anxiety": 3}}, []),
])
def test_default_rules_use_the_news2_red_thresholds(values, expected):
    met = redflags.evaluate(values, redflags.DEFAULT_RULES)
    assert [r.code for r in met] == expected


def test_no_flag_no_alert(in_withdrawal, nurse):
    observe(nurse, in_withdrawal, heart_rate=88, symptoms={"anxiety": 2}, craving=8)
    assert not Alert.objects.exists()


def test_the_organisations_rules_override_the_defaults(in_withdrawal, nurse, org):
    RedFlagRule.objects.create(organisation=org, code="craving-max", label="Craving 9 or more",
                               field="craving", comparator="gte", threshold=9)
    RedFlagRule.objects.create(organisation=org, code="hr-110", label="Heart rate 111+",
                               field="heart_rate", comparator="gte", threshold=111)
    RedFlagRule.objects.create(organisation=org, code="off", label="Switched off",
                               field="heart_rate", comparator="gte", threshold=50,
                               active=False)
    obs = observe(nurse, in_withdrawal, craving=9, heart_rate=112,
                  symptoms={"hallucinations_paranoia": 3})
    # The org's own active rules only: the default hallucinations rule no longer applies.
    assert obs.red_flags == ["craving-max", "hr-110"]
    assert Alert.objects.get().summary == ("Withdrawal observation red flags: Craving 9 or "
                                           "more; Heart rate 111+")


def test_another_organisations_rules_do_not_apply(in_withdrawal, nurse, other_org):
    RedFlagRule.objects.create(organisation=other_org, code="craving-max", label="Craving",
                               field="craving", comparator="gte", threshold=1)
    assert observe(nurse, in_withdrawal, craving=5).red_flags == []


def test_the_defaults_can_be_copied_in_and_then_edited(org):
    assert install_default_rules(org.pk) == len(redflags.DEFAULT_RULES)
    assert install_default_rules(org.pk) == 0
    assert [r.code for r in redflags.rules_for(org.pk)] == sorted(
        r.code for r in redflags.DEFAULT_RULES)


def test_the_alert_is_rolled_back_with_the_observation(in_withdrawal, nurse, monkeypatch):
    from carepath.withdrawal import actions

    def broken(*args, **kwargs):
        raise RuntimeError("notification queue down")

    monkeypatch.setattr(actions, "raise_alert", broken)
    with pytest.raises(RuntimeError):
        observe(nurse, in_withdrawal, heart_rate=140)
    assert not Observation.objects.exists() and not Alert.objects.exists()
