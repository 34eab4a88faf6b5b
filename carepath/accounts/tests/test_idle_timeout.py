"""A session left idle past the limit is signed out; the page carries the warning."""

import time

from django.urls import reverse

from carepath.accounts.middleware import LAST_SEEN_KEY
from carepath.conftest import verified_client


def _age_session(client, seconds):
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - seconds
    session.save()


def test_staff_signed_out_after_the_idle_limit(settings, clinician):
    client = verified_client(clinician)
    assert client.get(reverse("ui:home")).status_code == 200
    _age_session(client, settings.CAREPATH_STAFF_IDLE_SECONDS + 5)
    response = client.get(reverse("ui:home"))
    assert response.status_code == 302 and "idle=1" in response["Location"]
    # Signed out now: a staff page sends them to sign in (the home page is public).
    assert client.get(reverse("alerts:list"))["Location"].startswith(reverse("accounts:login"))


def test_activity_within_the_limit_keeps_the_session(settings, clinician):
    client = verified_client(clinician)
    client.get(reverse("ui:home"))
    _age_session(client, settings.CAREPATH_STAFF_IDLE_SECONDS - 30)
    assert client.get(reverse("ui:home")).status_code == 200


def test_limit_is_configurable(settings, clinician):
    settings.CAREPATH_STAFF_IDLE_SECONDS = 60
    client = verified_client(clinician)
    client.get(reverse("ui:home"))
    _age_session(client, 61)
    assert client.get(reverse("ui:home")).status_code == 302


def test_status_poll_does_not_count_as_activity(settings, clinician):
    client = verified_client(clinician)
    client.get(reverse("ui:home"))
    _age_session(client, settings.CAREPATH_STAFF_IDLE_SECONDS - 100)
    status = client.get(reverse("accounts:session_status")).json()
    assert 90 <= status["remaining"] <= 100
    assert 90 <= client.get(reverse("accounts:session_status")).json()["remaining"] <= 100


def test_pages_carry_the_warning_and_its_timing(settings, clinician):
    page = verified_client(clinician).get(reverse("ui:home")).content.decode()
    assert 'id="idle-warning"' in page
    assert f'data-idle-seconds="{settings.CAREPATH_STAFF_IDLE_SECONDS}"' in page
    assert "carepath/idle.js" in page
