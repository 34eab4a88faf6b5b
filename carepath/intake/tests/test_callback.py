"""'Talk to an advisor': a callback request from the self-check result, the only public
step that stores anything, and only with consent."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from carepath.audit.models import AuditEvent
from carepath.intake.models import Enquiry, EnquirySource

from .selfcheck_support import callback, dast, step_one

pytestmark = pytest.mark.django_db

CALLBACK = "/self-check/callback/"


def hidden(response) -> dict:
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"[^>]*>',
                           response.content.decode()))


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def answers(client, age=30, **signs) -> dict:
    """The hidden fields of the result page: step 1 and DAST-10 answers, and the key."""
    carried = hidden(client.post("/self-check/", step_one(age, **signs)))
    page = client.post("/self-check/more/", {**carried, **dast(d1=1)})
    assert "Your self-check result" in page.content.decode()
    return hidden(page)


def post(client, carried, **fields):
    return client.post(CALLBACK, {**carried, **callback(**fields)})


def test_url_name():
    assert reverse("intake:selfcheck_callback") == CALLBACK


def test_callback_creates_exactly_one_enquiry_and_a_retry_creates_none(client, org):
    carried = answers(client, s2=1)
    key = carried["submission_key"]
    first = post(client, carried, submission_key=key)
    assert first.status_code == 200, first.content.decode()[:2000]
    assert 'data-testid="callback-done"' in first.content.decode()
    assert Enquiry.objects.count() == 1
    again = post(client, carried, submission_key=key)
    assert again.status_code == 200 and 'data-testid="callback-done"' in again.content.decode()
    assert Enquiry.objects.count() == 1
    enquiry = Enquiry.objects.get()
    assert str(enquiry.submission_key) == key
    assert (enquiry.organisation, enquiry.source, enquiry.given_name, enquiry.phone,
            enquiry.best_time) == (org, EnquirySource.CALLBACK, "Sam", "07700 900123",
                                   "Evenings")
    assert enquiry.contact_consent_at is not None
    assert enquiry.created_by is None


def test_a_new_result_page_gets_a_new_key(client, org):
    assert answers(client)["submission_key"] != answers(client)["submission_key"]


def test_callback_is_audited_with_no_user_via_the_web(client, org):
    before = AuditEvent.objects.count()
    post(client, answers(client))
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event.actor is None and event.actor_username == "<web>"
    assert event.details["via"] == "web" and event.object_type == "intake.enquiry"
    assert event.object_id == str(Enquiry.objects.get().uuid)


def test_shared_answers_are_stored_with_scores_bands_and_flags(client, org):
    post(client, answers(client, s1=1, s3=1, s11=1), share_answers="on")
    summary = Enquiry.objects.get().selfcheck_summary
    assert summary["age"] == 30
    assert summary["flags"] == ["bladder_red_flag"]
    signs, second = summary["instruments"]
    assert (signs["instrument"], signs["total"], signs["band"], signs["validated"]) == (
        "ketamine-signs", 2, "some", False)
    assert signs["answers"]["3"] == 1 and signs["subscales"] == {"bladder": 1}
    assert (second["instrument"], second["total"], second["band"]) == ("dast-10", 2, "low")


def test_answers_are_not_stored_unless_shared(client, org):
    post(client, answers(client, s1=1))
    enquiry = Enquiry.objects.get()
    assert enquiry.selfcheck_summary == {}
    assert enquiry.risk_flagged is False


@pytest.mark.parametrize("signs", [{"s14": 1}, {"s12": 1}], ids=["risk", "bladder"])
def test_an_urgent_answer_marks_the_enquiry_even_when_not_shared(client, org, signs):
    page = post(client, answers(client, **signs))
    enquiry = Enquiry.objects.get()
    assert enquiry.risk_flagged is True and enquiry.selfcheck_summary == {}
    assert "marked urgent" in page.content.decode()


def test_confirmation_shows_crisis_lines_again_after_a_risk_answer(client, org):
    body = post(client, answers(client, s14=1)).content.decode()
    assert body.index('data-testid="crisis-panel"') < body.index("<h1>")
    assert "What happens next" in body


def test_callback_without_consent_is_refused_with_the_reason_and_nothing_is_lost(client, org):
    carried = answers(client, s2=1)
    page = post(client, carried, contact_consent=None, email="sam@example.org",
                best_time="After 6pm", share_answers="on")
    body = page.content.decode()
    assert page.status_code == 400
    assert not Enquiry.objects.exists()
    assert "Tick the box to agree that we may store your contact details" in body
    assert 'value="Sam"' in body and 'value="07700 900123"' in body
    assert 'value="sam@example.org"' in body and 'value="After 6pm"' in body
    assert 'name="share_answers" type="checkbox" value="on" checked' in body
    assert hidden(page)["signs-2"] == "1" and hidden(page)["second-1"] == "1"
    assert hidden(page)["submission_key"] == carried["submission_key"]


def test_callback_without_any_contact_is_refused_with_the_reason(client, org):
    page = post(client, answers(client), phone="", email="")
    assert page.status_code == 400
    assert not Enquiry.objects.exists()
    assert "We need a phone number or an email address to get back to you." in \
        page.content.decode()


def test_callback_without_a_name_is_refused(client, org):
    page = post(client, answers(client), given_name="  ")
    assert page.status_code == 400 and not Enquiry.objects.exists()
    assert "Enter your name" in page.content.decode()


def test_email_preference_needs_an_email(client, org):
    page = post(client, answers(client), preferred_contact="email")
    assert page.status_code == 400 and "You chose email" in page.content.decode()
    page = post(client, answers(client), preferred_contact="email", phone="",
                email="sam@example.org")
    assert page.status_code == 200
    assert Enquiry.objects.get().preferred_contact == "email"


def test_callback_needs_the_csrf_token_that_only_its_form_carries(csrf_client, org):
    carried = hidden(csrf_client.post("/self-check/", step_one(30)))
    result = csrf_client.post("/self-check/more/", {**carried, **dast()})
    assert result.status_code == 200  # the steps need no token: they store nothing
    assert "csrftoken" in result.cookies
    fields = hidden(result)
    token = fields.pop("csrfmiddlewaretoken")
    refused = csrf_client.post(CALLBACK, {**fields, **callback()})
    assert refused.status_code == 403 and not Enquiry.objects.exists()
    done = csrf_client.post(CALLBACK, {**fields, **callback(), "csrfmiddlewaretoken": token})
    assert done.status_code == 200 and Enquiry.objects.count() == 1


def test_a_callback_with_broken_answers_starts_again(client, org):
    carried = answers(client)
    carried["signs-1"] = "yes"
    response = post(client, carried)
    assert response.status_code == 302 and not Enquiry.objects.exists()


def test_a_mistyped_front_door_setting_takes_no_callback_and_keeps_what_was_typed(
        client, org, other_org, settings):
    # Falling back to "the oldest organisation" would send the person's details elsewhere.
    carried = answers(client, s2=1)
    settings.CAREPATH_FRONT_DOOR_ORGANISATION = "Northbrdge (typo)"
    page = post(client, carried)
    assert page.status_code == 400
    assert "not set up on this service" in page.content.decode()
    assert "07700 900123" in page.content.decode()
    assert not Enquiry.objects.exists()
