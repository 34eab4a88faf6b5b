"""Optional two-step sign-in for supporters, through the existing accounts pages."""

import base64

import pyotp
import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from carepath.conftest import PASSWORD

from .accounts_support import clear_rate_limit_cache, make_supporter  # noqa: F401

pytestmark = pytest.mark.django_db


def _password_login(user) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"),
                           {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _enrol(client, user) -> list[str]:
    page = client.get(reverse("accounts:mfa_enrol"))
    assert page.status_code == 200 and b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()
    done = client.post(reverse("accounts:mfa_enrol"), {"otp_token": code})
    assert done.status_code == 200
    return done.context["codes"]


def test_without_mfa_a_supporter_signs_in_with_a_password_alone(make_user):
    supporter = make_supporter(make_user)
    assert supporter.requires_mfa is False
    client = _password_login(supporter)
    assert client.get(reverse("family:home")).status_code == 200


def test_home_offers_two_step_sign_in_until_it_is_set_up(make_user):
    supporter = make_supporter(make_user)
    client = _password_login(supporter)
    page = client.get(reverse("family:home"))
    assert reverse("accounts:mfa_enrol").encode() in page.content
    _enrol(client, supporter)
    page = client.get(reverse("family:home"))
    assert b"Two-step sign-in is on" in page.content
    assert b'data-testid="mfa-enrol-link"' not in page.content


def test_once_enrolled_sign_in_asks_for_the_code(make_user):
    supporter = make_supporter(make_user)
    codes = _enrol(_password_login(supporter), supporter)
    supporter.refresh_from_db()
    assert supporter.requires_mfa is True
    client = _password_login(supporter)
    response = client.get(reverse("family:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_verify")
    # A recovery code completes sign-in.
    assert client.post(reverse("accounts:mfa_verify"),
                       {"otp_token": codes[0]}).status_code == 302
    assert client.get(reverse("family:home")).status_code == 200


def test_a_supporter_can_open_the_account_page(make_user):
    supporter = make_supporter(make_user)
    client = _password_login(supporter)
    assert client.get(reverse("accounts:account")).status_code == 200


def test_a_wrong_code_keeps_the_supporter_out(make_user):
    supporter = make_supporter(make_user)
    _enrol(_password_login(supporter), supporter)
    client = _password_login(supporter)
    refused = client.post(reverse("accounts:mfa_verify"), {"otp_token": "000000"})
    assert refused.status_code == 200 and b"did not match" in refused.content
    assert client.get(reverse("family:home")).status_code == 302
