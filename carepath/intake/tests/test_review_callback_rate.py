"""The public callback form cannot be used to flood the pipeline: each address may send a
few callback requests an hour (CAREPATH_CALLBACK_RATE, counted in Django's cache by
REMOTE_ADDR). Over the limit nothing is stored, what was typed is kept, and the crisis
lines stay on the page. Nothing is stored without consent, and no cookie but csrftoken
is set, whatever is posted."""

import pytest
from django.test import Client

from carepath.intake.models import Enquiry

from .selfcheck_support import callback, dast, step_one
from .test_callback import hidden

pytestmark = pytest.mark.django_db
CALLBACK = "/self-check/callback/"


def carried(client, address="203.0.113.7") -> dict:
    first = client.post("/self-check/", step_one(30, s2=1), REMOTE_ADDR=address)
    return hidden(client.post("/self-check/more/", {**hidden(first), **dast(d1=1)},
                              REMOTE_ADDR=address))


def ask(client, answers, address="203.0.113.7", **fields):
    answers = {k: v for k, v in answers.items() if k != "submission_key"}  # a new page each
    return client.post(CALLBACK, {**answers, **callback(**fields)}, REMOTE_ADDR=address)


def test_an_address_over_the_limit_is_refused_and_keeps_what_was_typed(settings, org):
    settings.CAREPATH_CALLBACK_RATE = "2/hour"
    client = Client()
    answers = carried(client)
    assert ask(client, answers).status_code == 200
    assert ask(client, answers).status_code == 200
    refused = ask(client, answers, given_name="Robin", best_time="Mornings")
    html = refused.content.decode()
    assert refused.status_code == 429
    assert Enquiry.objects.count() == 2
    assert "Too many callback requests" in html
    assert 'value="Robin"' in html and 'value="Mornings"' in html
    assert 'data-testid="crisis-lines"' in html or "If you need help right now" in html


def test_the_limit_is_per_address(settings, org):
    settings.CAREPATH_CALLBACK_RATE = "1/hour"
    client = Client()
    answers = carried(client)
    assert ask(client, answers, address="203.0.113.7").status_code == 200
    assert ask(client, answers, address="203.0.113.7").status_code == 429
    assert ask(client, answers, address="198.51.100.2").status_code == 200
    assert Enquiry.objects.count() == 2


def test_refused_forms_do_not_use_up_the_limit(settings, org):
    settings.CAREPATH_CALLBACK_RATE = "1/hour"
    client = Client()
    answers = carried(client)
    for _ in range(3):
        assert ask(client, answers, contact_consent=None).status_code == 400
    assert ask(client, answers).status_code == 200


def test_a_retried_request_is_not_refused_as_a_new_one(settings, org):
    settings.CAREPATH_CALLBACK_RATE = "1/hour"
    client = Client()
    answers = carried(client)
    first = client.post(CALLBACK, {**answers, **callback()}, REMOTE_ADDR="203.0.113.7")
    again = client.post(CALLBACK, {**answers, **callback()}, REMOTE_ADDR="203.0.113.7")
    assert first.status_code == again.status_code == 200
    assert Enquiry.objects.count() == 1


def test_without_consent_nothing_is_stored_and_no_cookie_but_csrf_is_set(org):
    client = Client()
    answers = carried(client)
    refused = ask(client, answers, contact_consent=None)
    assert refused.status_code == 400 and not Enquiry.objects.exists()
    assert set(refused.cookies) <= {"csrftoken"}
    done = ask(client, answers)
    assert done.status_code == 200 and set(done.cookies) <= {"csrftoken"}
    assert "sessionid" not in client.cookies
