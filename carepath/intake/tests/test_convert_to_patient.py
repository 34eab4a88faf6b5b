"""Converting an enquiry: the patient gets the enquiry's details without re-typing, after
the register's duplicate check; an episode opens at assessment; the advisor joins the
care team; converting twice gives the same patient."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.intake import actions_enquiries as actions
from carepath.patients.actions import PossibleDuplicate
from carepath.patients.models import CareTeamRole, LevelOfCare, Patient

from .test_pipeline_fixtures import *  # noqa: F403 (fixtures)

pytestmark = pytest.mark.django_db

BIRTH = date(1999, 3, 14)


def test_the_patient_gets_the_enquirys_names_phone_email_and_postcode(enquiry, advisor):
    patient = actions.convert_to_patient(ctx_for(advisor), enquiry,
                                         {"date_of_birth": BIRTH, "sex_at_birth": "female"})
    assert (patient.legal_given_name, patient.legal_family_name) == (
        enquiry.given_name, enquiry.family_name)
    assert (patient.phone, patient.email, patient.postcode) == (
        enquiry.phone, enquiry.email, enquiry.postcode)
    assert patient.date_of_birth == BIRTH and patient.sex_at_birth == "female"
    enquiry.refresh_from_db()
    assert enquiry.patient == patient


def test_conversion_opens_an_episode_at_assessment_and_puts_the_advisor_on_the_team(
        enquiry, advisor):
    patient = actions.convert_to_patient(ctx_for(advisor), enquiry, {"date_of_birth": BIRTH})
    episode = patient.episodes.get()
    assert episode.is_open and episode.level_of_care == LevelOfCare.ASSESSMENT
    assert patient.care_team.get(user=advisor).role == CareTeamRole.INTAKE
    event = AuditEvent.objects.filter(object_type="intake.enquiry", action="update").last()
    assert event.patient_uuid == patient.uuid and event.details["converted"] is True


def test_a_family_callers_details_become_the_emergency_contact(make_enquiry, advisor):
    enquiry = make_enquiry(source="family", caller_name="Jo Morgan",
                           caller_relationship="mother", caller_phone="07700 900999")
    patient = actions.convert_to_patient(ctx_for(advisor), enquiry, {"date_of_birth": BIRTH})
    assert (patient.emergency_contact_name, patient.emergency_contact_relationship,
            patient.emergency_contact_phone) == ("Jo Morgan", "mother", "07700 900999")


def test_the_date_of_birth_is_asked_for_when_the_enquiry_lacks_it(enquiry, advisor):
    with pytest.raises(ValidationError) as refused:
        actions.convert_to_patient(ctx_for(advisor), enquiry, {})
    assert "date of birth" in refused.value.message_dict["date_of_birth"][0]
    assert not Patient.objects.exists()


def test_a_possible_duplicate_stops_conversion_until_confirmed(enquiry, advisor, make_patient):
    existing = make_patient(legal_given_name=enquiry.given_name,
                            legal_family_name=enquiry.family_name, date_of_birth=BIRTH)
    with pytest.raises(PossibleDuplicate) as dup:
        actions.convert_to_patient(ctx_for(advisor), enquiry, {"date_of_birth": BIRTH})
    assert dup.value.matches == [existing]
    enquiry.refresh_from_db()
    assert enquiry.patient is None and Patient.objects.count() == 1
    patient = actions.convert_to_patient(ctx_for(advisor), enquiry, {"date_of_birth": BIRTH},
                                         confirm_duplicate=True)
    assert patient != existing and Patient.objects.count() == 2


def test_converting_twice_returns_the_same_patient(enquiry, advisor):
    first = actions.convert_to_patient(ctx_for(advisor), enquiry, {"date_of_birth": BIRTH})
    again = actions.convert_to_patient(ctx_for(advisor), enquiry, {"date_of_birth": BIRTH})
    assert again == first and Patient.objects.count() == 1


# --- the confirm page ------------------------------------------------------------------

def _url(enquiry):
    return f"/intake/enquiries/{enquiry.uuid}/convert/"


def test_the_confirm_page_is_prefilled_from_the_enquiry(make_enquiry, advisor):
    enquiry = make_enquiry(date_of_birth=BIRTH)
    html = verified_client(advisor).get(_url(enquiry)).content.decode()
    assert f'value="{enquiry.family_name}"' in html and 'value="1999-03-14"' in html
    assert enquiry.phone in html and "Convert to patient" in html


def test_the_confirm_page_shows_duplicates_with_links_and_a_not_the_same_person_box(
        enquiry, advisor, make_patient):
    existing = make_patient(legal_given_name=enquiry.given_name,
                            legal_family_name=enquiry.family_name, date_of_birth=BIRTH)
    client = verified_client(advisor)
    form = {"legal_given_name": enquiry.given_name, "legal_family_name": enquiry.family_name,
            "date_of_birth": "1999-03-14", "sex_at_birth": "not_stated"}
    response = client.post(_url(enquiry), form)
    html = response.content.decode()
    assert response.status_code == 409
    assert f"/patients/{existing.uuid}/" in html and existing.mrn in html
    assert "these are not the same person" in html
    response = client.post(_url(enquiry), {**form, "confirm_duplicate": "on"})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.patient is not None and enquiry.patient != existing


def test_a_missing_date_of_birth_keeps_what_was_typed(enquiry, advisor):
    response = verified_client(advisor).post(_url(enquiry), {
        "legal_given_name": "Casey", "legal_family_name": "Typed-Name", "date_of_birth": "",
        "sex_at_birth": "male"})
    html = response.content.decode()
    assert response.status_code == 400 and 'value="Typed-Name"' in html
    assert "Enter the person&#x27;s date of birth" in html


def test_the_confirm_page_of_a_converted_enquiry_goes_back_to_it(enquiry, advisor):
    actions.convert_to_patient(ctx_for(advisor), enquiry, {"date_of_birth": BIRTH})
    response = verified_client(advisor).get(_url(enquiry))
    assert response.status_code == 302 and str(enquiry.uuid) in response["Location"]


def test_showing_possible_duplicates_is_audited_though_nothing_is_created(enquiry, advisor,
                                                                          make_patient):
    existing = make_patient(legal_given_name=enquiry.given_name,
                            legal_family_name=enquiry.family_name, date_of_birth=BIRTH)
    with pytest.raises(PossibleDuplicate):
        actions.convert_to_patient(ctx_for(advisor), enquiry, {"date_of_birth": BIRTH})
    shown = AuditEvent.objects.get(action="list", object_type="duplicate_check")
    assert shown.actor == advisor and shown.details["patients_shown"] == [str(existing.uuid)]


def test_the_assigned_advisor_joins_the_care_team_too(enquiry, advisor, make_user):
    from carepath.accounts.models import Role

    colleague = make_user(Role.INTAKE_ADVISOR)
    actions.update_next_action(ctx_for(advisor), enquiry, assigned_to=colleague)
    patient = actions.convert_to_patient(ctx_for(advisor), enquiry, {"date_of_birth": BIRTH})
    assert set(patient.care_team.values_list("user", flat=True)) == {advisor.pk, colleague.pk}
