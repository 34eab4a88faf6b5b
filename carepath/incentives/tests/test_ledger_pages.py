"""The ledger's pages: the chart's Rewards tab, the approval queue and /my/rewards/."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carepath.audit.models import AuditEvent, Outcome
from carepath.conftest import ctx_for, verified_client
from carepath.incentives import ledger
from carepath.incentives.actions_redemptions import request_redemption
from carepath.incentives.models import CMEnrolment, LedgerKind, Redemption, RedemptionStatus

from .rewards_support import earn_negatives, enrol, schedule_for, with_portal_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(patient, org, make_user):
    enrol(patient, org)  # Higgins vouchers: amounts known in advance
    return with_portal_account(patient, make_user)


def _chart(patient):
    return f"/patients/{patient.uuid}/rewards/"


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_chart_tab_shows_schedule_balance_cap_ledger_and_slips(patient, org, clinician):
    enrol(patient, org, kind="fishbowl")
    earn_negatives(patient, 2)
    page = verified_client(clinician).get(_chart(patient))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Test fishbowl schedule" in text and 'data-testid="balance"' in text
    assert "of the yearly limit of £750.00" in text
    assert text.count('data-testid="ledger-row"') == 2 and "Prize draw" in text
    assert "Your next negative screen earns 3 draws." in text


def test_staff_enrol_from_the_chart_and_a_bad_choice_is_named(patient, org, clinician):
    schedule = schedule_for(org)
    client = verified_client(clinician)
    bad = client.post(f"/patients/{patient.uuid}/rewards/enrol/", {"schedule": str(uuid.uuid4())})
    assert bad.status_code == 400 and "Choose one of the schedules listed." in bad.content.decode()
    done = client.post(f"/patients/{patient.uuid}/rewards/enrol/", {"schedule": str(schedule.uuid)})
    assert done.status_code == 302
    assert CMEnrolment.objects.get(patient=patient).schedule == schedule
    again = client.post(f"/patients/{patient.uuid}/rewards/enrol/",
                        {"schedule": str(schedule_for(org, name="Other").uuid)})
    assert again.status_code == 400 and "already enrolled" in again.content.decode()


def test_a_request_over_the_balance_in_the_portal_keeps_what_was_typed(me):
    earn_negatives(me, 1)
    balance = ledger.account(me).balance_text
    page = verified_client(me.user).post("/my/rewards/", {
        "amount": "99.00", "kind": "gift_card", "description": "Cinema gift card",
        "submission_key": str(uuid.uuid4())})
    text = page.content.decode()
    assert page.status_code == 400
    assert f"You asked for £99.00; the balance is {balance}." in text
    assert 'value="Cinema gift card"' in text and not Redemption.objects.exists()


def test_requested_in_the_portal_then_approved_in_the_queue(patient, org, clinician,
                                                            make_user):
    enrol(patient, org)
    with_portal_account(patient, make_user)
    earn_negatives(patient, 2)  # 6.25
    asked = verified_client(patient.user).post("/my/rewards/", {
        "amount": "5.00", "kind": "voucher", "description": "Bus pass",
        "submission_key": str(uuid.uuid4())})
    assert asked.status_code == 302
    staff = verified_client(clinician)
    queue = staff.get("/incentives/redemptions/").content.decode()
    assert "Bus pass" in queue and "£5.00" in queue
    made = Redemption.objects.get()
    url = f"/incentives/redemptions/{made.uuid}/decide/"
    refused = staff.post(url, {"decision": "refuse", "note": "", "back": "queue"})
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    assert staff.post(url, {"decision": "approve", "back": "queue"}).status_code == 302
    made.refresh_from_db()
    assert made.status == RedemptionStatus.APPROVED
    mine = verified_client(patient.user).get("/my/rewards/").content.decode()
    assert "£1.25" in mine and "Redeemed" in mine
    assert ledger.totals(patient).redeemed == Decimal("5.00")


def test_another_patient_cannot_see_or_request_on_this_ledger(me, make_patient, make_user):
    earn_negatives(me, 1)
    other = with_portal_account(make_patient(legal_given_name="Sam"), make_user)
    client = verified_client(other.user)
    assert client.get(_chart(me)).status_code == 404
    posted = client.post(f"/patients/{me.uuid}/rewards/redeem/", {
        "amount": "1.00", "kind": "goods", "description": "x"})
    assert posted.status_code == 404
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, patient_uuid=me.uuid).count() == 2
    own = client.get("/my/rewards/").content.decode()
    assert 'data-testid="ledger-empty"' in own and not Redemption.objects.exists()


def test_decide_is_404_and_audited_for_staff_off_the_care_team(me, outsider):
    earn_negatives(me, 1)
    made, _ = request_redemption(ctx_for(me.user), me, amount="1.00", kind="goods",
                                 description="Socks")
    page = verified_client(outsider).post(f"/incentives/redemptions/{made.uuid}/decide/",
                                          {"decision": "approve"})
    assert page.status_code == 404
    assert AuditEvent.objects.filter(outcome=Outcome.DENIED, patient_uuid=me.uuid).exists()
    assert "Socks" not in verified_client(outsider).get("/incentives/redemptions/") \
        .content.decode()
    assert not me.ledger_entries.filter(kind=LedgerKind.REDEEMED).exists()


def test_query_counts_are_the_same_for_1_and_30_ledger_entries(me, clinician):
    earn_negatives(me, 1)
    request_redemption(ctx_for(me.user), me, amount="0.01", kind="goods", description="Pen")
    staff, mine = verified_client(clinician), verified_client(me.user)
    _count(staff, _chart(me)), _count(mine, "/my/rewards/")  # warm: settings row made
    one = (_count(staff, _chart(me)), _count(mine, "/my/rewards/"),
           _count(staff, "/incentives/redemptions/"))
    earn_negatives(me, 29)
    for _ in range(3):
        request_redemption(ctx_for(me.user), me, amount="0.01", kind="goods",
                           description="Pen")
    many = (_count(staff, _chart(me)), _count(mine, "/my/rewards/"),
            _count(staff, "/incentives/redemptions/"))
    assert me.ledger_entries.count() == 30
    assert one == many
