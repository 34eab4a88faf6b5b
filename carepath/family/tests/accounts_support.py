"""Shared helpers for the supporter-accounts, guidance, well-being and home tests."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from carepath.accounts.models import AccountType
from carepath.audit.models import AuditEvent, Outcome
from carepath.family.models import InterventionPlan, PlanMember, SupporterProfile
from carepath.patients.models import Consent, ConsentRegime

NEW_PASSWORD = "lantern-orchard-pebble-91"  # noqa: S105
# Words that must never appear in a registration email (it may be read by anyone).
# ("family" is left out: the fixed link path is /family/verify/.)
HEALTH_WORDS = ("ketamine", "addiction", "drug", "treatment", "recovery", "rehab", "patient",
                "clinic", "health", "intervention", "supporter", "loved one")


@pytest.fixture(autouse=True)
def clear_rate_limit_cache():
    """The email rate limit counts per client address in the cache: start each test clean."""
    cache.clear()
    yield
    cache.clear()


def registration(**overrides) -> dict:
    data = {"given_name": "Sam", "family_name": "Okafor", "email": "Sam.Okafor@Example.org",
            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
            "submission_key": str(uuid.uuid4())}
    data.update(overrides)
    return data


def link_token(message) -> str:
    """The verification token from the link in an email."""
    match = re.search(r"/family/verify/([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(1)


def last_token() -> str:
    return link_token(mail.outbox[-1])


def make_supporter(make_user, *, verified=True, **kwargs):
    user = make_user(account_type=AccountType.SUPPORTER, **kwargs)
    SupporterProfile.objects.create(
        user=user, email_verified_at=timezone.now() if verified else None)
    return user


def make_plan(user, org, name="Jo") -> InterventionPlan:
    plan = InterventionPlan.objects.create(organisation=org, created_by=user,
                                           loved_one_name=name)
    PlanMember.objects.create(plan=plan, user=user, name=user.display_name, email=user.email,
                              accepted_at=timezone.now(), is_chair=True)
    return plan


def share_with(patient, supporter, categories=("attendance",), **fields) -> Consent:
    today = timezone.localdate()
    data = {"patient": patient, "regime": ConsentRegime.UK_GDPR,
            "recipient": supporter.display_name, "recipient_user": supporter,
            "purpose": "Support", "data_categories": list(categories),
            "starts_on": today, "expires_on": today + timedelta(days=90)}
    data.update(fields)
    return Consent.objects.create(**data)


def denied_events(object_type: str, user=None):
    events = AuditEvent.objects.filter(object_type=object_type, outcome=Outcome.DENIED)
    return events.filter(actor=user) if user is not None else events
