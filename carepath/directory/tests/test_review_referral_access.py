"""A referral made for an enquiry names the person who asked for help: it is shown to the
users who may see that enquiry (intake.queries_enquiries.visible_enquiries), so a
clinician sees only those of the enquiries they work, in the list, on its page and in
the API. Intake advisors and supervisors still see them all."""

import pytest
from django.test import Client

from carepath.accounts.models import Role
from carepath.accounts.tokens import create_token
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.intake import actions_enquiries

from .test_referral_support import make_service

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    _, raw = create_token(ctx_for(user), user, "test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def advisor(make_user):
    return make_user(Role.INTAKE_ADVISOR)


def referred_enquiry(org, advisor, given_name="Jordan"):
    enquiry = actions_enquiries.create_enquiry(
        ctx_for(advisor), org, {"given_name": given_name, "family_name": "Okafor",
                                "phone": "07700 900123"}, source="phone")
    referral = actions_enquiries.refer_elsewhere(ctx_for(advisor), enquiry, {
        "service": make_service(name="Lantern House"), "match_reason": "Near home",
        "affiliation": "none", "no_fee_attested": True})
    return enquiry, referral


def test_a_clinician_does_not_see_a_referral_for_an_enquiry_they_do_not_work(
        org, advisor, clinician):
    enquiry, referral = referred_enquiry(org, advisor)
    listed = verified_client(clinician).get("/directory/referrals/")
    assert listed.status_code == 200 and enquiry.display_name not in listed.content.decode()
    page = verified_client(clinician).get(f"/directory/referrals/{referral.uuid}/")
    assert page.status_code == 403
    assert AuditEvent.objects.filter(object_id=str(referral.uuid), outcome="denied").exists()
    client = api(clinician)
    assert client.get(f"/api/v1/referrals/{referral.uuid}").status_code == 403
    assert client.get("/api/v1/referrals").json()["items"] == []


def test_a_clinician_sees_the_referral_of_an_enquiry_assigned_to_them(org, advisor,
                                                                       clinician):
    enquiry, referral = referred_enquiry(org, advisor)
    actions_enquiries.update_next_action(ctx_for(advisor), enquiry, assigned_to=clinician)
    listed = verified_client(clinician).get("/directory/referrals/")
    assert enquiry.display_name in listed.content.decode()
    assert verified_client(clinician).get(
        f"/directory/referrals/{referral.uuid}/").status_code == 200
    assert api(clinician).get(f"/api/v1/referrals/{referral.uuid}").status_code == 200


def test_intake_advisors_and_supervisors_see_every_enquiry_referral(org, advisor, supervisor,
                                                                    make_user):
    enquiry, referral = referred_enquiry(org, advisor)
    for user in (make_user(Role.INTAKE_ADVISOR), supervisor):
        client = verified_client(user)
        assert enquiry.display_name in client.get("/directory/referrals/").content.decode()
        assert client.get(f"/directory/referrals/{referral.uuid}/").status_code == 200
