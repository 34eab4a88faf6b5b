"""The enquiries API: list with filters and pages, create with the same refusals and an
Idempotency-Key, read one, change its stage; 403 for outsiders, 404 across organisations."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.accounts.tokens import create_token
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.intake import actions_enquiries as actions
from carepath.intake.models import Enquiry, Stage

from .test_pipeline_fixtures import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db

URL = "/api/v1/enquiries"


def client_for(user) -> Client:
    _, raw = create_token(ctx_for(user), user, "test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def api(advisor):
    return client_for(advisor)


def test_the_list_is_paginated_risk_first_and_audited(make_enquiry, api):
    for _ in range(3):
        make_enquiry()
    risky = make_enquiry(source="callback", risk_flagged=True)
    body = api.get(URL + "?page_size=2").json()
    assert body["page_size"] == 2 and body["has_next"] is True and len(body["items"]) == 2
    assert body["items"][0]["id"] == str(risky.uuid) and body["items"][0]["risk_flagged"]
    event = AuditEvent.objects.filter(action="list", object_type="intake.enquiry").last()
    assert len(event.details["enquiries_shown"]) == 2
    second = api.get(URL + "?page_size=2&page=2").json()
    assert len(second["items"]) == 2 and second["has_next"] is False


def test_the_list_filters_by_stage_source_and_overdue(make_enquiry, advisor, api):
    phone = make_enquiry()
    family = make_enquiry(source="family")
    actions.change_stage(ctx_for(advisor), family, Stage.CONTACTED)
    actions.update_next_action(ctx_for(advisor), phone, next_action="Call",
                               next_action_due=timezone.localdate() - timedelta(days=1))

    def ids(query):
        return {item["id"] for item in api.get(URL + query).json()["items"]}

    assert ids("?stage=contacted") == {str(family.uuid)}
    assert ids("?source=phone") == {str(phone.uuid)}
    assert ids("?overdue=true") == {str(phone.uuid)}
    assert api.get(URL + "?overdue=true").json()["items"][0]["overdue"] is True


def test_creating_an_enquiry(api, advisor):
    response = api.post(URL, {"source": "phone", "given_name": "Riley", "phone": "07700 900111",
                              "summary": "Asked about withdrawal"}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["stage"] == "new" and body["history"][0]["to_stage"] == "new"
    assert Enquiry.objects.get().created_by == advisor


def test_creating_without_any_contact_is_refused_with_the_reason(api):
    response = api.post(URL, {"source": "phone", "given_name": "Riley"},
                        content_type="application/json")
    assert response.status_code == 422
    assert {"field": "phone", "message": actions.NO_CONTACT} in response.json()["errors"]


def test_a_callback_without_consent_is_refused(api):
    response = api.post(URL, {"source": "callback", "given_name": "Riley", "phone": "1"},
                        content_type="application/json")
    assert response.status_code == 422
    assert "contact_consent" in {e["field"] for e in response.json()["errors"]}


def test_a_retry_with_the_same_idempotency_key_creates_nothing_twice(api):
    payload = {"source": "phone", "given_name": "Riley", "phone": "07700 900111"}
    headers = {"Idempotency-Key": "retry-1"}
    first = api.post(URL, payload, content_type="application/json", headers=headers)
    again = api.post(URL, payload, content_type="application/json", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and Enquiry.objects.count() == 1
    other = api.post(URL, {**payload, "phone": "2"}, content_type="application/json",
                     headers=headers)
    assert other.status_code == 422 and Enquiry.objects.count() == 1


def test_reading_one_enquiry_is_audited(enquiry, api):
    body = api.get(f"{URL}/{enquiry.uuid}").json()
    assert body["id"] == str(enquiry.uuid) and body["given_name"] == enquiry.given_name
    assert AuditEvent.objects.filter(action="read", object_id=str(enquiry.uuid)).exists()


def test_changing_the_stage_needs_a_reason_to_close(enquiry, api):
    url = f"{URL}/{enquiry.uuid}/stage"
    refused = api.post(url, {"stage": "not_proceeding"}, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "outcome_reason"
    moved = api.post(url, {"stage": "contacted", "note": "Rang"},
                     content_type="application/json")
    assert moved.status_code == 200 and moved.json()["stage"] == "contacted"
    assert [h["to_stage"] for h in moved.json()["history"]] == ["new", "contacted"]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMINISTRATOR])
def test_outsiders_get_403_before_any_field_is_checked(enquiry, make_user, role):
    client = client_for(make_user(role))
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/{enquiry.uuid}").status_code == 403
    assert client.post(URL, {}, content_type="application/json").status_code == 403
    assert client.post(f"{URL}/{enquiry.uuid}/stage", {},
                       content_type="application/json").status_code == 403


def test_another_organisations_enquiry_is_404(enquiry, make_user, other_org):
    client = client_for(make_user(Role.INTAKE_ADVISOR, organisation=other_org))
    assert client.get(f"{URL}/{enquiry.uuid}").status_code == 404
    assert client.post(f"{URL}/{enquiry.uuid}/stage", {"stage": "contacted"},
                       content_type="application/json").status_code == 404
    assert client.get(URL).json()["items"] == []
