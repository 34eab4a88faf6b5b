"""The recovery API: POST and GET /api/v1/checkins, GET /api/v1/plan and /api/v1/tasks."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from carepath.alerts.models import Alert
from carepath.audit.models import AuditEvent
from carepath.recovery.models import CheckIn, RelapsePreventionPlan

from .checkin_support import (
    GOOD,
    api_client,
    check_in,
    new_key,
    second_patient,
    today_for,
    with_portal_account,
)

pytestmark = pytest.mark.django_db
URL = "/api/v1/checkins"


@pytest.fixture
def me(patient, make_user):
    return with_portal_account(patient, make_user)


@pytest.fixture
def app(me):
    return api_client(me.user)


def post(client, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    response = client.post(URL, json.dumps(body), content_type="application/json",
                           headers=headers)
    return response.status_code, response.json()


def test_a_check_in_is_created_with_its_fields_and_advice(app, me):
    status, body = post(app, {**GOOD, "triggers": ["Payday"]}, new_key())
    assert status == 201
    checkin = CheckIn.objects.get(patient=me)
    assert body["id"] == str(checkin.uuid) and checkin.source == "api"
    assert (body["craving"], body["mood"], body["sleep_hours"]) == (3, 6, 7.5)
    assert body["triggers"] == ["Payday"] and body["checkin_date"] == str(today_for(me))
    assert (body["advice"], body["alert_raised"]) == ("ok", False)


def test_a_retry_with_the_same_key_returns_the_first_result_and_stores_one(app, me):
    key = new_key()
    first = post(app, GOOD, key)
    again = post(app, GOOD, key)
    assert (first[0], again[0]) == (201, 200)
    assert again[1] == first[1]
    assert CheckIn.objects.filter(patient=me).count() == 1


def test_a_reused_key_with_a_different_body_is_refused(app, me):
    key = new_key()
    post(app, GOOD, key)
    status, body = post(app, {**GOOD, "craving": 9}, key)
    assert status == 422 and "Idempotency-Key" in body["detail"]
    assert CheckIn.objects.filter(patient=me).count() == 1


@pytest.mark.parametrize(("field", "value", "words"), [
    ("craving", 11, "Craving must be a whole number from 0 to 10"),
    ("mood", -1, "Mood must be a whole number from 0 to 10"),
    ("bladder_pain", 10.5, "Bladder pain must be a whole number from 0 to 10"),
    ("sleep_hours", 30, "Hours of sleep must be a number from 0 to 24"),
    ("used_ketamine", "yes", "Ketamine used today must be yes or no"),
    ("blood_in_urine", None, "Blood in urine: answer yes or no"),
    ("other_substances", "Alcohol", "Other substances must be a list"),
    ("triggers", [f"t{n}" for n in range(21)], "at most 20"),
    ("note", "x" * 2001, "Note must be 2,000 characters or fewer"),
])
def test_out_of_range_is_422_naming_the_field(app, me, field, value, words):
    status, body = post(app, {**GOOD, field: value}, new_key())
    assert status == 422
    assert [e["field"] for e in body["errors"]] == [field]
    assert words in body["errors"][0]["message"]
    assert not CheckIn.objects.exists()


def test_a_missing_required_field_and_an_unknown_field_are_named(app):
    body = {k: v for k, v in GOOD.items() if k != "craving"}
    status, answer = post(app, body)
    assert status == 422 and answer["errors"][0]["field"] == "craving"
    status, answer = post(app, {**GOOD, "crave": 3})
    assert status == 422 and answer["errors"][0]["field"] == "crave"


def test_a_future_date_is_refused(app, me):
    tomorrow = today_for(me) + timedelta(days=1)
    status, body = post(app, {**GOOD, "checkin_date": str(tomorrow)})
    assert status == 422
    assert body["errors"] == [{"field": "checkin_date",
                               "message": "A check-in cannot be for a future date."}]


def test_blood_in_urine_is_urgent_raises_one_alert_and_a_retry_raises_none(app, me):
    key = new_key()
    status, body = post(app, {**GOOD, "blood_in_urine": True}, key)
    assert status == 201 and (body["advice"], body["alert_raised"]) == ("urgent", True)
    status, again = post(app, {**GOOD, "blood_in_urine": True}, key)
    assert status == 200 and again == body
    assert Alert.objects.filter(patient=me, flag="blood-in-urine").count() == 1


def test_reported_use_gets_the_lapse_advice(app):
    status, body = post(app, {**GOOD, "used_ketamine": True})
    assert status == 201 and body["advice"] == "lapse"


def test_staff_tokens_cannot_post_check_ins_and_the_refusal_is_audited(clinician, me):
    status, body = post(api_client(clinician), GOOD, new_key())
    assert status == 403 and body["detail"] == "Check-ins are made by the patient"
    assert not CheckIn.objects.exists()
    assert AuditEvent.objects.filter(outcome="denied", actor=clinician,
                                     object_type="recovery.checkin").exists()


def test_staff_tokens_cannot_read_the_patient_routes(clinician):
    staff = api_client(clinician)
    for path in (URL, "/api/v1/plan", "/api/v1/tasks"):
        assert staff.get(path).status_code == 403


def test_no_token_is_401(me):
    assert Client().get(URL).status_code == 401
    assert Client().post(URL, "{}", content_type="application/json").status_code == 401


def test_another_patients_token_cannot_read_yours(me, app, make_patient, make_user):
    post(app, GOOD, new_key())
    other = second_patient(make_patient, make_user)
    listed = api_client(other.user).get(URL).json()
    assert listed["items"] == []
    assert str(CheckIn.objects.get(patient=me).uuid) not in json.dumps(listed)


def test_the_list_is_newest_first_paginated_counted_and_audited(app, me):
    for days_ago in (2, 0, 1):
        check_in(me, days_ago=days_ago)
    body = app.get(URL + "?page_size=2").json()
    today = today_for(me)
    assert [i["checkin_date"] for i in body["items"]] == [str(today),
                                                          str(today - timedelta(days=1))]
    assert (body["page"], body["page_size"], body["has_next"]) == (1, 2, True)
    assert body["counter"]["all_time"] == 3 and body["counter"]["current_run"] == 3
    assert app.get(URL + "?page=2&page_size=2").json()["has_next"] is False
    assert AuditEvent.objects.filter(action="list", patient_uuid=me.uuid,
                                     object_type="recovery.checkin").count() == 2


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_list_costs_the_same_queries_for_one_row_or_a_full_page(app, me):
    check_in(me, blood_in_urine=True)
    app.get(URL)  # the token's last-used time is written at most once a minute
    one = _queries(app, URL)
    for days_ago in range(1, 8):
        for _ in range(3):
            check_in(me, days_ago=days_ago, blood_in_urine=days_ago % 2 == 0)
    full = _queries(app, URL)
    assert len(app.get(URL).json()["items"]) == 20
    assert one == full


def test_the_plan_is_404_until_written_then_its_latest_version_audited(app, me):
    response = app.get("/api/v1/plan")
    assert response.status_code == 404 and "No relapse-prevention plan" in response.json()[
        "detail"]
    for version, reason in ((1, "My kids"), (2, "My kids and my health")):
        RelapsePreventionPlan.objects.create(organisation=me.organisation, patient=me,
                                             version=version, triggers=["Payday"],
                                             reasons=[reason], written_by=me.user)
    body = app.get("/api/v1/plan").json()
    assert (body["version"], body["reasons"], body["triggers"]) == (
        2, ["My kids and my health"], ["Payday"])
    assert AuditEvent.objects.filter(action="read", patient_uuid=me.uuid,
                                     object_type="recovery.relapsepreventionplan").exists()


def test_the_tasks_are_listed_and_audited(app, me):
    response = app.get("/api/v1/tasks")
    assert response.status_code == 200 and isinstance(response.json(), list)
    for task in response.json():
        assert set(task) == {"kind", "title", "url", "due_on", "state"}
    assert AuditEvent.objects.filter(action="list", patient_uuid=me.uuid,
                                     object_type="recovery.tasks").exists()


def test_contact_me_raises_one_outreach_for_my_check_in_only(app, me, make_patient, make_user):
    from carepath.treatment.models import OutreachTask

    _, body = post(app, {**GOOD, "used_ketamine": True}, new_key())
    path = f"{URL}/{body['id']}/contact-me"
    assert app.post(path).json() == {"checkin_id": body["id"], "contact_requested": True}
    assert app.post(path).status_code == 200
    assert OutreachTask.objects.filter(patient=me, reason="patient_asked").count() == 1
    other = api_client(second_patient(make_patient, make_user).user)
    assert other.post(path).status_code == 404
