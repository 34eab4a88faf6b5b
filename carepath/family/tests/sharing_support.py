"""Test helpers for consented sharing (the sharing, shared and encouragement tests).

    me = own_account(patient, make_user)          # the patient's portal account
    sam = verified_supporter(make_user)           # an active supporter, email verified
    consent = share(patient, sam, ["attendance"])  # a consent in force from today

Rows are made directly (no actions, no audit), so tests start from a known state.
"""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from carepath.accounts.models import AccountType
from carepath.audit.models import AuditEvent, Outcome
from carepath.family.models import SupporterProfile
from carepath.patients.models import Consent


def own_account(patient, make_user):
    """A patient account linked to ``patient``'s record."""
    user = make_user(None, account_type=AccountType.PATIENT, with_totp=False)
    patient.user = user
    patient.save(update_fields=["user"])
    return user


def verified_supporter(make_user, *, verified=True, **kwargs):
    user = make_user(None, account_type=AccountType.SUPPORTER, with_totp=False, **kwargs)
    SupporterProfile.objects.create(user=user,
                                    email_verified_at=timezone.now() if verified else None)
    return user


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def share(patient, supporter, categories, *, regime="uk_gdpr", starts=0, days=30,
          purpose="To support my recovery", revoked=False) -> Consent:
    """A consent naming ``supporter``: starts ``starts`` days from today, lasts ``days``."""
    today = timezone.localdate()
    return Consent.objects.create(
        patient=patient, regime=regime, recipient=supporter.display_name,
        recipient_user=supporter, purpose=purpose, data_categories=list(categories),
        starts_on=today + timedelta(days=starts),
        expires_on=today + timedelta(days=starts + days), recorded_by=patient.user,
        revoked_at=timezone.now() if revoked else None)


def record_url(patient) -> str:
    return f"/family/people/{patient.uuid}/"


def category_url(patient, category) -> str:
    return f"/family/people/{patient.uuid}/{category}/"


def denied_events(patient, category, user=None):
    events = AuditEvent.objects.filter(patient_uuid=patient.uuid, outcome=Outcome.DENIED,
                                       object_type=f"family.shared_{category}")
    return events.filter(actor=user) if user is not None else events


def allowed_reads(patient, category, user=None):
    events = AuditEvent.objects.filter(patient_uuid=patient.uuid, outcome=Outcome.ALLOWED,
                                       action="read", object_type=f"family.shared_{category}")
    return events.filter(actor=user) if user is not None else events
