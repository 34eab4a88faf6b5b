"""Booking, recording and completing an assessment through the actions: validation
messages, drafts, completion requirements, immutability, access and audit."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.intake import actions_assessment as actions
from carepath.intake.models import Assessment, AssessmentStatus
from carepath.measures import actions as measures
from carepath.measures.models import Mode
from carepath.patients.models import CareTeamMember

pytestmark = pytest.mark.django_db


def book(patient, by, assessor=None, **kw):
    return actions.book_assessment(ctx_for(by), patient, assessor=assessor or by,
                                   booked_for=timezone.now() + timedelta(days=1), **kw)


def complete_data(**overrides) -> dict:
    """Everything completion needs, as the web form or API would send it."""
    data = {
        "age_first_use": 19, "years_of_use": Decimal("4.5"), "days_per_week": 3,
        "grams_per_using_day": Decimal("1.5"), "route": "snorted", "binges": False,
        "k_holes": False, "last_use": timezone.localdate() - timedelta(days=2),
        "other_substances": {"alcohol": {"frequency": "weekly", "notes": ""}},
        "social": {"housing": "Rents a flat with a friend.", "work_or_study": "Student"},
        "dimensions": {str(n): {"rating": 1, "notes": ""} for n in range(1, 7)},
        "red_flags": [], "summary": "",
    }
    data.update(overrides)
    return data


def give(patient, by, instrument_id, answers):
    return measures.submit(ctx_for(by), patient, instrument_id, answers, mode=Mode.CLINICIAN)


DSM_SEVERE = {str(n): 1 if n <= 7 else 0 for n in range(1, 11)}
DSM_MILD = {str(n): 1 if n <= 3 else 0 for n in range(1, 11)}
CSSRS_NONE = {"1": 0, "2": 0, "6": 0}
CSSRS_HIGH = {"1": 1, "2": 1, "3": 0, "4": 1, "5": 0, "6": 0}


@pytest.fixture
def booked(patient, clinician):
    return book(patient, clinician)


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- Booking -----------------------------------------------------------------------------

def test_booking_adds_the_assessor_to_the_care_team_and_is_audited(patient, clinician,
                                                                    make_user):
    nurse = make_user(Role.NURSE)
    assessment = book(patient, clinician, assessor=nurse)
    assert assessment.status == AssessmentStatus.BOOKED and assessment.assessor == nurse
    assert CareTeamMember.objects.filter(patient=patient, user=nurse, role="nurse").exists()
    assert AuditEvent.objects.filter(object_type="intake.assessment", action="create",
                                     object_id=str(assessment.uuid)).exists()
    assert AuditEvent.objects.filter(object_type="patients.careteammember",
                                     action="create", patient_uuid=patient.uuid,
                                     details__member=nurse.username).exists()


def test_booking_links_the_open_episode(patient, clinician):
    from carepath.patients import actions as patient_actions

    episode = patient_actions.open_episode(ctx_for(clinician), patient, reason="Referred",
                                           level_of_care="assessment")
    assert book(patient, clinician).episode == episode


def test_booking_needs_a_clinical_assessor_and_a_time(patient, clinician, make_user):
    with pytest.raises(ValidationError) as refused:
        book(patient, clinician, assessor=make_user(Role.ADMINISTRATOR))
    assert "assessor" in errors_of(refused)
    with pytest.raises(ValidationError) as refused:
        actions.book_assessment(ctx_for(clinician), patient, assessor=clinician,
                                booked_for=None)
    assert errors_of(refused)["booked_for"] == [
        "Choose the date and time the assessment is booked for."]


def test_a_retried_booking_with_the_same_key_books_once(patient, clinician):
    import uuid

    key = uuid.uuid4()
    first = book(patient, clinician, submission_key=key)
    again = book(patient, clinician, submission_key=key)
    assert first.pk == again.pk and Assessment.objects.filter(patient=patient).count() == 1


def test_someone_off_the_care_team_cannot_book_and_the_refusal_is_audited(patient, outsider):
    with pytest.raises(PermissionDenied):
        book(patient, outsider)
    assert AuditEvent.objects.filter(outcome="denied", patient_uuid=patient.uuid,
                                     object_type="intake.assessment").exists()


# --- Validation --------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, message", [
    ("last_use", date.today() + timedelta(days=3), "cannot be in the future"),
    ("age_first_use", 40, "must be between 1 and the patient's current age"),
    ("days_per_week", 8, "Days per week (8) must be a whole number from 0 to 7."),
    ("grams_per_using_day", Decimal("250"), "must be between 0 and 100"),
    ("years_of_use", Decimal("30"), "cannot be more than the years since first use at age 19"),
    ("route", "teleported", "Choose a route from the list"),
])
def test_ketamine_history_out_of_range_is_refused_naming_the_field(booked, clinician, field,
                                                                   value, message):
    # The patient was born on 28 Apr 1998 (conftest), so is in their late twenties.
    with pytest.raises(ValidationError) as refused:
        actions.update_assessment(ctx_for(clinician), booked,
                                  {"age_first_use": 19, field: value})
    assert message in " ".join(errors_of(refused)[field])
    booked.refresh_from_db()
    assert booked.age_first_use is None  # nothing saved


def test_other_fields_are_refused_with_clear_messages(booked, clinician):
    with pytest.raises(ValidationError) as refused:
        actions.update_assessment(ctx_for(clinician), booked, {
            "other_substances": {"alcohol": {"frequency": "hourly"}, "kava": {}},
            "dimensions": {"3": {"rating": 5}, "9": {"rating": 1}},
            "red_flags": ["blood_in_urine", "itchy"], "social": {"pets": "a cat"}})
    errors = errors_of(refused)
    assert errors["substance_alcohol_frequency"] == [
        "Alcohol: choose how often it is used (none, less than weekly, weekly, most days or "
        "daily)."]
    assert "other_substances.kava" in errors
    assert errors["dimension_3_rating"] == [
        "Dimension 3 (Psychiatric and cognitive conditions): the rating must be a whole "
        "number from 0 to 4."]
    assert "dimensions.9" in errors
    assert errors["red_flags"] == ["Unknown red flag: itchy."]
    assert "social.pets" in errors


def test_a_draft_keeps_what_was_entered_and_moves_to_in_progress(booked, clinician):
    actions.update_assessment(ctx_for(clinician), booked, {
        "days_per_week": 4, "dimensions": {"2": {"rating": 2, "notes": "UTIs"}},
        "social": {"legal": "Court date in May"}})
    booked.refresh_from_db()
    assert booked.status == AssessmentStatus.IN_PROGRESS
    assert booked.days_per_week == 4 and booked.dimensions == {
        "2": {"rating": 2, "notes": "UTIs"}}
    assert booked.social == {"legal": "Court date in May"}
    event = AuditEvent.objects.filter(object_type="intake.assessment", action="update").last()
    assert event.details["fields"] == ["days_per_week", "dimensions", "social", "status"]
    assert "Court" not in str(event.details)  # names, not values


# --- Completion --------------------------------------------------------------------------

def test_completion_needs_the_ketamine_history_and_dimensions_1_to_5(booked, clinician):
    with pytest.raises(ValidationError) as refused:
        actions.complete_assessment(ctx_for(clinician), booked, {
            "dimensions": {"1": {"rating": 0}, "6": {"rating": 2}}})
    errors = errors_of(refused)
    for n in "2345":
        assert f"dimension_{n}_rating" in errors
    assert "dimension_1_rating" not in errors and "dimension_6_rating" not in errors
    assert errors["days_per_week"] == [
        "Enter how many days a week ketamine is used (0 to 7) before completing."]
    assert "grams_per_using_day" not in errors  # often unknown: does not block
    booked.refresh_from_db()
    assert booked.status == AssessmentStatus.BOOKED


def test_missing_instruments_do_not_block_completion(booked, clinician):
    actions.complete_assessment(ctx_for(clinician), booked, complete_data())
    booked.refresh_from_db()
    assert booked.status == AssessmentStatus.COMPLETED and booked.completed_at


def test_a_completed_assessment_is_not_changed(booked, clinician):
    actions.complete_assessment(ctx_for(clinician), booked, complete_data())
    with pytest.raises(ValidationError) as refused:
        actions.update_assessment(ctx_for(clinician), booked, {"days_per_week": 7})
    assert "can no longer be changed" in errors_of(refused)["status"][0]
    with pytest.raises(ValidationError):
        actions.complete_assessment(ctx_for(clinician), booked, {"days_per_week": 7})
    booked.refresh_from_db()
    assert booked.days_per_week == 3


def test_an_intake_advisor_may_book_and_record_but_not_complete(patient, make_user,
                                                                clinician):
    advisor = make_user(Role.INTAKE_ADVISOR)
    from carepath.patients import actions as patient_actions

    patient_actions.add_care_team_member(ctx_for(clinician), patient, advisor, "intake")
    assessment = book(patient, advisor, assessor=clinician)
    actions.update_assessment(ctx_for(advisor), assessment, {"social": {"housing": "Hostel"}})
    with pytest.raises(PermissionDenied):
        actions.complete_assessment(ctx_for(advisor), assessment, complete_data())
    assert AuditEvent.objects.filter(outcome="denied", patient_uuid=patient.uuid,
                                     details__reason="role_may_not_complete_assessment"
                                     ).exists()


def test_instruments_given_before_the_booking_are_not_counted(patient, clinician):
    from carepath.intake import queries_assessment as queries

    give(patient, clinician, "c-ssrs-screener", CSSRS_NONE)
    assessment = book(patient, clinician)
    # Submitted responses are immutable, so the booking moves later instead.
    Assessment.objects.filter(pk=assessment.pk).update(
        created_at=timezone.now() + timedelta(seconds=1))
    assessment.refresh_from_db()
    assert "c-ssrs-screener" not in queries.latest_responses(assessment)
    Assessment.objects.filter(pk=assessment.pk).update(
        created_at=timezone.now() - timedelta(seconds=1))
    assessment.refresh_from_db()
    new = give(patient, clinician, "c-ssrs-screener", CSSRS_NONE)
    assert queries.latest_responses(assessment)["c-ssrs-screener"].pk == new.pk


def test_an_amended_instrument_counts_with_its_correction(patient, clinician, booked):
    from carepath.intake import queries_assessment as queries

    first = give(patient, clinician, "dsm5-ketamine", DSM_MILD)
    fixed = measures.submit(ctx_for(clinician), patient, "dsm5-ketamine", DSM_SEVERE,
                            mode=Mode.CLINICIAN, amends=first,
                            amendment_reason="Item 4 was misheard")
    assert queries.latest_responses(booked)["dsm5-ketamine"].pk == fixed.pk
