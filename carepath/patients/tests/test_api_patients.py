"""The JSON API: same policy and audit as the web; errors as {"detail", "errors"}."""

import pytest
from django.test import Client

from carepath.accounts.tokens import create_token
from carepath.audit.models import Action, AuditEvent
from carepath.conftest import ctx_for
from carepath.patients.models import Patient


def api(user) -> Client:
    _, raw = create_token(ctx_for(user), user, "test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


NEW = {"legal_given_name": "Casey", "legal_family_name": "Jones", "date_of_birth": "1999-09-09"}


def test_list_shows_only_visible_patients_paginated_and_searchable(clinician, make_patient,
                                                                   outsider):
    mine = [make_patient(legal_family_name=f"Mine{i}") for i in range(3)]
    make_patient(by=outsider, legal_family_name="NotMine")
    body = api(clinician).get("/api/v1/patients?page_size=2").json()
    assert len(body["items"]) == 2 and body["page_size"] == 2 and body["has_next"]
    last = api(clinician).get("/api/v1/patients?page_size=2&page=2").json()
    assert len(last["items"]) == 1 and not last["has_next"]
    assert {i["mrn"] for i in body["items"] + last["items"]} == {p.mrn for p in mine}
    found = api(clinician).get("/api/v1/patients?q=Mine1").json()
    assert [i["id"] for i in found["items"]] == [str(mine[1].uuid)]
    assert api(clinician).get("/api/v1/patients?q=NotMine").json()["items"] == []


def test_get_outside_the_care_team_is_refused_and_audited(outsider, patient):
    response = api(outsider).get(f"/api/v1/patients/{patient.uuid}")
    assert response.status_code == 403
    assert response.json()["errors"] == [] and "detail" in response.json()
    assert patient.legal_family_name not in response.content.decode()
    assert AuditEvent.objects.filter(actor=outsider, patient_uuid=patient.uuid,
                                     outcome="denied").exists()


def test_break_glass_by_api_opens_it_and_the_supervisor_sees_it(outsider, patient, make_user,
                                                                 as_user):
    from carepath.accounts.models import Role

    client = api(outsider)
    bad = client.post(f"/api/v1/patients/{patient.uuid}/break-glass", {"reason": "x"},
                      content_type="application/json")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "reason"
    opened = client.post(f"/api/v1/patients/{patient.uuid}/break-glass",
                         {"reason": "Emergency department asked for history"},
                         content_type="application/json")
    assert opened.status_code == 201
    record = client.get(f"/api/v1/patients/{patient.uuid}")
    assert record.status_code == 200 and record.json()["mrn"] == patient.mrn
    review = as_user(make_user(Role.SUPERVISOR)).get("/access/break-glass/review/")
    assert b"Emergency department asked for history" in review.content


def test_create_with_idempotency_key_never_duplicates(clinician):
    client = api(clinician)
    headers = {"Idempotency-Key": "abc-123"}
    first = client.post("/api/v1/patients", NEW, content_type="application/json", headers=headers)
    again = client.post("/api/v1/patients", NEW, content_type="application/json", headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Patient.objects.count() == 1
    changed = client.post("/api/v1/patients", {**NEW, "legal_given_name": "Other"},
                          content_type="application/json", headers=headers)
    assert changed.status_code == 422


def test_duplicate_name_and_birth_date_is_a_409_until_confirmed(clinician, patient):
    client = api(clinician)
    data = {"legal_given_name": "Robin", "legal_family_name": "Quinton",
            "date_of_birth": patient.date_of_birth.isoformat()}
    dup = client.post("/api/v1/patients", data, content_type="application/json")
    assert dup.status_code == 409 and dup.json()["duplicates"] == [{"mrn": patient.mrn}]
    ok = client.post("/api/v1/patients", {**data, "confirm_duplicate": True},
                     content_type="application/json")
    assert ok.status_code == 201


@pytest.mark.parametrize("payload,field", [
    ({**NEW, "date_of_birth": "2999-01-01"}, "date_of_birth"),
    ({**NEW, "nhs_number": "9434765918"}, "nhs_number"),
    ({**NEW, "date_of_birth": "not a date"}, "date_of_birth"),
    ({k: v for k, v in NEW.items() if k != "legal_family_name"}, "legal_family_name"),
    ({**NEW, "favourite_colour": "blue"}, "favourite_colour"),
])
def test_validation_errors_name_the_field(clinician, payload, field):
    response = api(clinician).post("/api/v1/patients", payload, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and field in [e["field"] for e in body["errors"]]
    assert not Patient.objects.exists()


def test_patch_changes_only_sent_fields_and_audits(clinician, patient):
    response = api(clinician).patch(f"/api/v1/patients/{patient.uuid}",
                                    {"pronouns": "they/them"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["pronouns"] == "they/them"
    assert response.json()["legal_family_name"] == "Quinton"
    assert AuditEvent.objects.filter(action=Action.UPDATE, patient_uuid=patient.uuid).exists()


def test_patch_with_bad_value_keeps_the_stored_record(clinician, patient):
    response = api(clinician).patch(f"/api/v1/patients/{patient.uuid}",
                                    {"nhs_number": "123", "phone": "0800"},
                                    content_type="application/json")
    assert response.status_code == 422
    patient.refresh_from_db()
    assert patient.phone == "" and patient.nhs_number == ""


def test_get_returns_the_record_by_uuid_never_by_sequential_id(clinician, patient):
    body = api(clinician).get(f"/api/v1/patients/{patient.uuid}").json()
    assert body["id"] == str(patient.uuid) and "pk" not in body
    assert api(clinician).get(f"/api/v1/patients/{patient.pk}").status_code in (404, 422)


def test_openapi_document_is_served(db):
    spec = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/patients/{patient_id}" in spec["paths"]


def test_api_answers_are_not_stored_by_caches(clinician, patient):
    response = api(clinician).get(f"/api/v1/patients/{patient.uuid}")
    assert response["Cache-Control"] == "no-store, private"
