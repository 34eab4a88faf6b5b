"""Creating a referral: the anti-brokering record, who may refer, and the check date."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carepath.accounts.models import AccountType, Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.directory import actions_referrals as actions
from carepath.directory.models import Referral, ReferralStatusChange

from .test_referral_support import make_service, refer

pytestmark = pytest.mark.django_db


def _errors(exc_info):
    return exc_info.value.message_dict


def test_a_care_team_clinician_refers_a_patient_and_it_is_sent_and_audited(clinician, patient):
    referral = refer(clinician, patient, level_of_care="outpatient")
    assert referral.status == "sent" and referral.no_fee_attested
    assert referral.referred_by == clinician and referral.organisation == clinician.organisation
    change = ReferralStatusChange.objects.get(referral=referral)
    assert (change.from_status, change.to_status) == ("", "sent")
    event = AuditEvent.objects.filter(object_type="directory.referral", action="create").last()
    assert event.patient_uuid == patient.uuid and event.object_id == str(referral.uuid)
    assert "match_reason" not in event.details  # free text stays out of the log


def test_check_is_due_the_configured_number_of_days_after_sending(clinician, patient, settings):
    settings.CAREPATH_REFERRAL_CHECK_DAYS = 30
    referral = refer(clinician, patient)
    assert referral.check_due_at == referral.sent_at + timedelta(days=30)
    settings.CAREPATH_REFERRAL_CHECK_DAYS = 10
    assert refer(clinician, patient).check_due_at - timedelta(days=10) == \
        Referral.objects.order_by("-pk").first().sent_at


def test_an_empty_match_reason_is_refused(clinician, patient):
    with pytest.raises(ValidationError) as exc:
        refer(clinician, patient, match_reason="   ")
    assert _errors(exc)["match_reason"] == [actions.MATCH_REASON_MESSAGE]
    assert not Referral.objects.exists()


@pytest.mark.parametrize("affiliation", ["financial", "organisational", "both"])
def test_a_declared_affiliation_needs_details(clinician, patient, affiliation):
    with pytest.raises(ValidationError) as exc:
        refer(clinician, patient, affiliation=affiliation, affiliation_details="")
    assert _errors(exc)["affiliation_details"] == [actions.AFFILIATION_DETAILS_MESSAGE]
    referral = refer(clinician, patient, affiliation=affiliation,
                     affiliation_details="Same provider group as us.")
    assert referral.affiliation_details == "Same provider group as us."


def test_an_unknown_affiliation_is_refused(clinician, patient):
    with pytest.raises(ValidationError) as exc:
        refer(clinician, patient, affiliation="")
    assert "affiliation" in _errors(exc)


def test_no_fee_attestation_is_required(clinician, patient):
    with pytest.raises(ValidationError) as exc:
        refer(clinician, patient, no_fee_attested=False)
    assert _errors(exc)["no_fee_attested"] == [
        "CarePath records a referral only when no fee or commission was paid or offered for it."]


def test_an_inactive_service_or_a_level_it_does_not_offer_is_refused(clinician, patient):
    with pytest.raises(ValidationError) as exc:
        refer(clinician, patient, service=make_service(active=False))
    assert "service" in _errors(exc)
    with pytest.raises(ValidationError) as exc:
        refer(clinician, patient, service=make_service(offers_residential=False),
              level_of_care="residential")
    assert "does not offer residential" in _errors(exc)["level_of_care"][0]


def test_details_are_dropped_when_there_is_no_affiliation(clinician, patient):
    referral = refer(clinician, patient, affiliation="none", affiliation_details="ignored")
    assert referral.affiliation_details == ""


def test_a_clinician_not_on_the_care_team_may_not_refer_the_patient(outsider, patient):
    with pytest.raises(PermissionDenied):
        refer(outsider, patient)
    assert not Referral.objects.exists()
    assert AuditEvent.objects.filter(outcome="denied", patient_uuid=patient.uuid,
                                     object_type="directory.referral").exists()


def test_an_administrator_may_not_refer(administrator, patient):
    with pytest.raises(PermissionDenied):
        refer(administrator, patient)


def test_a_patient_may_not_refer_themselves(make_user, patient):
    account = make_user(account_type=AccountType.PATIENT)
    patient.user = account
    patient.save(update_fields=["user"])
    with pytest.raises(PermissionDenied):
        refer(account, patient)


def test_a_referral_for_an_enquiry_needs_intake_rights(make_user):
    advisor = make_user(Role.INTAKE_ADVISOR)
    referral = refer(advisor, None)
    assert referral.patient is None and referral.status == "sent"
    with pytest.raises(PermissionDenied):
        refer(make_user(Role.NURSE), None)


def test_staff_of_another_organisation_may_not_refer_for_this_one(make_user, other_org, org):
    stranger = make_user(Role.INTAKE_ADVISOR, organisation=other_org)
    with pytest.raises(PermissionDenied):
        actions.create_referral(ctx_for(stranger), organisation=org, service=make_service(),
                                match_reason="x", affiliation="none", no_fee_attested=True)
