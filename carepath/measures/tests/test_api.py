"""The measures API: the catalogue as FHIR, scoring through POST, refusals, idempotency."""

import pytest
from django.test import Client
from fhir.resources.R4B.questionnaire import Questionnaire

from carepath.accounts.tokens import create_token
from carepath.alerts.models import Alert
from carepath.conftest import ctx_for
from carepath.measures import catalogue
from carepath.measures.models import Response

pytestmark = pytest.mark.django_db

# The known answers of CLINICAL.md section 1, raw as answered (DAST-10 item 3 "no" = 0).
KNOWN = [
    ("phq-9", [3, 0, 1, 2, 0, 0, 1, 0, 3],
     {"total": 10, "band": "moderate", "subscales": {}, "flags": ["suicide-risk"], "codes": {}}),
    ("phq-2", [3, 0], {"total": 3, "band": "positive", "subscales": {}, "flags": [],
                       "codes": {}}),
    ("gad-7", [3, 0, 1, 2, 0, 0, 1], {"total": 7, "band": "mild", "subscales": {},
                                      "flags": [], "codes": {}}),
    ("dast-10", [1, 0, 0, 1, 0, 0, 1, 0, 0, 0],
     {"total": 4, "band": "moderate", "subscales": {}, "flags": [], "codes": {}}),
    ("pcl-5", [4, 3, 1, 0, 3, 3, 4, 1, 2, 0, 3, 1, 0, 0, 1, 2, 4, 0, 0, 3],
     {"total": 35, "band": "probable-ptsd", "subscales": {"B": 11, "C": 7, "D": 7, "E": 10},
      "flags": ["dsm5-provisional"], "codes": {}}),
]


@pytest.fixture
def api(clinician):
    _, raw = create_token(ctx_for(clinician), clinician, "test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _post(api, patient, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return api.post(f"/api/v1/patients/{patient.uuid}/responses", body,
                    content_type="application/json", headers=headers)


def test_the_catalogue_lists_every_instrument(api):
    listed = api.get("/api/v1/instruments").json()
    assert {i["id"] for i in listed} == set(catalogue.ids())
    craving = next(i for i in listed if i["id"] == "craving-nrs")
    assert craving["validated"] is False


def test_an_instrument_is_served_as_a_fhir_r4_questionnaire(api):
    body = api.get("/api/v1/instruments/phq-9").json()
    assert body["resourceType"] == "Questionnaire" and "carepath" not in body
    Questionnaire.model_validate(body)
    assert body["code"][0]["code"] == "44249-1"
    assert api.get("/api/v1/instruments/nope").status_code == 404


@pytest.mark.parametrize(("instrument", "answers", "expected"), KNOWN,
                         ids=[k[0] for k in KNOWN])
def test_known_answers_through_the_api(api, patient, instrument, answers, expected):
    response = _post(api, patient, {"instrument": instrument, "answers": answers})
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in expected} == expected


def test_answers_may_be_keyed_by_link_id(api, patient):
    body = _post(api, patient, {"instrument": "gad-7", "answers": {
        "1": 3, "2": 0, "3": 1, "4": 2, "5": 0, "6": 0, "7": 1}}).json()
    assert body["total"] == 7


@pytest.mark.parametrize(("answers", "field", "words"), [
    ([3, 0, 1, 2, 0, 0, 1, 0], "answers", "takes 9 answers"),
    ([3, 0, 1, 2, 0, 0, 1, 0, 3, 1], "answers", "takes 9 answers"),
    ([3, 0, 4, 2, 0, 0, 1, 0, 3], "answers.3", "out of range"),
    ([3, 0, -1, 2, 0, 0, 1, 0, 3], "answers.3", "out of range"),
    ([3, 0, None, 2, 0, 0, 1, 0, 3], "answers.3", "required"),
])
def test_wrong_answers_are_refused_naming_the_item_and_nothing_is_stored(
        api, patient, answers, field, words):
    response = _post(api, patient, {"instrument": "phq-9", "answers": answers})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == field and words in errors[0]["message"]
    assert not Response.objects.exists()


def test_a_string_or_fraction_is_refused(api, patient):
    for bad in ("3", 2.5, True):
        response = _post(api, patient, {"instrument": "phq-2", "answers": [bad, 0]})
        assert response.status_code == 422, bad


def test_an_unknown_instrument_is_refused_by_name(api, patient):
    response = _post(api, patient, {"instrument": "phq-99", "answers": [1]})
    assert response.status_code == 422
    assert "phq-99" in response.json()["errors"][0]["message"]


def test_a_retry_with_the_same_key_returns_the_first_result_and_stores_nothing_twice(
        api, patient):
    body = {"instrument": "phq-9", "answers": [3, 0, 1, 2, 0, 0, 1, 0, 3]}
    first = _post(api, patient, body, key="retry-1")
    again = _post(api, patient, body, key="retry-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Response.objects.count() == 1 and Alert.objects.count() == 1


def test_reusing_a_key_for_a_different_request_is_refused(api, patient):
    _post(api, patient, {"instrument": "phq-2", "answers": [0, 0]}, key="k")
    response = _post(api, patient, {"instrument": "phq-2", "answers": [1, 0]}, key="k")
    assert response.status_code == 422 and Response.objects.count() == 1


def test_the_response_reports_the_alert_it_raised(api, patient):
    body = _post(api, patient, {"instrument": "phq-9",
                                "answers": [0, 0, 0, 0, 0, 0, 0, 0, 1]}).json()
    assert body["alert_raised"] is True and body["flags"] == ["suicide-risk"]


def test_listing_a_patients_responses(api, patient):
    for answers in ([0, 0], [1, 2], [3, 3]):
        _post(api, patient, {"instrument": "phq-2", "answers": answers})
    _post(api, patient, {"instrument": "gad-7", "answers": [0] * 7})
    page = api.get(f"/api/v1/patients/{patient.uuid}/responses?instrument=phq-2").json()
    assert [i["total"] for i in page["items"]] == [6, 3, 0]
    assert page["has_next"] is False
    everything = api.get(f"/api/v1/patients/{patient.uuid}/responses?page_size=2").json()
    assert len(everything["items"]) == 2 and everything["has_next"] is True


def test_an_amendment_through_the_api_links_both(api, patient):
    first = _post(api, patient, {"instrument": "phq-2", "answers": [1, 1]}).json()
    second = _post(api, patient, {"instrument": "phq-2", "answers": [2, 1],
                                  "amends": first["id"],
                                  "amendment_reason": "Entered the wrong option"}).json()
    assert second["amends"] == first["id"]
    listed = api.get(f"/api/v1/patients/{patient.uuid}/responses").json()["items"]
    original = next(i for i in listed if i["id"] == first["id"])
    assert original["amended_by"] == [second["id"]] and original["total"] == 2
