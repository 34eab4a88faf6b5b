"""Repeated failed sign-ins lock the account for a while, with a clear message."""

from django.test import Client
from django.urls import reverse

from carepath.audit.models import Action, AuditEvent
from carepath.conftest import PASSWORD


def test_lockout_after_repeated_failures_even_with_the_right_password(settings, clinician):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("accounts:login"),
                               {"username": clinician.username, "password": "wrong-password-1"})
    assert response.status_code in (403, 429)
    assert b"too many failed sign-in attempts" in response.content
    locked = client.post(reverse("accounts:login"),
                         {"username": clinician.username, "password": PASSWORD})
    assert locked.status_code in (403, 429)
    assert b"too many failed sign-in attempts" in locked.content


def test_failed_sign_ins_are_audited_without_the_password(clinician):
    Client().post(reverse("accounts:login"),
                  {"username": clinician.username, "password": "wrong-password-1"})
    event = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert event.details["username"] == clinician.username
    assert "wrong-password-1" not in str(event.details)


def test_a_wrong_password_keeps_the_username_and_says_what_is_wrong(clinician):
    response = Client().post(reverse("accounts:login"),
                             {"username": clinician.username, "password": "wrong-password-1"})
    assert response.status_code == 200
    assert clinician.username.encode() in response.content
    assert b"correct username and password" in response.content
