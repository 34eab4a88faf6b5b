"""Registering and changing the record: validated, audited, never half-saved."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from carepath.accounts.models import Role
from carepath.audit.models import Action, AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.patients import actions
from carepath.patients.models import Consent, LevelOfCare, Patient


def test_registration_assigns_an_mrn_adds_the_creator_and_audits(clinician, org):
    p = actions.create_patient(ctx_for(clinician), {
        "legal_given_name": " Sam ", "legal_family_name": "Taylor",
        "date_of_birth": date(2000, 1, 2), "nhs_number": "943 476 5919"})
    assert p.mrn == "TS0000001" and p.legal_given_name == "Sam" and p.nhs_number == "9434765919"
    assert list(p.care_team.values_list("user", flat=True)) == [clinician.pk]
    assert AuditEvent.objects.filter(action=Action.CREATE, patient_uuid=p.uuid,
                                     actor=clinician).exists()
    second = actions.create_patient(ctx_for(clinician), {
        "legal_given_name": "Jo", "legal_family_name": "Bloggs", "date_of_birth": date(1990, 1, 1)})
    assert second.mrn == "TS0000002"


@pytest.mark.parametrize("field,value,message", [
    ("date_of_birth", date.today() + timedelta(days=1), "cannot be in the future"),
    ("nhs_number", "9434765918", "check digit does not match"),
    ("email", "not-an-email", "valid email"),
])
def test_bad_input_is_refused_with_a_reason_and_nothing_saved(clinician, field, value, message):
    data = {"legal_given_name": "Sam", "legal_family_name": "Taylor",
            "date_of_birth": date(2000, 1, 2), field: value}
    with pytest.raises(ValidationError) as error:
        actions.create_patient(ctx_for(clinician), data)
    assert message in " ".join(error.value.message_dict[field])
    assert not Patient.objects.exists()


def test_same_name_and_birth_date_warns_before_creating(clinician, patient):
    data = {"legal_given_name": "robin", "legal_family_name": "QUINTON",
            "date_of_birth": patient.date_of_birth}
    with pytest.raises(actions.PossibleDuplicate) as dup:
        actions.create_patient(ctx_for(clinician), data)
    assert dup.value.matches == [patient]
    shown = AuditEvent.objects.filter(action=Action.LIST, object_type="duplicate_check").get()
    assert shown.details["patients_shown"] == [str(patient.uuid)]
    twin = actions.create_patient(ctx_for(clinician), data, confirm_duplicate=True)
    assert twin.mrn != patient.mrn


def test_roles_without_care_duties_cannot_register_patients(make_user):
    for role in (Role.ADMINISTRATOR, Role.ANALYST):
        with pytest.raises(PermissionDenied):
            actions.create_patient(ctx_for(make_user(role)), {
                "legal_given_name": "A", "legal_family_name": "B",
                "date_of_birth": date(2000, 1, 1)})


def test_update_audits_field_names_but_not_values(clinician, patient):
    actions.update_patient(ctx_for(clinician), patient, {"phone": "07700 900123"})
    event = AuditEvent.objects.filter(action=Action.UPDATE).latest("seq")
    assert event.details["fields"] == ["phone"]
    assert "07700" not in str(event.details)


def test_outsider_cannot_update_and_the_attempt_is_audited(outsider, patient):
    with pytest.raises(PermissionDenied):
        actions.update_patient(ctx_for(outsider), patient, {"phone": "1"})
    assert AuditEvent.objects.filter(actor=outsider, outcome="denied").exists()


def test_episode_level_history_and_closing(clinician, patient):
    ctx = ctx_for(clinician)
    episode = actions.open_episode(ctx, patient, reason="Self-referral",
                                   level_of_care=LevelOfCare.WITHDRAWAL)
    with pytest.raises(ValidationError):
        actions.open_episode(ctx, patient, reason="again", level_of_care=LevelOfCare.OUTPATIENT)
    actions.change_level_of_care(ctx, episode, level_of_care=LevelOfCare.RESIDENTIAL,
                                 reason="Withdrawal complete")
    assert [lv.level_of_care for lv in episode.levels.all()] == ["withdrawal", "residential"]
    actions.close_episode(ctx, episode, reason="Completed programme")
    actions.close_episode(ctx, episode, reason="double submit")  # a retry changes nothing
    episode.refresh_from_db()
    assert episode.closed_reason == "Completed programme"


def test_consent_names_recipient_purpose_data_and_expiry_and_can_be_revoked(clinician, patient):
    ctx = ctx_for(clinician)
    with pytest.raises(ValidationError) as error:
        actions.record_consent(ctx, patient, {"regime": "uk_gdpr", "recipient": "Mum",
                                              "purpose": "Support", "data_categories": [],
                                              "starts_on": date(2026, 1, 1),
                                              "expires_on": date(2025, 1, 1)})
    assert {"data_categories", "expires_on"} <= set(error.value.message_dict)
    consent = actions.record_consent(ctx, patient, {
        "regime": "42cfr2", "recipient": "Dr Example, GP", "purpose": "Continuity of care",
        "data_categories": ["attendance", "medication"], "starts_on": date.today(),
        "expires_on": date.today() + timedelta(days=365)})
    assert consent.is_active()
    actions.revoke_consent(ctx, consent, reason="Patient asked")
    assert not Consent.objects.get(pk=consent.pk).is_active()


def test_counselling_notes_need_a_consent_of_their_own(clinician, patient):
    data = {"regime": "42cfr2", "recipient": "Mum", "purpose": "Support",
            "data_categories": ["attendance", "counselling_notes"],
            "starts_on": date.today(), "expires_on": date.today() + timedelta(days=30)}
    with pytest.raises(ValidationError) as error:
        actions.record_consent(ctx_for(clinician), patient, data)
    assert "of their own" in str(error.value.message_dict["data_categories"])
    assert not Consent.objects.filter(patient=patient).exists()
    alone = actions.record_consent(ctx_for(clinician), patient,
                                   {**data, "data_categories": ["counselling_notes"]})
    assert alone.data_categories == ["counselling_notes"]


def test_printable_consent_carries_the_redisclosure_notice(clinician, patient):
    consent = actions.record_consent(ctx_for(clinician), patient, {
        "regime": "42cfr2", "recipient": "Dr Example, GP", "purpose": "Continuity of care",
        "data_categories": ["attendance"], "starts_on": date.today(),
        "expires_on": date.today() + timedelta(days=30)})
    page = verified_client(clinician).get(
        reverse("patients:consent_print", args=[patient.uuid, consent.uuid]))
    assert b"42 CFR part 2" in page.content and b"Dr Example, GP" in page.content


def test_form_keeps_what_was_typed_and_marks_the_field(clinician):
    client = verified_client(clinician)
    response = client.post(reverse("patients:create"), {
        "legal_given_name": "Kit", "legal_family_name": "Marlowe", "date_of_birth": "2999-01-01",
        "sex_at_birth": "not_stated", "nhs_number": "9434765918", "phone": "07700 900321",
        "preferred_language": "English"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Date of birth cannot be in the future" in html
    assert "check digit does not match" in html
    assert 'value="Marlowe"' in html and 'value="07700 900321"' in html
    assert not Patient.objects.exists()


def test_duplicate_warning_on_the_form_then_confirmed(clinician, patient):
    client = verified_client(clinician)
    data = {"legal_given_name": "Robin", "legal_family_name": "Quinton",
            "date_of_birth": patient.date_of_birth.isoformat(), "sex_at_birth": "not_stated",
            "preferred_language": "English"}
    warned = client.post(reverse("patients:create"), data)
    assert b"may be a patient we already know" in warned.content
    assert patient.mrn.encode() in warned.content
    created = client.post(reverse("patients:create"), {**data, "confirm_duplicate": "on"})
    assert created.status_code == 302
    assert Patient.objects.filter(legal_family_name="Quinton").count() == 2


def test_a_patient_can_read_but_not_change_their_clinical_record(make_user, patient):
    """Regression: own-record access let a patient record consents or edit details."""
    from carepath.accounts.models import AccountType

    account = make_user(account_type=AccountType.PATIENT, role="")
    patient.user = account
    patient.save()
    client = verified_client(account)
    assert client.get(reverse("patients:chart", args=[patient.uuid])).status_code == 200
    with pytest.raises(PermissionDenied):
        actions.update_patient(ctx_for(account), patient, {"phone": "1"})
    response = client.post(reverse("patients:consents", args=[patient.uuid]), {
        "regime": "uk_gdpr", "recipient": "Anyone", "purpose": "x",
        "data_categories": ["attendance"], "starts_on": "2026-01-01", "expires_on": "2027-01-01"})
    assert response.status_code == 403
    assert not Consent.objects.exists()


def test_printing_a_consent_is_audited_as_a_print(clinician, patient):
    consent = actions.record_consent(ctx_for(clinician), patient, {
        "regime": "uk_gdpr", "recipient": "Sister", "purpose": "Support",
        "data_categories": ["attendance"], "starts_on": date.today(),
        "expires_on": date.today() + timedelta(days=30)})
    verified_client(clinician).get(
        reverse("patients:consent_print", args=[patient.uuid, consent.uuid]))
    assert AuditEvent.objects.filter(action=Action.PRINT, patient_uuid=patient.uuid).exists()
