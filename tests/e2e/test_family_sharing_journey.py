"""Consented sharing in the browser: a supporter with no consent is refused; the patient,
on their phone, shares attendance only; the supporter sees attendance with the
redisclosure notice and nothing else; the patient's "who saw my information" lists the
look and the refused attempt; stopping the sharing shuts the supporter out at once."""

from datetime import timedelta

import pytest
from django.utils import timezone
from e2e_support import click_and_wait

from carepath.accounts.models import AccountType, User
from carepath.audit.models import AuditEvent
from carepath.family.models import SupporterProfile
from carepath.patients.models import Consent, Patient

PASSWORD = "meadow-copper-lantern-19"  # noqa: S105 (a test password)
EMAIL = "alex.friend@example.org"


def _sign_in(page, username: str, password: str, lands: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    click_and_wait(page, page.get_by_role("button", name="Sign in"))
    page.wait_for_url(lands)
    # Portal pages register the service worker (a fetch of /my/sw.js): let it finish, as
    # the test server's SQLite connection is shared by its threads.
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
def test_a_patient_shares_attendance_only_sees_who_looked_and_stops_sharing(
        browse, live_server, demo_org):
    from carepath.patients import demo

    record = Patient.objects.get(user__username="patient")
    friend = User.objects.create_user(username=EMAIL, email=EMAIL, password=PASSWORD,
                                      account_type=AccountType.SUPPORTER,
                                      organisation=record.organisation, first_name="Alex",
                                      last_name="Friend")
    SupporterProfile.objects.create(user=friend, email_verified_at=timezone.now())
    attendance = f"/family/people/{record.uuid}/attendance/"
    milestones = f"/family/people/{record.uuid}/milestones/"

    # 1. Without a consent naming them, the supporter gets nothing.
    supporter = browse.new_page()
    _sign_in(supporter, EMAIL, PASSWORD, "**/family/")
    response = supporter.goto(attendance)
    assert response.status == 403
    assert record.legal_family_name not in supporter.content()
    browse.check(supporter, "shared page refused")

    # 2. The patient, on their phone, shares attendance only with Alex.
    phone = browse.new_page(phone=True)
    _sign_in(phone, "patient", demo.DEMO_PASSWORD, "**/my/")
    phone.goto("/my/sharing/")
    phone.wait_for_load_state("networkidle")
    browse.check(phone, "sharing with family")
    phone.get_by_label("Their email address").fill(EMAIL)
    phone.get_by_test_id("categories").locator("label").filter(
        has_text="Attendance: whether I went").click()
    phone.locator("#id_expires_on").fill(
        (timezone.localdate() + timedelta(days=90)).isoformat())
    click_and_wait(phone, phone.get_by_role("button", name="Share", exact=True))
    phone.wait_for_load_state("networkidle")
    consent = Consent.objects.get(patient=record, recipient_user=friend)
    assert consent.data_categories == ["attendance"] and consent.is_active()

    # 3. The supporter sees attendance, with the notice, and nothing else.
    supporter.goto("/family/")
    click_and_wait(supporter, supporter.get_by_test_id("home-people").get_by_role(
        "link", name=record.preferred_name or record.legal_given_name))
    listed = supporter.get_by_test_id("shared-categories").inner_text()
    assert "ttendance" in listed and "ilestone" not in listed
    supporter.goto(attendance)
    assert supporter.get_by_test_id("redisclosure").is_visible()
    browse.check(supporter, "shared attendance")
    assert supporter.goto(milestones).status == 403

    # 4. The patient sees the look and the refused attempt.
    phone.goto("/my/sharing/who-saw/")
    phone.wait_for_load_state("networkidle")
    looks = phone.get_by_test_id("views").inner_text()
    assert "Alex Friend" in looks and "ttendance" in looks
    assert "ilestone" in phone.get_by_test_id("refused").inner_text()
    browse.check(phone, "who saw my information")

    # 5. Stopping the sharing shuts the supporter out on their next request.
    phone.goto("/my/sharing/")
    phone.wait_for_load_state("networkidle")
    stop = phone.get_by_role("button", name=f"Stop sharing with {consent.recipient}")
    click_and_wait(phone, stop)
    phone.wait_for_load_state("networkidle")
    consent.refresh_from_db()
    assert consent.revoked_at is not None
    assert supporter.goto(attendance).status == 403
    assert AuditEvent.objects.filter(actor=friend, patient_uuid=record.uuid,
                                     outcome="denied").count() >= 3
