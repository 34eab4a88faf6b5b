"""My account: the person's optional two-step sign-in, through the existing enrolment."""

import base64

import pyotp
import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from carepath.conftest import PASSWORD

from .portal_support import link_account, signed_in


@pytest.fixture
def me(patient, make_user):
    link_account(patient, make_user)
    return patient


def _code(device) -> str:
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()


def test_patients_are_not_forced_to_use_two_step_sign_in(me):
    client = signed_in(me.user)
    assert client.get("/my/").status_code == 200  # no detour to the MFA pages
    assert me.user.requires_mfa is False


def test_my_account_offers_two_step_sign_in_and_the_existing_enrolment_works_for_patients(me):
    client = signed_in(me.user)
    page = client.get(reverse("recovery:account")).content.decode()
    assert f'href="{reverse("accounts:mfa_enrol")}"' in page
    assert client.get(reverse("accounts:mfa_enrol")).status_code == 200
    device = TOTPDevice.objects.get(user=me.user, confirmed=False)
    done = client.post(reverse("accounts:mfa_enrol"), {"otp_token": _code(device)})
    assert done.status_code == 200 and b"recovery" in done.content.lower()
    assert TOTPDevice.objects.filter(user=me.user, confirmed=True).exists()
    page = client.get(reverse("recovery:account")).content.decode()
    assert "Two-step sign-in is on" in page


def test_a_patient_who_enrolled_is_asked_for_the_code_at_sign_in(me):
    client = signed_in(me.user)
    client.get(reverse("accounts:mfa_enrol"))
    device = TOTPDevice.objects.get(user=me.user, confirmed=False)
    client.post(reverse("accounts:mfa_enrol"), {"otp_token": _code(device)})
    fresh = Client()
    fresh.post(reverse("accounts:login"), {"username": me.user.username, "password": PASSWORD})
    home = fresh.get("/my/")
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accounts:mfa_verify"))
