"""Personas and a real database for every app's tests."""

import base64
import itertools
from datetime import date

import pyotp
import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from carepath.accounts.models import AccountType, Organisation, Role, User
from carepath.audit import log as audit
from carepath.patients import actions

PASSWORD = "correct-horse-battery-staple"  # noqa: S105
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher.
    test_passwords_are_hashed_with_argon2 checks the real setting."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db):
    return Organisation.objects.create(name="Test Recovery Service", mrn_prefix="TS")


@pytest.fixture
def other_org(db):
    return Organisation.objects.create(name="Elsewhere Clinic", mrn_prefix="EC")


@pytest.fixture
def make_user(org):
    def make(role=Role.CLINICIAN, *, username=None, organisation=None, supervisor=None,
             account_type=AccountType.STAFF, with_totp=True):
        n = next(_numbers)
        user = User.objects.create_user(
            username=username or f"{role or account_type}{n}", password=PASSWORD,
            organisation=organisation or org, role=role if account_type == "staff" else "",
            account_type=account_type, supervisor=supervisor, first_name="Test",
            last_name=f"{role or account_type}{n}", email=f"user{n}@example.org")
        if with_totp and account_type == AccountType.STAFF:
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user

    return make


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.SUPERVISOR)


@pytest.fixture
def clinician(make_user, supervisor):
    return make_user(Role.CLINICIAN, supervisor=supervisor)


@pytest.fixture
def outsider(make_user):
    """A clinician of the same organisation on nobody's care team here."""
    return make_user(Role.CLINICIAN)


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR)


def ctx_for(user):
    return audit.Context(user=user, client_address="127.0.0.1", via="test")


@pytest.fixture
def make_patient(clinician):
    def make(by=None, **fields):
        n = next(_numbers)
        data = {"legal_given_name": "Alex", "legal_family_name": f"Rivera{n}",
                "date_of_birth": date(1998, 4, 28), **fields}
        return actions.create_patient(ctx_for(by or clinician), data)

    return make


@pytest.fixture
def patient(make_patient):
    return make_patient(legal_given_name="Robin", legal_family_name="Quinton")


def totp_now(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()


def verified_client(user) -> Client:
    """Signed in with password and second factor, as after the real login journey."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def as_user():
    return verified_client
