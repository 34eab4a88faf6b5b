"""The assessments API: book (idempotent), read, patch, complete, recommendation and
placement; outsiders get 403 before any field check, and errors name the field."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from carepath.accounts.tokens import create_token
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.intake.models import Assessment, AssessmentStatus, Placement

from .test_assessment_actions import DSM_SEVERE, book, give

pytestmark = pytest.mark.django_db
BASE = "/api/v1/assessments"


def client_for(user):
    _, raw = create_token(ctx_for(user), user, "test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def api(clinician):
    return client_for(clinician)


def patch_body(**overrides):
    body = {"age_first_use": 19, "years_of_use": 4.5, "days_per_week": 6,
            "route": "snorted", "binges": True, "k_holes": False,
            "last_use": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "other_substances": {"alcohol": {"frequency": "daily", "notes": ""}},
            "dimensions": {str(n): {"rating": 1, "notes": ""} for n in range(1, 7)}}
    body.update(overrides)
    return body


def test_book_with_an_idempotency_key_books_once(api, patient, clinician):
    body = {"patient": str(patient.uuid),
            "booked_for": (timezone.now() + timedelta(days=1)).isoformat()}
    first = api.post(BASE, body, content_type="application/json",
                     headers={"Idempotency-Key": "abc-1"})
    again = api.post(BASE, body, content_type="application/json",
                     headers={"Idempotency-Key": "abc-1"})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["assessor"]["username"] == clinician.username
    assert Assessment.objects.filter(patient=patient).count() == 1
    other = dict(body, booked_for=(timezone.now() + timedelta(days=2)).isoformat())
    reused = api.post(BASE, other, content_type="application/json",
                      headers={"Idempotency-Key": "abc-1"})
    assert reused.status_code == 422


def test_list_needs_a_patient_and_shows_their_assessments(api, patient, clinician):
    assessment = book(patient, clinician)
    assert api.get(BASE).json()["errors"][0]["field"] == "patient"
    page = api.get(f"{BASE}?patient={patient.uuid}").json()
    assert [a["id"] for a in page["items"]] == [str(assessment.uuid)]
    assert AuditEvent.objects.filter(action="list", object_type="intake.assessment",
                                     patient_uuid=patient.uuid).exists()


def test_patch_complete_recommend_and_place(api, patient, clinician):
    assessment = book(patient, clinician)
    give(patient, clinician, "dsm5-ketamine", DSM_SEVERE)
    url = f"{BASE}/{assessment.uuid}"
    response = api.patch(url, patch_body(), content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_progress"
    assert response.json()["codependence_warnings"] == [
        "Alcohol used daily: this co-dependence needs its own withdrawal scale and level of "
        "care."]
    assert api.post(f"{url}/complete").json()["status"] == "completed"

    rec = api.get(f"{url}/recommendation").json()
    assert rec["level"] == "withdrawal"
    assert rec["level_name"] == "Medically monitored withdrawal"
    assert [f["rule"] for f in rec["fired"]] == ["P1", "P10", "P11"]
    assert rec["version"] == "carepath-placement-1"
    assert rec["instruments"]["dsm5-ketamine"]["total"] == 7

    refused = api.post(f"{url}/placement", {"chosen_level": "outpatient"},
                       content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "override_reason"
    placed = api.post(f"{url}/placement", {
        "chosen_level": "outpatient",
        "override_reason": "Alcohol use already managed by the GP's detox plan."},
        content_type="application/json", headers={"Idempotency-Key": "p-1"})
    assert placed.status_code == 201
    body = placed.json()
    assert body["overridden"] is True and body["recommended_level"] == "withdrawal"
    again = api.post(f"{url}/placement", {
        "chosen_level": "outpatient",
        "override_reason": "Alcohol use already managed by the GP's detox plan."},
        content_type="application/json", headers={"Idempotency-Key": "p-1"})
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    assert Placement.objects.count() == 1
    assert patient.episodes.get().level_of_care == "outpatient"


def test_accept_recommendation_over_the_api(api, patient, clinician):
    assessment = book(patient, clinician)
    url = f"{BASE}/{assessment.uuid}"
    api.patch(url, patch_body(other_substances={}, days_per_week=2),
              content_type="application/json")
    api.post(f"{url}/complete")
    placed = api.post(f"{url}/placement", {"accept_recommendation": True},
                      content_type="application/json")
    assert placed.status_code == 201 and placed.json()["chosen_level"] == "outpatient"


def test_errors_name_the_field_and_change_nothing(api, patient, clinician):
    assessment = book(patient, clinician)
    response = api.patch(f"{BASE}/{assessment.uuid}",
                         {"days_per_week": 9, "last_use": "2999-01-01"},
                         content_type="application/json")
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields["days_per_week"] == "Days per week (9) must be a whole number from 0 to 7."
    assert "cannot be in the future" in fields["last_use"]
    unknown = api.patch(f"{BASE}/{assessment.uuid}", {"favourite_colour": "red"},
                        content_type="application/json")
    assert unknown.status_code == 422
    assessment.refresh_from_db()
    assert assessment.days_per_week is None


def test_completion_refusal_lists_what_is_missing(api, patient, clinician):
    assessment = book(patient, clinician)
    response = api.post(f"{BASE}/{assessment.uuid}/complete")
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"dimension_1_rating", "dimension_5_rating", "days_per_week",
            "last_use"} <= fields
    assert "dimension_6_rating" not in fields


def test_a_completed_assessment_cannot_be_patched(api, patient, clinician):
    assessment = book(patient, clinician)
    url = f"{BASE}/{assessment.uuid}"
    api.patch(url, patch_body(), content_type="application/json")
    api.post(f"{url}/complete")
    response = api.patch(url, {"days_per_week": 1}, content_type="application/json")
    assert response.status_code == 422
    assert "can no longer be changed" in response.json()["errors"][0]["message"]
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COMPLETED and assessment.days_per_week == 6


def test_outsiders_get_403_first_and_it_is_audited(patient, clinician, outsider):
    assessment = book(patient, clinician)
    api = client_for(outsider)
    url = f"{BASE}/{assessment.uuid}"
    calls = [("get", f"{BASE}?patient={patient.uuid}", None),
             ("post", BASE, {"patient": str(patient.uuid)}),
             ("get", url, None), ("patch", url, {}), ("post", f"{url}/complete", None),
             ("get", f"{url}/recommendation", None), ("post", f"{url}/placement", {})]
    for method, path, body in calls:
        kwargs = {"content_type": "application/json"} if body is not None else {}
        response = getattr(api, method)(path, body, **kwargs) if body is not None \
            else getattr(api, method)(path)
        assert response.status_code == 403, (method, path, response.content)
        assert patient.legal_family_name not in response.content.decode()
    assert AuditEvent.objects.filter(outcome="denied", patient_uuid=patient.uuid).count() \
        >= len(calls)
    assert api.get(f"{BASE}/00000000-0000-4000-8000-000000000000").status_code == 404
