"""Every answer that shows an enquiry or an assessment leaves an audit record, including
the ones where nothing was written: an API call that changed nothing, an idempotent
replay, and a refused form shown again with the record around it."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from carepath.accounts.tokens import create_token
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.intake import actions_assessment
from carepath.intake import actions_enquiries as actions
from carepath.intake.models import Stage

from .test_assessment_actions import complete_data
from .test_pipeline_fixtures import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db


def api_client(user) -> Client:
    _, raw = create_token(ctx_for(user), user, "test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def events(**filters) -> int:
    return AuditEvent.objects.filter(**filters).count()


@pytest.fixture
def assessment(patient, clinician):
    return actions_assessment.book_assessment(
        ctx_for(clinician), patient, assessor=clinician,
        booked_for=timezone.now() + timedelta(days=1))


def test_a_patch_that_changes_nothing_still_audits_the_record_it_returns(
        assessment, clinician):
    api = api_client(clinician)
    url = f"/api/v1/assessments/{assessment.uuid}"
    assert api.patch(url, {"summary": "Seen"}, content_type="application/json").status_code == 200
    before = events(object_id=str(assessment.uuid))
    response = api.patch(url, {"summary": "Seen"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["summary"] == "Seen"
    assert events(object_id=str(assessment.uuid)) == before + 1
    assert events(object_id=str(assessment.uuid), action="read") >= 1


def test_a_replayed_placement_is_audited_as_a_read(assessment, clinician):
    actions_assessment.complete_assessment(ctx_for(clinician), assessment, complete_data())
    api = api_client(clinician)
    url = f"/api/v1/assessments/{assessment.uuid}/placement"
    first = api.post(url, {"accept_recommendation": True}, content_type="application/json",
                     headers={"Idempotency-Key": "place-1"})
    assert first.status_code == 201
    placement_id = first.json()["id"]
    again = api.post(url, {"accept_recommendation": True}, content_type="application/json",
                     headers={"Idempotency-Key": "place-1"})
    assert again.status_code == 200 and again.json()["id"] == placement_id
    assert events(object_id=placement_id, action="read",
                  details__idempotent_replay=True) == 1


def test_moving_an_enquiry_to_the_stage_it_is_in_audits_what_is_returned(enquiry, advisor):
    actions.change_stage(ctx_for(advisor), enquiry, Stage.CONTACTED)
    before = events(object_id=str(enquiry.uuid))
    response = api_client(advisor).post(f"/api/v1/enquiries/{enquiry.uuid}/stage",
                                        {"stage": "contacted"},
                                        content_type="application/json")
    assert response.status_code == 200 and response.json()["given_name"] == enquiry.given_name
    assert events(object_id=str(enquiry.uuid)) == before + 1


@pytest.mark.parametrize("page", ["convert/", "book/", "refer/"])
def test_a_refused_form_shown_again_audits_the_enquiry_it_shows(enquiry, advisor, page):
    before = events(object_id=str(enquiry.uuid), action="read")
    response = verified_client(advisor).post(f"/intake/enquiries/{enquiry.uuid}/{page}",
                                             {"note": ""})
    assert response.status_code == 400
    assert enquiry.display_name in response.content.decode()
    assert events(object_id=str(enquiry.uuid), action="read") == before + 1
