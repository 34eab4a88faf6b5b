"""The recovery companion's acceptance journey, on a phone: the care team invites a person,
who sets a password, completes a daily check-in, reports blood in their urine and sees
urgent advice at once; the clinician's alert appears on their caseload and alert list
without any task worker running (the alert is raised with the check-in)."""

import re

import pytest
from django.core import mail
from e2e_support import click_and_wait

from carepath.alerts.models import Alert
from carepath.patients.models import Patient
from carepath.recovery.models import CheckIn

PASSWORD = "harbour-violet-kettle-82"  # noqa: S105 (a test password)
LINK = re.compile(r"/portal/join/[A-Za-z0-9_\-]+/")
SUMMARY = "Reported visible blood in urine in a check-in"


def _invitee():
    record = (Patient.objects.filter(user__isnull=True, care_team__user__username="clinician")
              .order_by("mrn").first())
    record.email = "checkin.person@example.org"
    record.save(update_fields=["email"])
    return record


def _choose(page, field: str, label: str) -> None:
    """Pick a radio tile by its visible label, as a person taps it."""
    page.locator(f"fieldset#id_{field}_group").get_by_text(label, exact=True).click()


@pytest.mark.browser
def test_invited_person_reports_blood_in_urine_and_the_clinician_is_alerted(
        browse, live_server, demo_org):
    record = _invitee()

    # 1. The clinician invites the person from their chart.
    clinician = browse.new_page()
    browse.sign_in(clinician, "clinician")
    clinician.goto(f"/patients/{record.uuid}/recovery/")
    browse.check(clinician, "recovery tab")
    click_and_wait(clinician, clinician.get_by_role("main").get_by_role(
        "link", name=re.compile("Invite")).first)
    clinician.wait_for_url(f"**/patients/{record.uuid}/portal-invite/")
    click_and_wait(clinician, clinician.get_by_role("button", name="Send the invitation"))
    assert "Invitation sent by email" in clinician.get_by_role("status").first.inner_text()
    message = mail.outbox[-1]
    assert message.to == [record.email]
    assert "ketamine" not in message.body.lower()  # no health information in the message
    link = LINK.search(message.body).group(0)

    # 2. On their phone, the person sets a password and lands on the portal home.
    phone = browse.new_page(phone=True)
    phone.goto(link)
    phone.fill("#id_password1", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    click_and_wait(phone, phone.get_by_role("button", name="Create my account"))
    phone.wait_for_url("**/my/")
    browse.check(phone, "portal home after joining")

    # 3. The daily check-in: a missing answer is refused by name and nothing is lost.
    phone.goto("/my/checkin/")
    browse.check(phone, "check-in form")
    _choose(phone, "craving", "4")
    _choose(phone, "mood", "6")
    phone.fill("#id_sleep_hours", "6.5")
    _choose(phone, "used_ketamine", "No")
    _choose(phone, "bladder_pain", "7")
    click_and_wait(phone, phone.get_by_role("button", name="Send my check-in"))
    assert "Have you seen blood in your urine?: answer yes or no." in phone.content()
    assert phone.locator("#id_sleep_hours").input_value() == "6.5"
    assert phone.locator("fieldset#id_craving_group input:checked").get_attribute(
        "value") == "4"
    assert not CheckIn.objects.filter(patient=record).exists()
    browse.check(phone, "check-in refused")

    # 4. Blood in urine reported: urgent advice first, before anything else on the page.
    _choose(phone, "blood_in_urine", "Yes")
    click_and_wait(phone, phone.get_by_role("button", name="Send my check-in"))
    advice = phone.get_by_test_id("urgent-advice")
    assert advice.is_visible()
    assert "Blood in your urine needs checking today" in advice.inner_text()
    assert "Your care team has been alerted" in advice.inner_text()
    assert advice.locator("a[href^='tel:']").count() >= 1
    assert advice.bounding_box()["y"] < phone.get_by_role("heading", level=1).bounding_box()["y"]
    browse.check(phone, "check-in result with urgent advice")
    checkin = CheckIn.objects.get(patient=record)
    assert checkin.blood_in_urine and checkin.bladder_pain == 7

    # 5. The clinician's alert is there: one, urgent, on the caseload and the alert list.
    alert = Alert.objects.get(patient=record, status=Alert.Status.OPEN)
    assert alert.severity == Alert.Severity.URGENT and alert.source_uuid == checkin.uuid
    clinician.goto("/")
    panel = clinician.get_by_test_id("caseload-alerts")
    assert record.display_name in panel.inner_text()
    assert SUMMARY in panel.inner_text()
    clinician.goto("/alerts/")
    row = clinician.get_by_test_id("alert-row").filter(has_text=record.display_name)
    assert SUMMARY in row.inner_text()
    browse.check(clinician, "open alerts with the check-in red flag")
