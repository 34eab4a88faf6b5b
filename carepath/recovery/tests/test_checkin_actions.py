"""submit_checkin: who may check in, every bad input refused by name, retries, red flags."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carepath.accounts.idempotency import KeyReused
from carepath.alerts.models import Alert
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.recovery.actions_checkins import ask_for_contact, submit_checkin
from carepath.recovery.models import CheckIn, CheckInSource, RecoveryProfile
from carepath.treatment.models import OutreachTask, OutreachUrgency

from .checkin_support import GOOD, check_in, new_key, second_patient, today_for, with_portal_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(patient, make_user):
    return with_portal_account(patient, make_user)


@pytest.fixture
def other_me(make_patient, make_user):
    return second_patient(make_patient, make_user)


def _refused(patient, **fields) -> dict:
    with pytest.raises(ValidationError) as caught:
        submit_checkin(ctx_for(patient.user), patient, {**GOOD, **fields},
                       source=CheckInSource.WEB)
    assert CheckIn.objects.filter(patient=patient).count() == 0
    return caught.value.message_dict


def test_a_check_in_is_stored_as_reported_and_audited(me):
    checkin = check_in(me, craving=4, mood=5, sleep_hours="6.5", triggers=["Payday"],
                       other_substances=["Alcohol", " alcohol "], support_contact=True,
                       note="Hard evening")
    checkin.refresh_from_db()
    assert (checkin.craving, checkin.mood, checkin.sleep_hours) == (4, 5, Decimal("6.5"))
    assert checkin.other_substances == ["Alcohol"]  # the same name twice counts once
    assert checkin.triggers == ["Payday"] and checkin.support_contact is True
    assert checkin.checkin_date == today_for(me) and checkin.entered_by == me.user
    assert AuditEvent.objects.filter(action="create", object_id=str(checkin.uuid),
                                     patient_uuid=me.uuid).exists()


@pytest.mark.parametrize(("field", "value", "words"), [
    ("craving", 11, "Craving must be a whole number from 0 to 10"),
    ("craving", -1, "Craving must be a whole number from 0 to 10"),
    ("craving", 2.5, "Craving must be a whole number from 0 to 10"),
    ("craving", True, "Craving must be a whole number from 0 to 10"),
    ("craving", None, "Craving is required"),
    ("mood", 12, "Mood must be a whole number from 0 to 10"),
    ("mood", "lots", "Mood must be a whole number from 0 to 10"),
    ("bladder_pain", 11, "Bladder pain must be a whole number from 0 to 10"),
    ("sleep_hours", 25, "Hours of sleep must be a number from 0 to 24"),
    ("sleep_hours", -1, "Hours of sleep must be a number from 0 to 24"),
    ("sleep_hours", "7.25", "at most one decimal place"),
    ("sleep_hours", "seven", "Hours of sleep must be a number from 0 to 24"),
    ("used_ketamine", None, "Ketamine used today: answer yes or no"),
    ("used_ketamine", "no", "Ketamine used today must be yes or no"),
    ("blood_in_urine", None, "Blood in urine: answer yes or no"),
    ("support_contact", "maybe", "Contact with support must be yes or no"),
    ("other_substances", [f"drug {n}" for n in range(11)], "at most 10"),
    ("other_substances", ["x" * 61], "each up to 60 characters"),
    ("other_substances", "Alcohol", "Other substances must be a list"),
    ("triggers", [f"trigger {n}" for n in range(21)], "at most 20"),
    ("triggers", ["x" * 81], "each up to 80 characters"),
    ("note", "x" * 2001, "Note must be 2,000 characters or fewer"),
    ("checkin_date", "14/03/2026", "Date must be a date such as"),
])
def test_each_bad_value_is_refused_naming_the_field_and_its_range(me, field, value, words):
    errors = _refused(me, **{field: value})
    assert list(errors) == [field]
    assert words in errors[field][0]


def test_a_future_date_is_refused(me):
    errors = _refused(me, checkin_date=today_for(me) + timedelta(days=1))
    assert errors == {"checkin_date": ["A check-in cannot be for a future date."]}


def test_more_than_seven_days_back_is_refused_saying_so(me):
    assert check_in(me, days_ago=7).checkin_date == today_for(me) - timedelta(days=7)
    errors = _refused_after_one(me, checkin_date=today_for(me) - timedelta(days=8))
    assert "up to 7 days back" in errors["checkin_date"][0]


def _refused_after_one(patient, **fields):
    before = CheckIn.objects.filter(patient=patient).count()
    with pytest.raises(ValidationError) as caught:
        submit_checkin(ctx_for(patient.user), patient, {**GOOD, **fields},
                       source=CheckInSource.WEB)
    assert CheckIn.objects.filter(patient=patient).count() == before
    return caught.value.message_dict


def test_every_wrong_field_is_named_at_once(me):
    errors = _refused(me, craving=20, mood=-3, blood_in_urine=None)
    assert set(errors) == {"craving", "mood", "blood_in_urine"}


def test_only_the_patient_may_check_in_and_a_refusal_is_audited(me, clinician, other_me):
    for user in (clinician, other_me.user):
        with pytest.raises(PermissionDenied, match="Check-ins are made by the patient"):
            submit_checkin(ctx_for(user), me, dict(GOOD), source=CheckInSource.WEB)
    assert CheckIn.objects.count() == 0
    assert AuditEvent.objects.filter(outcome="denied", patient_uuid=me.uuid,
                                     object_type="recovery.checkin").count() == 2


def test_a_retry_with_the_same_key_returns_the_first_and_stores_one(me):
    key = new_key()
    first, created = submit_checkin(ctx_for(me.user), me, dict(GOOD), source="api",
                                    idempotency_key=key)
    again, created_again = submit_checkin(ctx_for(me.user), me, dict(GOOD), source="api",
                                          idempotency_key=key)
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert CheckIn.objects.filter(patient=me).count() == 1


def test_the_same_key_with_other_answers_is_refused_and_stores_nothing_more(me):
    key = new_key()
    submit_checkin(ctx_for(me.user), me, dict(GOOD), source="api", idempotency_key=key)
    with pytest.raises(KeyReused):
        submit_checkin(ctx_for(me.user), me, {**GOOD, "craving": 9}, source="api",
                       idempotency_key=key)
    assert CheckIn.objects.filter(patient=me).count() == 1


def test_profile_keeps_the_first_and_latest_check_in_dates(me):
    check_in(me, days_ago=2)
    check_in(me, days_ago=5)  # a late check-in for an earlier day moves neither wrongly
    check_in(me, days_ago=0)
    profile = RecoveryProfile.objects.get(patient=me)
    assert profile.last_checkin_on == today_for(me)
    assert profile.first_checkin_on == today_for(me) - timedelta(days=5)


def test_blood_in_urine_raises_one_urgent_alert_and_a_retry_raises_none(me):
    key = new_key()
    data = {**GOOD, "blood_in_urine": True}
    checkin, _ = submit_checkin(ctx_for(me.user), me, data, source="web", idempotency_key=key)
    submit_checkin(ctx_for(me.user), me, data, source="web", idempotency_key=key)
    alerts = Alert.objects.filter(patient=me)
    assert alerts.count() == 1
    alert = alerts.get()
    assert (alert.flag, alert.severity, alert.source_uuid) == ("blood-in-urine", "urgent",
                                                               checkin.uuid)
    assert "blood in urine" in alert.summary


def test_no_alert_without_blood_in_urine(me):
    check_in(me, bladder_pain=6, used_ketamine=True)
    assert not Alert.objects.filter(patient=me).exists()


def test_risk_rules_are_queued_after_commit_with_the_check_in(
        me, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        checkin = check_in(me)
    assert len(callbacks) == 1
    queued = DBTaskResult.objects.filter(task_path__endswith="evaluate_checkin")
    assert [r.args_kwargs["args"] for r in queued] == [[str(checkin.uuid)]]


def test_asking_for_contact_raises_one_soon_outreach_task_without_free_text(me):
    checkin = check_in(me, used_ketamine=True, note="private words")
    first = ask_for_contact(ctx_for(me.user), checkin)
    again = ask_for_contact(ctx_for(me.user), checkin)
    assert first.pk == again.pk
    task = OutreachTask.objects.get(patient=me)
    assert (task.reason, task.urgency, task.source_uuid) == ("patient_asked",
                                                             OutreachUrgency.SOON, checkin.uuid)
    assert "private words" not in task.explanation and "ketamine use" in task.explanation


def test_nobody_else_can_ask_for_contact_on_a_patients_behalf(me, clinician):
    checkin = check_in(me)
    with pytest.raises(PermissionDenied):
        ask_for_contact(ctx_for(clinician), checkin)
    assert not OutreachTask.objects.exists()

