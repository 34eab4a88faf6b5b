"""One enquiry's page: details, shared self-check, stage history, the stage and
next-action forms, booking an assessment and referring elsewhere; audit and access."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.directory.models import Service
from carepath.intake import actions_enquiries as actions
from carepath.intake.models import Assessment, Enquiry, Stage
from carepath.patients.models import Patient

from .test_pipeline_fixtures import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db


def _url(enquiry, suffix=""):
    return f"/intake/enquiries/{enquiry.uuid}/{suffix}"


def test_the_page_shows_details_history_and_the_forms_and_audits_the_read(make_enquiry, advisor):
    enquiry = make_enquiry(source="callback", summary="Worried about bladder pain",
                           selfcheck_summary={"suggests": "Signs of harmful use",
                                              "bladder_warning_signs": True})
    html = verified_client(advisor).get(_url(enquiry)).content.decode()
    assert enquiry.display_name in html and "Worried about bladder pain" in html
    assert 'data-testid="selfcheck-summary"' in html and "Signs of harmful use" in html
    assert 'data-testid="stage-history"' in html
    for button in ("Save stage", "Save next action", "Convert to patient", "Book assessment"):
        assert button in html
    event = AuditEvent.objects.filter(action="read", object_type="intake.enquiry").last()
    assert event.object_id == str(enquiry.uuid) and event.actor == advisor


def test_saving_a_stage_from_the_page(enquiry, advisor):
    response = verified_client(advisor).post(_url(enquiry, "stage/"),
                                             {"stage": "contacted", "note": "Spoke to them"})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.CONTACTED


def test_a_closing_stage_without_a_reason_keeps_the_form_and_says_why(enquiry, advisor):
    response = verified_client(advisor).post(_url(enquiry, "stage/"), {
        "stage": "not_proceeding", "note": "Typed note"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Give the outcome reason" in html and "Typed note" in html
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.NEW


def test_saving_the_next_action_from_the_page(enquiry, advisor):
    due = timezone.localdate() + timedelta(days=1)
    response = verified_client(advisor).post(_url(enquiry, "next-action/"), {
        "next_action": "Call after work", "next_action_due": due.isoformat(),
        "assigned_to": str(advisor.uuid)})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.next_action, enquiry.next_action_due, enquiry.assigned_to) == (
        "Call after work", due, advisor)


def test_another_organisations_enquiry_is_not_found(make_enquiry, make_user, other_org):
    theirs_advisor = make_user(Role.INTAKE_ADVISOR, organisation=other_org)
    theirs = make_enquiry(by=theirs_advisor, organisation=other_org)
    ours = make_user(Role.INTAKE_ADVISOR)
    client = verified_client(ours)
    for suffix in ("", "convert/", "book/", "refer/"):
        assert client.get(_url(theirs, suffix)).status_code == 404
    assert client.post(_url(theirs, "stage/"), {"stage": "contacted"}).status_code == 404


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMINISTRATOR])
def test_analysts_and_administrators_get_403_on_an_enquiry(enquiry, make_user, role):
    client = verified_client(make_user(role))
    for suffix in ("", "convert/", "book/", "refer/"):
        response = client.get(_url(enquiry, suffix))
        assert response.status_code == 403
        assert enquiry.display_name not in response.content.decode()


# --- logging an enquiry ---------------------------------------------------------------

def _new_form(**fields):
    return {"source": "phone", "preferred_contact": "phone",
            "submission_key": "0b7c0e0e-2f3c-4a43-9a51-8d7f6f2c1e11", **fields}


def test_logging_a_phone_call(advisor):
    response = verified_client(advisor).post("/intake/enquiries/new/", _new_form(
        given_name="Riley", family_name="Shaw", phone="07700 900111", summary="Daily use"))
    enquiry = Enquiry.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(enquiry)
    assert enquiry.source == "phone" and enquiry.created_by == advisor


def test_a_family_member_calling_on_someones_behalf(advisor):
    verified_client(advisor).post("/intake/enquiries/new/", _new_form(
        source="family", given_name="Riley", caller_name="Sam Shaw",
        caller_relationship="brother", caller_email="sam@example.org"))
    enquiry = Enquiry.objects.get()
    assert (enquiry.caller_name, enquiry.caller_relationship) == ("Sam Shaw", "brother")


def test_a_professional_referral_names_the_referring_organisation(advisor):
    client = verified_client(advisor)
    response = client.post("/intake/enquiries/new/", _new_form(
        source="professional", given_name="Riley", phone="1"))
    assert response.status_code == 400 and "Enter the organisation" in response.content.decode()
    client.post("/intake/enquiries/new/", _new_form(
        source="professional", given_name="Riley", phone="1",
        referrer_organisation="Eastgate GP practice"))
    assert Enquiry.objects.get().referrer_organisation == "Eastgate GP practice"


def test_no_way_to_contact_anyone_is_refused_with_the_reason_keeping_what_was_typed(advisor):
    response = verified_client(advisor).post("/intake/enquiries/new/", _new_form(
        given_name="Riley", family_name="Kept-Family", summary="Kept summary"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "We need a phone number or an email address to get back to them." in html
    assert 'value="Kept-Family"' in html and "Kept summary" in html
    assert not Enquiry.objects.exists()


def test_submitting_the_same_form_twice_logs_one_enquiry(advisor):
    client = verified_client(advisor)
    form = _new_form(given_name="Riley", phone="07700 900111")
    first = client.post("/intake/enquiries/new/", form)
    second = client.post("/intake/enquiries/new/", form)
    assert Enquiry.objects.count() == 1 and first["Location"] == second["Location"]


# --- booking an assessment --------------------------------------------------------------

def _booking(clinician, **extra):
    when = (timezone.localtime() + timedelta(days=3)).replace(second=0, microsecond=0)
    return {"assessor": str(clinician.uuid), "booked_for": when.strftime("%Y-%m-%dT%H:%M"),
            **extra}


def test_booking_converts_first_then_books_and_moves_the_stage(enquiry, advisor, clinician):
    actions.change_stage(ctx_for(advisor), enquiry, Stage.SCREENED)
    response = verified_client(advisor).post(_url(enquiry, "book/"), _booking(
        clinician, legal_given_name=enquiry.given_name, legal_family_name=enquiry.family_name,
        date_of_birth="1995-06-01", sex_at_birth="not_stated"))
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assessment = Assessment.objects.get()
    assert enquiry.stage == Stage.ASSESSMENT_BOOKED and enquiry.patient is not None
    assert assessment.patient == enquiry.patient and assessment.assessor == clinician
    assert assessment.enquiry == enquiry and assessment.episode.level_of_care == "assessment"
    assert enquiry.patient.care_team.filter(user=clinician).exists()


def test_booking_for_a_converted_enquiry_asks_nothing_more_about_the_person(enquiry, advisor,
                                                                           clinician):
    actions.convert_to_patient(ctx_for(advisor), enquiry, {"date_of_birth": date(1995, 6, 1)})
    client = verified_client(advisor)
    assert "Legal family name" not in client.get(_url(enquiry, "book/")).content.decode()
    response = client.post(_url(enquiry, "book/"), _booking(clinician))
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.ASSESSMENT_BOOKED and Patient.objects.count() == 1


def test_a_refused_booking_leaves_no_patient_behind(enquiry, advisor, make_user):
    nurse_admin = make_user(Role.ADMINISTRATOR)
    response = verified_client(advisor).post(_url(enquiry, "book/"), {
        **_booking(nurse_admin), "legal_given_name": "Casey",
        "legal_family_name": enquiry.family_name, "date_of_birth": "1995-06-01",
        "sex_at_birth": "not_stated"})
    assert response.status_code == 400
    assert not Patient.objects.exists() and not Assessment.objects.exists()


# --- referring elsewhere ----------------------------------------------------------------

@pytest.fixture
def service(db):
    return Service.objects.create(
        name="Riverside Recovery", provider="Riverside Trust", address_line1="1 River St",
        town="Manchester", postcode="M1 2AB", latitude=53.48, longitude=-2.24,
        offers_outpatient=True)


def test_referring_elsewhere_records_the_referral_and_closes_the_enquiry(enquiry, advisor,
                                                                         service):
    client = verified_client(advisor)
    page = client.get(_url(enquiry, "refer/") + "?q=Riverside").content.decode()
    assert "Riverside Recovery" in page
    response = client.post(_url(enquiry, "refer/") + "?q=Riverside", {
        "service": str(service.uuid), "match_reason": "Outpatient, near home",
        "level_of_care": "outpatient", "affiliation": "none", "no_fee_attested": "on"})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.REFERRED_ELSEWHERE and enquiry.referral.service == service
    assert enquiry.referral.patient is None and "Riverside Recovery" in enquiry.outcome_reason


def test_a_referral_without_the_no_fee_attestation_is_refused_and_nothing_changes(
        enquiry, advisor, service):
    response = verified_client(advisor).post(_url(enquiry, "refer/"), {
        "service": str(service.uuid), "match_reason": "Near home", "affiliation": "none"})
    assert response.status_code == 400
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.NEW and enquiry.referral is None


def test_refer_elsewhere_action_uses_the_patient_once_converted(enquiry, advisor, service):
    patient = actions.convert_to_patient(ctx_for(advisor), enquiry,
                                         {"date_of_birth": date(1990, 1, 1)})
    referral = actions.refer_elsewhere(ctx_for(advisor), enquiry, {
        "service": service, "match_reason": "Outpatient", "affiliation": "none",
        "no_fee_attested": True})
    assert referral.patient == patient
    again = actions.refer_elsewhere(ctx_for(advisor), enquiry, {"service": service})
    assert again == referral


def test_booking_stops_at_a_possible_duplicate_until_confirmed(enquiry, advisor, clinician,
                                                               make_patient):
    existing = make_patient(legal_given_name=enquiry.given_name,
                            legal_family_name=enquiry.family_name, date_of_birth=date(1995, 6, 1))
    form = _booking(clinician, legal_given_name=enquiry.given_name,
                    legal_family_name=enquiry.family_name, date_of_birth="1995-06-01",
                    sex_at_birth="not_stated")
    client = verified_client(advisor)
    response = client.post(_url(enquiry, "book/"), form)
    assert response.status_code == 409 and existing.mrn in response.content.decode()
    assert not Assessment.objects.exists()
    confirmed = client.post(_url(enquiry, "book/"), {**form, "confirm_duplicate": "on"})
    assert confirmed.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.ASSESSMENT_BOOKED and enquiry.patient != existing
