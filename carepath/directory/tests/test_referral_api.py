"""/api/v1/referrals: list with filters, create (idempotent), read, status."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.accounts.tokens import create_token
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.directory.models import Referral

from .test_referral_support import make_service, refer

pytestmark = pytest.mark.django_db
URL = "/api/v1/referrals"


def api(user) -> Client:
    _, raw = create_token(ctx_for(user), user, "t")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _body(patient, service, **fields):
    return {"patient": str(patient.uuid) if patient else None, "service": str(service.uuid),
            "match_reason": "Closest IOP with places", "affiliation": "none",
            "no_fee_attested": True, "level_of_care": "intensive_outpatient", **fields}


def test_create_is_idempotent_with_a_key(clinician, patient):
    client, body = api(clinician), _body(patient, make_service())
    first = client.post(URL, body, content_type="application/json",
                        headers={"Idempotency-Key": "abc"})
    again = client.post(URL, body, content_type="application/json",
                        headers={"Idempotency-Key": "abc"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"] and Referral.objects.count() == 1
    assert first.json()["status"] == "sent"
    assert [h["to_status"] for h in first.json()["history"]] == ["sent"]
    other = client.post(URL, {**body, "match_reason": "different"},
                        content_type="application/json", headers={"Idempotency-Key": "abc"})
    assert other.status_code == 422 and Referral.objects.count() == 1


def test_create_without_a_key_creates_each_time(clinician, patient):
    client, body = api(clinician), _body(patient, make_service())
    assert client.post(URL, body, content_type="application/json").status_code == 201
    assert client.post(URL, body, content_type="application/json").status_code == 201
    assert Referral.objects.count() == 2


def test_refusals_are_structured_field_errors(clinician, patient):
    response = api(clinician).post(URL, _body(patient, make_service(), match_reason="",
                                              affiliation="financial", no_fee_attested=False),
                                   content_type="application/json")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"match_reason", "affiliation_details", "no_fee_attested"}


def test_an_unknown_service_is_a_field_error(clinician, patient):
    response = api(clinician).post(URL, {"patient": str(patient.uuid),
                                         "service": "00000000-0000-4000-8000-000000000000"},
                                   content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "service"


def test_an_outsider_is_refused_before_any_field_is_checked(outsider, patient):
    response = api(outsider).post(URL, {"patient": str(patient.uuid)},
                                  content_type="application/json")
    assert response.status_code == 403 and not Referral.objects.exists()
    assert AuditEvent.objects.filter(outcome="denied", patient_uuid=patient.uuid).exists()


def test_an_empty_body_from_someone_who_may_not_refer_for_enquiries_is_refused(make_user):
    response = api(make_user(Role.NURSE)).post(URL, {}, content_type="application/json")
    assert response.status_code == 403


def test_an_intake_advisor_creates_an_enquiry_referral(make_user):
    advisor = make_user(Role.INTAKE_ADVISOR)
    response = api(advisor).post(URL, _body(None, make_service()),
                                 content_type="application/json")
    assert response.status_code == 201 and response.json()["patient"] is None


def test_list_filters_by_patient_status_and_due(clinician, make_patient):
    a, b = make_patient(), make_patient()
    ra, rb = refer(clinician, a), refer(clinician, b)
    Referral.objects.filter(pk=ra.pk).update(check_due_at=timezone.now() - timedelta(days=1))
    client = api(clinician)
    assert [i["id"] for i in client.get(URL, {"patient": str(b.uuid)}).json()["items"]] == \
        [str(rb.uuid)]
    due = client.get(URL, {"due": "true"}).json()["items"]
    assert [i["id"] for i in due] == [str(ra.uuid)] and due[0]["check_overdue"]
    assert client.get(URL, {"status": "declined"}).json()["items"] == []
    assert len(client.get(URL).json()["items"]) == 2


def test_list_hides_what_the_user_may_not_see(clinician, outsider, patient):
    refer(clinician, patient)
    client = api(outsider)
    assert client.get(URL).json()["items"] == []
    assert client.get(URL, {"patient": str(patient.uuid)}).status_code == 403


def test_read_one_and_change_its_status(clinician, outsider, patient):
    referral = refer(clinician, patient)
    client = api(clinician)
    got = client.get(f"{URL}/{referral.uuid}")
    assert got.status_code == 200 and got.json()["match_reason"]
    moved = client.post(f"{URL}/{referral.uuid}/status", {"status": "acknowledged"},
                        content_type="application/json")
    assert moved.status_code == 200 and moved.json()["status"] == "acknowledged"
    wrong = client.post(f"{URL}/{referral.uuid}/status", {"status": "admitted"},
                        content_type="application/json")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "status"
    stranger = api(outsider)
    assert stranger.get(f"{URL}/{referral.uuid}").status_code == 403
    assert stranger.post(f"{URL}/{referral.uuid}/status", {},
                         content_type="application/json").status_code == 403


def test_another_organisations_referral_is_not_found(make_user, other_org, clinician, patient):
    referral = refer(clinician, patient)
    stranger = api(make_user(Role.SUPERVISOR, organisation=other_org))
    assert stranger.get(f"{URL}/{referral.uuid}").status_code == 404
