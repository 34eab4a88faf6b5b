"""Contingency management's acceptance journey: a nurse enrols a person in the voucher
schedule and records a negative drug screen; on their phone the person sees the reward in
their ledger and asks to spend it; the nurse approves the request and the balance drops."""

import re

import pytest
from e2e_support import click_and_wait

from carepath.accounts.models import AccountType, User
from carepath.incentives.models import CMSchedule, LedgerEntry, Redemption, RedemptionStatus
from carepath.patients.models import CareTeamMember, Patient

PASSWORD = "saffron-harbour-kite-63"  # noqa: S105 (a test password)


def _person() -> Patient:
    """Someone in the intensive outpatient programme (its schedule is the voucher one), not
    yet in CM, with the nurse on their care team."""
    schedule = CMSchedule.objects.get(kind="vouchers", programme__isnull=False)
    record = (Patient.objects.filter(user__isnull=True, cm_enrolments__isnull=True,
                                     enrolments__programme=schedule.programme,
                                     enrolments__status="active")
              .order_by("mrn").first())
    nurse = User.objects.get(username="nurse")
    CareTeamMember.objects.get_or_create(patient=record, user=nurse,
                                         defaults={"role": "nurse"})
    record.user = User.objects.create_user(
        username="cm.person", password=PASSWORD, account_type=AccountType.PATIENT,
        organisation=record.organisation)
    record.save(update_fields=["user"])
    return record


def _settled(page) -> None:
    """Portal pages register the service worker, which fetches /my/sw.js: wait for it, as
    the test server's SQLite connection is shared by its threads."""
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
def test_a_negative_screen_earns_a_reward_that_is_requested_and_approved(
        browse, live_server, demo_org):
    record = _person()

    # 1. The nurse enrols the person in the voucher schedule on the Rewards tab.
    nurse = browse.new_page()
    browse.sign_in(nurse, "nurse")
    nurse.goto(f"/patients/{record.uuid}/rewards/")
    browse.check(nurse, "rewards tab before enrolment")
    form = nurse.get_by_test_id("enrol-form")
    form.locator("select").select_option(str(CMSchedule.objects.get(
        kind="vouchers", programme__isnull=False).uuid))
    click_and_wait(nurse, form.get_by_role("button", name="Enrol"))
    assert nurse.get_by_test_id("enrolment").is_visible()

    # 2. The nurse records a negative screen on the ketamine panel.
    nurse.goto(f"/patients/{record.uuid}/screens/new/")
    if nurse.get_by_role("button", name="Continue").count():
        click_and_wait(nurse, nurse.get_by_role("button", name="Continue"))
    for label in nurse.locator("label.usa-radio__label").filter(
            has_text=re.compile(r"^Negative$")).all():
        label.click()
    browse.check(nurse, "record a drug screen")
    click_and_wait(nurse, nurse.get_by_role("button", name="Record the screen"))
    assert "negative" in nurse.get_by_role("main").inner_text().lower()
    earned = LedgerEntry.objects.get(patient=record, kind="earned")
    assert earned.result == "N" and str(earned.amount) == "2.50"

    # 3. On their phone, the person sees the reward and asks to spend it.
    phone = browse.new_page(phone=True)
    phone.goto("/accounts/login/")
    phone.fill("#id_username", "cm.person")
    phone.fill("#id_password", PASSWORD)
    click_and_wait(phone, phone.get_by_role("button", name="Sign in"))
    phone.wait_for_url("**/my/")
    _settled(phone)
    phone.goto("/my/rewards/")
    _settled(phone)
    assert "2.50" in phone.get_by_test_id("balance").inner_text()
    assert phone.get_by_test_id("ledger-row").count() == 1
    browse.check(phone, "my rewards with a reward")
    redeem = phone.get_by_test_id("redeem-form")
    redeem.get_by_label("Amount").fill("2.50")
    redeem.get_by_label("What kind").select_option("voucher")
    redeem.get_by_label("What it is for").fill("A cinema voucher")
    click_and_wait(phone, redeem.get_by_role("button"))
    _settled(phone)
    redemption = Redemption.objects.get(patient=record)
    assert redemption.status == RedemptionStatus.REQUESTED

    # 4. The nurse approves it from the reward requests; the balance drops to nothing.
    nurse.goto("/incentives/redemptions/")
    browse.check(nurse, "reward requests")
    decide = nurse.get_by_test_id("decide-form").first
    decide.get_by_label("Decision").select_option("approve")
    click_and_wait(nurse, decide.get_by_role("button", name="Save decision"))
    redemption.refresh_from_db()
    assert redemption.status == RedemptionStatus.APPROVED
    phone.goto("/my/rewards/")
    _settled(phone)
    assert "0.00" in phone.get_by_test_id("balance").inner_text()
