"""A clinician sees the enquiries they work (assigned to them, logged by them, or with an
assessment booked with them), not every enquiry of the organisation: the policy's rule
(access.policy.may_work_intake: "clinicians see the ones booked with them"). Intake
advisors and supervisors still see them all."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from carepath.accounts.tokens import create_token
from carepath.conftest import ctx_for, verified_client
from carepath.intake import actions_enquiries as actions
from carepath.intake.models import Assessment

from .test_pipeline_fixtures import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db


def api_client(user) -> Client:
    _, raw = create_token(ctx_for(user), user, "test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def test_a_clinician_does_not_see_enquiries_they_have_nothing_to_do_with(make_enquiry,
                                                                        clinician):
    other = make_enquiry(given_name="Unrelated")
    client = verified_client(clinician)
    for url in ("/intake/enquiries/", "/intake/board/", "/intake/enquiries/overdue/"):
        assert other.family_name not in client.get(url).content.decode(), url
    assert client.get(f"/intake/enquiries/{other.uuid}/").status_code == 404
    api = api_client(clinician)
    assert api.get(f"/api/v1/enquiries/{other.uuid}").status_code == 404
    assert api.get("/api/v1/enquiries?stage=all").json()["items"] == []


def test_a_clinician_sees_the_enquiries_assigned_to_or_booked_with_them(
        make_enquiry, advisor, clinician):
    assigned = make_enquiry(given_name="Assigned")
    actions.update_next_action(ctx_for(advisor), assigned, next_action="Call",
                               next_action_due=timezone.localdate(), assigned_to=clinician)
    booked = make_enquiry(given_name="Booked")
    actions.book_assessment(ctx_for(advisor), booked, assessor=clinician,
                            booked_for=timezone.now() + timedelta(days=1),
                            extra={"date_of_birth": timezone.localdate().replace(year=1995)})
    make_enquiry(given_name="Unrelated")
    html = verified_client(clinician).get("/intake/enquiries/").content.decode()
    assert assigned.family_name in html and booked.family_name in html
    assert "Unrelated" not in html
    assert verified_client(clinician).get(f"/intake/enquiries/{booked.uuid}/").status_code == 200


def test_a_clinician_sees_the_enquiry_they_logged(clinician):
    client = verified_client(clinician)
    response = client.post("/intake/enquiries/new/", {
        "source": "phone", "given_name": "Logged", "family_name": "Byclinician",
        "phone": "07700 900123", "preferred_contact": "phone",
        "submission_key": "6f1c0f1e-8e7b-4f44-9d54-3f7c1d1a0b2c"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_advisors_and_supervisors_still_see_every_enquiry(make_enquiry, advisor, supervisor):
    enquiry = make_enquiry(given_name="Everyone")
    for user in (advisor, supervisor):
        assert enquiry.family_name in verified_client(user).get(
            "/intake/enquiries/").content.decode()


def test_booking_over_the_api_cannot_link_an_enquiry_the_caller_cannot_see(
        make_enquiry, clinician, patient):
    unrelated = make_enquiry(given_name="Unrelated")
    response = api_client(clinician).post("/api/v1/assessments", {
        "patient": str(patient.uuid), "enquiry": str(unrelated.uuid),
        "booked_for": (timezone.now() + timedelta(days=1)).isoformat()},
        content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "enquiry"
    assert not Assessment.objects.filter(enquiry=unrelated).exists()


def test_booking_over_the_api_links_an_enquiry_the_caller_works(make_enquiry, advisor,
                                                                clinician, patient):
    mine = make_enquiry(given_name="Mine")
    actions.update_next_action(ctx_for(advisor), mine, assigned_to=clinician)
    response = api_client(clinician).post("/api/v1/assessments", {
        "patient": str(patient.uuid), "enquiry": str(mine.uuid),
        "booked_for": (timezone.now() + timedelta(days=1)).isoformat()},
        content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["enquiry"] == str(mine.uuid)
