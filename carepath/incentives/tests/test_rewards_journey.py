"""The acceptance journey without a browser: a nurse records a negative screen, the
patient's ledger shows the reward, a redemption is requested and approved."""

import uuid

import pytest

from carepath.accounts.models import Role
from carepath.conftest import ctx_for, verified_client
from carepath.incentives.models import LedgerEntry, LedgerKind, Redemption, RedemptionStatus

from .rewards_support import enrol, with_portal_account
from .screens_support import add_to_care_team, make_panel, record_negative

pytestmark = pytest.mark.django_db


def test_negative_screen_to_reward_to_approved_redemption(patient, org, clinician, make_user):
    nurse = add_to_care_team(patient, clinician, make_user(Role.NURSE))
    enrol(patient, org)
    with_portal_account(patient, make_user)
    screen = record_negative(ctx_for(nurse), patient, make_panel(org))
    earned = LedgerEntry.objects.get(patient=patient, kind=LedgerKind.EARNED)
    assert earned.source_uuid == screen.uuid and earned.result == "N"

    me = verified_client(patient.user)
    page = me.get("/my/rewards/").content.decode()
    assert "+£2.50" in page and "Your next negative screen earns £3.75." in page
    assert me.post("/my/rewards/", {"amount": "2.50", "kind": "voucher",
                                    "description": "Coffee voucher",
                                    "submission_key": str(uuid.uuid4())}).status_code == 302

    made = Redemption.objects.get()
    staff = verified_client(nurse)
    assert "Coffee voucher" in staff.get(f"/patients/{patient.uuid}/rewards/").content.decode()
    assert staff.post(f"/incentives/redemptions/{made.uuid}/decide/",
                      {"decision": "approve", "back": "chart"}).status_code == 302
    made.refresh_from_db()
    assert made.status == RedemptionStatus.APPROVED
    page = me.get("/my/rewards/").content.decode()
    assert 'data-testid="balance">£0.00' in page and "Approved" in page
