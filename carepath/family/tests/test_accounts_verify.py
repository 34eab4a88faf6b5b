"""Email verification: a usable link activates the account; anything else says so."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carepath.accounts.models import User
from carepath.audit.models import AuditEvent
from carepath.family.models import EmailVerification, SupporterProfile

from .accounts_support import (  # noqa: F401
    NEW_PASSWORD,
    clear_rate_limit_cache,
    last_token,
    registration,
)

pytestmark = pytest.mark.django_db
USERNAME = "sam.okafor@example.org"


def _register() -> str:
    Client().post(reverse("family:register"), registration())
    return last_token()


def _sign_in(client=None):
    client = client or Client()
    response = client.post(reverse("accounts:login"),
                           {"username": USERNAME, "password": NEW_PASSWORD})
    return client, response


def test_an_unverified_account_cannot_sign_in(org):
    _register()
    _, response = _sign_in()
    assert response.status_code == 200  # the form again, with an error
    assert not response.wsgi_request.user.is_authenticated


def test_a_usable_link_confirms_the_address_and_the_account_can_sign_in(org):
    token = _register()
    response = Client().get(reverse("family:verify", args=[token]))
    assert response.status_code == 200
    assert b"Your email is confirmed" in response.content
    assert reverse("accounts:login").encode() in response.content
    user = User.objects.get(username=USERNAME)
    assert user.is_active
    assert SupporterProfile.objects.get(user=user).email_verified_at is not None
    assert EmailVerification.objects.get(user=user).used_at is not None
    client, signed_in = _sign_in()
    assert signed_in.status_code == 302
    home = client.get(reverse("ui:home"))
    assert home["Location"] == reverse("family:home")
    assert client.get(reverse("family:home")).status_code == 200


def test_verification_is_audited(org):
    token = _register()
    Client().get(reverse("family:verify", args=[token]))
    user = User.objects.get(username=USERNAME)
    event = AuditEvent.objects.get(object_type="family.supporter_account",
                                   details__event="email_verified")
    assert event.actor == user and event.object_id == str(user.uuid)


def _unusable(response):
    assert response.status_code == 410
    assert b"This link cannot be used" in response.content
    assert reverse("family:register_resend").encode() in response.content


def test_a_used_link_cannot_be_used_again(org):
    token = _register()
    Client().get(reverse("family:verify", args=[token]))
    _unusable(Client().get(reverse("family:verify", args=[token])))


def test_an_expired_link_leaves_the_account_inactive(org):
    token = _register()
    EmailVerification.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    _unusable(Client().get(reverse("family:verify", args=[token])))
    assert not User.objects.get(username=USERNAME).is_active


def test_an_older_link_stops_working_when_a_new_one_is_sent(org):
    old = _register()
    Client().post(reverse("family:register_resend"), {"email": USERNAME})
    new = last_token()
    _unusable(Client().get(reverse("family:verify", args=[old])))
    assert not User.objects.get(username=USERNAME).is_active
    assert Client().get(reverse("family:verify", args=[new])).status_code == 200


def test_unknown_expired_and_used_links_show_the_same_page(org):
    token = _register()
    unknown = Client().get(reverse("family:verify", args=["not-a-real-token"]))
    Client().get(reverse("family:verify", args=[token]))
    used = Client().get(reverse("family:verify", args=[token]))
    expired_token = _register_other()
    EmailVerification.objects.filter(used_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    expired = Client().get(reverse("family:verify", args=[expired_token]))
    pages = [_without_csrf(r) for r in (unknown, used, expired)]
    assert pages[0] == pages[1] == pages[2]
    _unusable(unknown)


def _register_other() -> str:
    Client().post(reverse("family:register"), registration(email="other@example.org"))
    return last_token()


def _without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_email_link_is_absolute(org, settings):
    settings.CAREPATH_BASE_URL = "https://carepath.example.org"
    _register()
    assert "https://carepath.example.org/family/verify/" in mail.outbox[-1].body
