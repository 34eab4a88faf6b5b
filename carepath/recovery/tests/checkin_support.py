"""Helpers for the check-in tests (functions, not fixtures: each module names its own)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.test import Client

from carepath.accounts.models import AccountType
from carepath.accounts.tokens import create_token
from carepath.conftest import ctx_for
from carepath.recovery.actions_checkins import organisation_today, submit_checkin
from carepath.recovery.models import CheckIn, CheckInSource

GOOD = {"craving": 3, "mood": 6, "sleep_hours": 7.5, "used_ketamine": False,
        "other_substances": [], "triggers": [], "bladder_pain": 0,
        "blood_in_urine": False, "note": ""}


def with_portal_account(patient, make_user):
    """Link a patient portal account to the record (each module's ``me`` fixture)."""
    user = make_user("", account_type=AccountType.PATIENT)
    patient.user = user
    patient.save(update_fields=["user"])
    return patient


def second_patient(make_patient, make_user):
    """Another patient with their own portal account."""
    other = make_patient(legal_given_name="Sam", legal_family_name="Okonkwo")
    return with_portal_account(other, make_user)


def today_for(patient):
    return organisation_today(patient.organisation)


def check_in(patient, *, days_ago=0, key=None, **fields):
    """A check-in through the action, as the patient, ``days_ago`` days back (at most 7)."""
    data = {**GOOD, **fields, "checkin_date": today_for(patient) - timedelta(days=days_ago)}
    checkin, _ = submit_checkin(ctx_for(patient.user), patient, data,
                                source=CheckInSource.WEB, idempotency_key=key)
    return checkin


def stored(patient, *, days_ago: int, used: bool = False, count: int = 1) -> None:
    """Old history written directly (the action refuses dates over 7 days back)."""
    day = today_for(patient) - timedelta(days=days_ago)
    for _ in range(count):
        CheckIn.objects.create(organisation_id=patient.organisation_id, patient=patient,
                               checkin_date=day, craving=2, mood=6, used_ketamine=used,
                               entered_by=patient.user)


def api_client(user) -> Client:
    _, raw = create_token(ctx_for(user), user, "test app")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def new_key() -> str:
    return f"test-{uuid.uuid4()}"
