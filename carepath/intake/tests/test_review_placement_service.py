"""A placement admits to, or waitlists at, one of the organisation's own services (the
placement page offers only those); another organisation's service, or a listing nobody
here runs, is refused by name (reached by a referral instead), over the web and the API,
and nobody is put on a waiting list that organisation never sees."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from carepath.accounts.tokens import create_token
from carepath.conftest import ctx_for
from carepath.directory.models import WaitlistEntry
from carepath.intake.models import Placement
from carepath.patients.models import LevelOfCare as L

from .test_placement_decision import completed, decide, service  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_another_organisations_service_is_refused(completed, clinician, other_org):  # noqa: F811
    elsewhere = service(other_org, 0, outpatient=True)
    with pytest.raises(ValidationError) as refused:
        decide(completed, clinician, chosen_level=L.OUTPATIENT, service=elsewhere)
    assert "refer" in refused.value.message_dict["service"][0]
    assert not WaitlistEntry.objects.exists() and not Placement.objects.exists()


def test_a_listing_nobody_here_runs_is_refused(completed, clinician):  # noqa: F811
    listing = service(None, 0, outpatient=True)
    with pytest.raises(ValidationError):
        decide(completed, clinician, chosen_level=L.OUTPATIENT, service=listing)
    assert not WaitlistEntry.objects.exists()


def test_the_api_refuses_it_as_a_field_error(completed, clinician, other_org):  # noqa: F811
    elsewhere = service(other_org, 0, outpatient=True)
    _, raw = create_token(ctx_for(clinician), clinician, "test")
    response = Client(headers={"Authorization": f"Bearer {raw}"}).post(
        f"/api/v1/assessments/{completed.uuid}/placement",
        {"chosen_level": "outpatient", "override_reason": "", "service": str(elsewhere.uuid)},
        content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "service"
    assert not WaitlistEntry.objects.exists()


def test_the_organisations_own_full_service_still_waitlists(completed, clinician, org):  # noqa: F811
    own = service(org, 0, outpatient=True)
    decision = decide(completed, clinician, chosen_level=L.OUTPATIENT, service=own)
    assert decision.waitlist_entry.service == own
