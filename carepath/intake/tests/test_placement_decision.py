"""Deciding a placement: the recommendation is stored with its rules and cautions, an
override needs a reason, the episode moves, waiting lists and enquiries follow."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.directory.models import Service, WaitlistEntry
from carepath.intake import actions_assessment as actions
from carepath.intake.models import Enquiry, Placement, Stage
from carepath.patients import actions as patient_actions
from carepath.patients.models import LevelOfCare as L

from .test_assessment_actions import (
    CSSRS_HIGH,
    CSSRS_NONE,
    DSM_MILD,
    DSM_SEVERE,
    book,
    complete_data,
    give,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(patient, clinician):
    assessment = book(patient, clinician)
    give(patient, clinician, "dsm5-ketamine", DSM_MILD)
    give(patient, clinician, "c-ssrs-screener", CSSRS_NONE)
    actions.complete_assessment(ctx_for(clinician), assessment, complete_data())
    return assessment


def service(org, places, **levels):
    return Service.objects.create(
        name=f"Service {places}", provider="Test", address_line1="1 High St", town="Leeds",
        postcode="LS1 1AA", latitude=53.8, longitude=-1.55, operated_by=org,
        places_available=places, **{f"offers_{k}": v for k, v in levels.items()})


def decide(assessment, by, **kw):
    return actions.decide_placement(ctx_for(by), assessment, **kw)


def test_accepting_stores_the_recommendation_rules_and_cautions(completed, clinician):
    decision = decide(completed, clinician, chosen_level=L.OUTPATIENT)
    assert decision.recommended_level == L.OUTPATIENT and not decision.overridden
    assert [f["rule"] for f in decision.fired_rules] == ["P12"]
    assert decision.fired_rules[0]["reason"] == (
        "DSM-5 ketamine checklist: 3 of 10 criteria met (mild, 2-3).")
    assert decision.rules_version == "carepath-placement-1"
    assert any("No PUF bladder screen" in c for c in decision.cautions)
    assert decision.inputs["instruments"]["dsm5-ketamine"]["total"] == 3
    event = AuditEvent.objects.get(object_type="intake.placement", action="create")
    assert event.details["recommended"] == "outpatient" and event.details["rules"] == ["P12"]


def test_a_different_level_needs_a_reason_of_10_characters(completed, clinician):
    with pytest.raises(ValidationError) as refused:
        decide(completed, clinician, chosen_level=L.RESIDENTIAL, override_reason="too busy")
    assert refused.value.message_dict["override_reason"] == [
        "You chose residential instead of the recommended outpatient: say why, in at least "
        "10 characters."]
    assert not Placement.objects.exists()
    decision = decide(completed, clinician, chosen_level=L.RESIDENTIAL,
                      override_reason="Unsafe at home; partner also uses.")
    assert decision.overridden and decision.override_reason.startswith("Unsafe at home")


def test_a_level_outside_the_five_is_refused(completed, clinician):
    with pytest.raises(ValidationError) as refused:
        decide(completed, clinician, chosen_level="assessment", override_reason="x" * 20)
    assert "Choose one of the five levels of care" in refused.value.messages[0]


def test_the_episode_moves_to_the_chosen_level(completed, clinician, patient):
    episode = patient_actions.open_episode(ctx_for(clinician), patient, reason="Referred",
                                           level_of_care=L.ASSESSMENT)
    decide(completed, clinician, chosen_level=L.INTENSIVE_OUTPATIENT,
           override_reason="Wants more support than weekly sessions.")
    episode.refresh_from_db()
    assert episode.level_of_care == L.INTENSIVE_OUTPATIENT
    change = episode.levels.last()
    assert "recommended outpatient" in change.reason and change.changed_by == clinician


def test_an_episode_is_opened_when_there_is_none(completed, clinician, patient):
    assert not patient.episodes.exists()
    decide(completed, clinician, chosen_level=L.OUTPATIENT)
    assert patient.episodes.get().level_of_care == L.OUTPATIENT


def test_history_keeps_every_placement(completed, clinician, patient):
    decide(completed, clinician, chosen_level=L.OUTPATIENT)
    decide(completed, clinician, chosen_level=L.RESIDENTIAL,
           override_reason="Relapsed twice this week; family asks for help.")
    rows = list(Placement.objects.filter(patient=patient))
    assert [p.chosen_level for p in rows] == [L.RESIDENTIAL, L.OUTPATIENT]  # newest first
    assert patient.episodes.get().level_of_care == L.RESIDENTIAL


def test_a_service_with_no_places_puts_the_patient_on_its_waiting_list(completed, clinician,
                                                                       org, patient):
    full = service(org, 0, outpatient=True)
    decision = decide(completed, clinician, chosen_level=L.OUTPATIENT, service=full)
    entry = WaitlistEntry.objects.get(patient=patient, service=full)
    assert decision.waitlist_entry == entry and entry.level_of_care == L.OUTPATIENT
    assert any("no places now" in c for c in decision.cautions)


def test_unknown_capacity_is_a_caution_and_free_places_need_no_waiting_list(
        completed, clinician, org):
    unknown = service(org, None, outpatient=True)
    decision = decide(completed, clinician, chosen_level=L.OUTPATIENT, service=unknown)
    assert decision.waitlist_entry is None
    assert any("Capacity at Service None is not known" in c for c in decision.cautions)
    free = service(org, 3, outpatient=True)
    decision = decide(completed, clinician, chosen_level=L.OUTPATIENT, service=free)
    assert decision.waitlist_entry is None and not WaitlistEntry.objects.exists()


def test_a_service_that_does_not_offer_the_level_is_refused(completed, clinician, org):
    residential_only = service(org, 2, residential=True)
    with pytest.raises(ValidationError) as refused:
        decide(completed, clinician, chosen_level=L.OUTPATIENT, service=residential_only)
    assert refused.value.message_dict["service"] == [
        "Service 2 does not offer outpatient; choose a service that does, or none."]


def test_the_enquiry_moves_to_admitted(patient, clinician, org):
    enquiry = Enquiry.objects.create(organisation=org, source="phone", given_name="Robin",
                                     stage=Stage.ASSESSMENT_BOOKED, patient=patient)
    assessment = book(patient, clinician, enquiry=enquiry)
    actions.complete_assessment(ctx_for(clinician), assessment, complete_data())
    decide(assessment, clinician, chosen_level=L.OUTPATIENT)
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.ADMITTED
    assert enquiry.changes.last().to_stage == Stage.ADMITTED


def test_a_closed_enquiry_is_left_alone_with_a_caution(patient, clinician, org):
    enquiry = Enquiry.objects.create(organisation=org, source="phone", given_name="Robin",
                                     stage=Stage.NOT_PROCEEDING, patient=patient)
    assessment = book(patient, clinician, enquiry=enquiry)
    actions.complete_assessment(ctx_for(clinician), assessment, complete_data())
    decision = decide(assessment, clinician, chosen_level=L.OUTPATIENT)
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.NOT_PROCEEDING
    assert any("was not moved to admitted" in c for c in decision.cautions)


def test_only_a_completed_assessment_is_placed(patient, clinician):
    assessment = book(patient, clinician)
    with pytest.raises(ValidationError) as refused:
        decide(assessment, clinician, chosen_level=L.OUTPATIENT)
    assert refused.value.messages == ["Complete the assessment before deciding a placement."]


def test_an_outsider_cannot_place_and_the_refusal_is_audited(completed, outsider, patient):
    with pytest.raises(PermissionDenied):
        decide(completed, outsider, chosen_level=L.OUTPATIENT)
    assert AuditEvent.objects.filter(outcome="denied", patient_uuid=patient.uuid,
                                     object_type="intake.placement").exists()
    assert not Placement.objects.exists()


def test_an_intake_advisor_on_the_team_cannot_place(completed, clinician, make_user, patient):
    advisor = make_user(Role.INTAKE_ADVISOR)
    patient_actions.add_care_team_member(ctx_for(clinician), patient, advisor, "intake")
    with pytest.raises(PermissionDenied):
        decide(completed, advisor, chosen_level=L.OUTPATIENT)


def test_high_suicide_risk_recommends_residential_with_a_crisis_caution(patient, clinician):
    assessment = book(patient, clinician)
    give(patient, clinician, "dsm5-ketamine", DSM_SEVERE)
    give(patient, clinician, "c-ssrs-screener", CSSRS_HIGH)
    actions.complete_assessment(ctx_for(clinician), assessment, complete_data())
    decision = decide(assessment, clinician, chosen_level=L.RESIDENTIAL)
    assert [f["rule"] for f in decision.fired_rules] == ["P5", "P10"]
    assert any("immediate evaluation" in c for c in decision.cautions)


def test_a_retried_placement_with_the_same_key_places_once(completed, clinician):
    import uuid

    key = uuid.uuid4()
    first = decide(completed, clinician, chosen_level=L.OUTPATIENT, submission_key=key)
    again = decide(completed, clinician, chosen_level=L.OUTPATIENT, submission_key=key)
    assert first.pk == again.pk and Placement.objects.count() == 1


def test_a_nurse_places_but_leaves_the_enquiry_to_intake_with_a_caution(patient, clinician,
                                                                        make_user, org):
    nurse = make_user(Role.NURSE)
    enquiry = Enquiry.objects.create(organisation=org, source="phone", given_name="Robin",
                                     stage=Stage.ASSESSMENT_BOOKED, patient=patient)
    assessment = book(patient, clinician, assessor=nurse, enquiry=enquiry)
    actions.complete_assessment(ctx_for(nurse), assessment, complete_data())
    decision = decide(assessment, nurse, chosen_level=L.OUTPATIENT)
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.ASSESSMENT_BOOKED
    assert any("ask an intake advisor to move it to admitted" in c for c in decision.cautions)


def test_from_enquiry_to_admission_through_the_pipeline_actions(org, make_user, clinician):
    """The contract end to end: the advisor's booking (pipeline) links the enquiry; the
    clinician's placement admits it and moves the episode opened at conversion."""
    from datetime import date, timedelta

    from django.utils import timezone

    from carepath.intake import actions_enquiries as pipeline

    advisor = make_user(Role.INTAKE_ADVISOR)
    enquiry = pipeline.create_enquiry(ctx_for(advisor), org, {
        "given_name": "Casey", "family_name": "Morgan", "phone": "07700 900123"},
        source="phone")
    assessment = pipeline.book_assessment(
        ctx_for(advisor), enquiry, assessor=clinician,
        booked_for=timezone.now() + timedelta(days=1),
        extra={"date_of_birth": date(1999, 3, 14)})
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.ASSESSMENT_BOOKED and assessment.enquiry == enquiry
    patient = assessment.patient
    assert patient.episodes.get().level_of_care == L.ASSESSMENT
    actions.complete_assessment(ctx_for(clinician), assessment, complete_data())
    decide(assessment, clinician, chosen_level=L.RESIDENTIAL,
           override_reason="Partner deals from home; needs time away.")
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.ADMITTED
    assert patient.episodes.get().level_of_care == L.RESIDENTIAL
