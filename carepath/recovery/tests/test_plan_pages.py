"""The plan pages: the person's own (/my/plan/), the care team's editor on the chart, and
the version views."""

import re

import pytest
from django.test import Client

from carepath.audit.models import Action, AuditEvent
from carepath.recovery import actions_plans
from carepath.recovery.models import RelapsePreventionPlan

from .plans_support import PLAN, own_account, plan_post, save, with_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(patient, make_user):
    return own_account(patient, make_user)


@pytest.fixture
def my_client(me):
    client = Client()
    client.force_login(me)
    return client


def _staff_url(patient, suffix=""):
    return f"/patients/{patient.uuid}/recovery/plan/{suffix}"


def test_my_plan_shows_tap_to_call_buttons_grouped_skills_and_reasons(patient, me, my_client):
    save(me, patient)
    page = my_client.get("/my/plan/").content.decode()
    assert 'href="tel:+4407700900123"' in page
    assert re.search(r'class="usa-button usa-button--big plan-call" href="tel:', page)
    assert "Call Sam (sister)" in page and "+44 (0)7700 900-123" in page
    assert page.index("My reasons for recovery") < page.index("People I can call")
    reasons = page[page.index('data-testid="plan-reasons"'):]
    assert "Back to work" in reasons.split("</ul>")[0]
    assert "CBT skills" in page and "DBT distress-tolerance skills" in page
    dbt = page[page.index('data-testid="plan-coping-dbt"'):].split("</ul>")[0]
    assert "TIPP: cold water on my face" in dbt and "Urge surfing" not in dbt


def test_my_plan_read_is_audited(patient, me, my_client):
    save(me, patient)
    before = AuditEvent.objects.filter(action=Action.READ, patient_uuid=patient.uuid).count()
    assert my_client.get("/my/plan/").status_code == 200
    read = AuditEvent.objects.filter(action=Action.READ, patient_uuid=patient.uuid)
    assert read.count() == before + 1
    assert read.order_by("-seq").first().object_type == actions_plans.OBJECT_TYPE


def test_my_plan_makes_no_external_requests_and_prints(patient, me, my_client):
    """Readable offline: every script, stylesheet and image is our own."""
    save(me, patient)
    page = my_client.get("/my/plan/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    external = [s for s in sources if re.match(r"^(https?:)?//", s)]
    assert external == []
    assert "recovery/plan.css" in page and 'data-testid="plan-offline"' in page


def test_my_plan_without_a_plan_offers_to_write_one(me, my_client):
    page = my_client.get("/my/plan/").content.decode()
    assert 'data-testid="no-plan"' in page and "Write my plan" in page


def test_staff_and_other_people_get_no_my_plan_page(patient, clinician, as_user):
    response = as_user(clinician).get("/my/plan/")
    assert response.status_code == 404


def test_patient_saves_from_the_edit_page(patient, me, my_client):
    response = my_client.post("/my/plan/edit/", plan_post(PLAN, based_on_version=0))
    assert response.status_code == 302 and response["Location"] == "/my/plan/"
    plan = RelapsePreventionPlan.objects.get(patient=patient)
    assert plan.written_by == me and plan.people == PLAN["people"]
    assert plan.coping_strategies == [
        {"kind": "cbt", "text": "Urge surfing"},
        {"kind": "dbt", "text": "TIPP: cold water on my face"},
        {"kind": "other", "text": "Walk the dog"}]


def test_the_edit_page_starts_from_the_current_version(patient, me, my_client):
    save(me, patient)
    page = my_client.get("/my/plan/edit/").content.decode()
    assert 'name="based_on_version" value="1"' in page
    assert "Payday\nFriday nights</textarea>" in page
    assert 'value="Sam"' in page
    assert "Examples, not instructions" in page and "Linehan MM" in page


def test_a_concurrent_edit_is_refused_and_the_typed_text_kept(patient, me, my_client,
                                                              clinician):
    save(me, patient)
    save(clinician, patient, with_changes(reasons=["Written by the clinician"]),
         based_on_version=1)
    mine = with_changes(reasons=["Typed by me while they were saving"])
    response = my_client.post("/my/plan/edit/", plan_post(mine, based_on_version=1,
                                                          submission_key="0" * 32))
    page = response.content.decode()
    assert response.status_code == 400
    assert "This plan changed while you were editing" in page
    assert "Typed by me while they were saving" in page
    assert 'name="based_on_version" value="2"' in page  # saving again is a choice
    assert "/my/plan/v2/" in page
    assert RelapsePreventionPlan.objects.filter(patient=patient).count() == 2


def test_bad_input_is_shown_by_its_row_and_nothing_typed_is_lost(patient, me, my_client):
    data = plan_post(with_changes(people=[{"name": "Jo", "relationship": "friend",
                                           "phone": "ring me"}]), based_on_version=0)
    response = my_client.post("/my/plan/edit/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "People to contact, row 1 (Jo): the phone number may contain only digits" in page
    assert 'id="id_person_1_phone_error"' in page
    assert 'value="ring me"' in page and "Back to work" in page
    assert not RelapsePreventionPlan.objects.exists()


def test_a_double_tapped_save_makes_one_version(patient, me, my_client):
    data = plan_post(PLAN, based_on_version=0, submission_key="1" * 32)
    first = my_client.post("/my/plan/edit/", data)
    second = my_client.post("/my/plan/edit/", data)
    assert first.status_code == second.status_code == 302
    assert RelapsePreventionPlan.objects.filter(patient=patient).count() == 1


def test_clinician_saves_on_the_chart_written_with_the_patient(patient, clinician, as_user):
    client = as_user(clinician)
    assert client.get(_staff_url(patient)).status_code == 200
    response = client.post(_staff_url(patient), plan_post(
        PLAN, based_on_version=0, written_with_patient="on", change_note="In session"))
    assert response.status_code == 302
    plan = RelapsePreventionPlan.objects.get(patient=patient)
    assert plan.written_by == clinician and plan.written_with == clinician
    assert plan.change_note == "In session"
    page = client.get(_staff_url(patient)).content.decode()
    assert "written together with the patient" in page
    assert f"/patients/{patient.uuid}/recovery/plan/v1/" in page


def test_version_views_show_each_version_as_it_was(patient, me, clinician, as_user,
                                                   my_client):
    save(me, patient)
    save(clinician, patient, with_changes(reasons=["Version two reason"]), based_on_version=1)
    staff_page = as_user(clinician).get(_staff_url(patient, "v1/")).content.decode()
    assert "Back to work" in staff_page and "Version two reason" not in staff_page
    assert 'data-testid="older-version"' in staff_page
    own_page = my_client.get("/my/plan/v1/").content.decode()
    assert "Back to work" in own_page and 'data-testid="older-version"' in own_page
    assert my_client.get("/my/plan/v9/").status_code == 404
    assert my_client.get("/my/plan/vx/").status_code == 404


def test_the_patient_is_sent_from_the_chart_to_their_own_page(patient, me, my_client):
    response = my_client.get(_staff_url(patient))
    assert response.status_code == 302 and response["Location"] == "/my/plan/"


def test_an_outsider_cannot_post_to_the_chart_editor(patient, outsider, as_user):
    response = as_user(outsider).post(_staff_url(patient), plan_post(PLAN))
    assert response.status_code == 403
    assert not RelapsePreventionPlan.objects.exists()
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid, outcome="denied").exists()
