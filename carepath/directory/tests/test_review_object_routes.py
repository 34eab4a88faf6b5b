"""Object routes never hand over an object through a URL that names a different patient
(IDOR), nor another organisation's objects. (Checked in review; these held already.)"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.accounts.tokens import create_token
from carepath.conftest import ctx_for, verified_client
from carepath.intake import actions_assessment, actions_enquiries

from .test_referral_support import refer

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    _, raw = create_token(ctx_for(user), user, "test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def booked(patient, clinician):
    return actions_assessment.book_assessment(
        ctx_for(clinician), patient, assessor=clinician,
        booked_for=timezone.now() + timedelta(days=1))


def test_a_patients_url_with_another_patients_object_is_not_found(clinician, make_patient):
    mine, theirs = make_patient(), make_patient()  # the clinician is on both care teams
    assessment, referral = booked(theirs, clinician), refer(clinician, theirs)
    client = verified_client(clinician)
    base = f"/patients/{mine.uuid}"
    assert client.get(f"{base}/assessments/{assessment.uuid}/").status_code == 404
    assert client.get(f"{base}/assessments/{assessment.uuid}/placement/").status_code == 404
    assert client.post(f"{base}/assessments/{assessment.uuid}/",
                       {"summary": "x"}).status_code == 404
    assert client.post(f"{base}/referrals/{referral.uuid}/status/",
                       {"status": "declined"}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == "sent"


def test_another_organisations_objects_are_not_handed_over(clinician, patient, make_user,
                                                           other_org):
    assessment, referral = booked(patient, clinician), refer(clinician, patient)
    advisor = make_user(Role.INTAKE_ADVISOR)
    enquiry = actions_enquiries.create_enquiry(
        ctx_for(advisor), advisor.organisation,
        {"given_name": "Casey", "phone": "07700 900123"}, source="phone")
    stranger = make_user(Role.SUPERVISOR, organisation=other_org)
    web, client = verified_client(stranger), api(stranger)
    assert web.get(f"/intake/enquiries/{enquiry.uuid}/").status_code == 404
    assert web.get(f"/directory/referrals/{referral.uuid}/").status_code == 404
    assert web.get(f"/patients/{patient.uuid}/assessments/{assessment.uuid}/").status_code \
        == 403
    assert client.get(f"/api/v1/enquiries/{enquiry.uuid}").status_code == 404
    assert client.get(f"/api/v1/referrals/{referral.uuid}").status_code == 404
    assert client.get(f"/api/v1/assessments/{assessment.uuid}").status_code == 403


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.ANALYST])
def test_roles_without_a_basis_see_no_patient_or_enquiry(role, make_user, clinician,
                                                          patient):
    assessment = booked(patient, clinician)
    user = make_user(role)
    web, client = verified_client(user), api(user)
    assert web.get("/intake/enquiries/").status_code == 403
    assert web.get(f"/patients/{patient.uuid}/assessments/").status_code == 403
    assert web.get(f"/patients/{patient.uuid}/referrals/").status_code == 403
    assert client.get("/api/v1/enquiries").status_code == 403
    assert client.get(f"/api/v1/assessments/{assessment.uuid}").status_code == 403
    assert client.get("/api/v1/referrals").json()["items"] == []
