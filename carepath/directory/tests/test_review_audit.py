"""A refused referral form is shown again with the record around it (the chart's
referrals and waitlist, or the enquiry's referral): that is a read, so it is audited,
as the chart's GET is by its guard."""

import pytest

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent
from carepath.conftest import verified_client

from .test_referral_support import make_service, refer

pytestmark = pytest.mark.django_db


def reads(**filters) -> int:
    return AuditEvent.objects.filter(action="read", outcome="allowed", **filters).count()


def test_a_refused_new_referral_shown_again_is_audited(clinician, patient):
    before = reads(patient_uuid=patient.uuid)
    response = verified_client(clinician).post(f"/patients/{patient.uuid}/referrals/new/",
                                               {"match_reason": "Near home"})
    assert response.status_code == 400
    assert reads(patient_uuid=patient.uuid) == before + 1


def test_a_refused_status_change_shown_again_is_audited(clinician, patient):
    referral = refer(clinician, patient)
    before = reads(patient_uuid=patient.uuid)
    response = verified_client(clinician).post(
        f"/patients/{patient.uuid}/referrals/{referral.uuid}/status/", {"status": "admitted"})
    assert response.status_code == 400
    assert reads(patient_uuid=patient.uuid) == before + 1


def test_a_refused_status_change_on_an_enquiry_referral_shown_again_is_audited(make_user):
    advisor = make_user(Role.INTAKE_ADVISOR)
    referral = refer(advisor, None, service=make_service(name="Lantern House"))
    before = reads(object_id=str(referral.uuid))
    response = verified_client(advisor).post(f"/directory/referrals/{referral.uuid}/",
                                             {"status": "admitted"})
    assert response.status_code == 400
    assert reads(object_id=str(referral.uuid)) == before + 1
