"""The demo's check-ins: plausible, deterministic, no red flags, profiles in step."""

import pytest

from carepath.accounts.models import User
from carepath.alerts.models import Alert
from carepath.patients import demo
from carepath.recovery.actions_checkins import organisation_today
from carepath.recovery.counter import recovery_count
from carepath.recovery.demo_checkins import DAYS, OTHERS
from carepath.recovery.models import CheckIn, RecoveryProfile

pytestmark = pytest.mark.django_db


def _snapshot(org):
    return list(CheckIn.objects.filter(organisation=org).order_by("patient__mrn", "checkin_date",
                                                                   "submitted_at")
                .values_list("patient__mrn", "checkin_date", "craving", "mood",
                             "used_ketamine", "uuid"))


def test_the_demo_patient_has_sixty_days_with_a_lapse_and_today_left_to_do(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    org = demo.create_demo(seed=7, patients=60)
    patient = User.objects.get(username="patient").patient_record
    today = organisation_today(org)
    mine = CheckIn.objects.filter(patient=patient)
    assert DAYS * 0.7 <= mine.count() <= DAYS + 1
    assert not mine.filter(checkin_date=today).exists()
    assert mine.filter(used_ketamine=True).count() == 1
    assert CheckIn.objects.filter(organisation=org).values("patient").distinct().count() \
        == OTHERS + 1
    assert not CheckIn.objects.filter(blood_in_urine=True).exists()
    assert not Alert.objects.filter(flag="blood-in-urine").exists()
    profile = RecoveryProfile.objects.get(patient=patient)
    assert profile.last_checkin_on == mine.order_by("-checkin_date").first().checkin_date
    assert profile.first_checkin_on == mine.order_by("checkin_date").first().checkin_date
    count = recovery_count(patient, today)
    assert 0 < count.all_time < DAYS and count.last_use_on is not None
    first = _snapshot(org)
    CheckIn.objects.filter(organisation=org).delete()
    from carepath.recovery.demo_checkins import add_demo_checkins

    add_demo_checkins(org, 7)
    assert _snapshot(org) == first  # the same seed gives the same check-ins
