"""Discharge: the clinician starts a discharge, CarePath drafts the summary from the
record, signing is refused until the clinician has written their own summary and the
aftercare plan, then signing closes the episode; the print view carries the patient's
identity; the patient signs in and reads their aftercare plan."""

import pytest
from django.utils import timezone
from e2e_support import click_and_wait

from carepath.patients import demo
from carepath.patients.models import Patient
from carepath.treatment.models import Discharge

SUMMARY = "Completed the programme; no current risk. GP informed."
AFTERCARE = "Aftercare group on Tuesdays at 18:00. Call the team the same day if you use."


@pytest.mark.browser
def test_clinician_discharges_episode_closes_patient_reads_aftercare(browse, live_server):
    record = Patient.objects.get(user__username="patient")
    assert record.care_team.filter(user__username="clinician").exists()
    assert record.episodes.filter(closed_at__isnull=True).exists()
    today = timezone.localdate()

    # 1. The clinician opens the Discharge tab and starts a discharge.
    page = browse.new_page()
    browse.sign_in(page, "clinician")
    page.goto(f"/patients/{record.uuid}/")
    tabs = page.get_by_role("navigation", name="Patient record sections")
    click_and_wait(page, tabs.get_by_role("link", name="Discharge", exact=True))
    page.wait_for_url(f"**/patients/{record.uuid}/discharge/")
    browse.check(page, "discharge tab")
    page.get_by_label("Reason for discharge").select_option(label="Completed treatment")
    page.get_by_label("Discharge date").fill(today.isoformat())
    click_and_wait(page, page.get_by_role("button", name="Start discharge"))
    discharge = Discharge.objects.get(patient=record)
    page.wait_for_url(f"**/patients/{record.uuid}/discharge/{discharge.uuid}/")
    browse.check(page, "discharge draft")

    # 2. The summary was drafted from the record.
    drafted = page.get_by_label("Discharge summary").input_value()
    assert "Episode of care: opened" in drafted
    assert "Reason for discharge: Completed treatment." in drafted
    assert "Levels of care:" in drafted and "Session attendance:" in drafted

    # 3. Signing without the clinician's own words and an aftercare plan is refused.
    click_and_wait(page, page.get_by_role("button", name="Sign and close the episode"))
    errors = page.get_by_test_id("error-summary").inner_text()
    assert "Replace the line" in errors and "Write the aftercare plan before signing" in errors
    browse.check(page, "discharge refused")
    assert record.episodes.filter(closed_at__isnull=True).exists()

    # 4. The clinician writes their summary and the aftercare plan, and signs.
    text = page.get_by_label("Discharge summary").input_value()
    page.get_by_label("Discharge summary").fill(
        text.split("(Write here:")[0] + SUMMARY)
    page.get_by_label("Aftercare plan").fill(AFTERCARE)
    click_and_wait(page, page.get_by_role("button", name="Sign and close the episode"))
    assert "Discharge signed. The episode of care is closed." in page.inner_text("main")
    assert "Content matches its signature" in page.get_by_test_id(
        "discharge-signature").text_content()
    browse.check(page, "discharge signed")
    assert not record.episodes.filter(closed_at__isnull=True).exists()
    discharge.refresh_from_db()
    assert discharge.is_signed and SUMMARY in discharge.summary

    # 5. The print view names the patient.
    click_and_wait(page, page.get_by_role("link", name="Print view"))
    assert record.mrn in page.get_by_test_id("print-identity").inner_text()
    browse.check(page, "discharge print")

    # 6. The patient signs in (password only) and reads their aftercare plan.
    mine = browse.new_page()
    mine.goto("/accounts/login/")
    mine.fill("#id_username", "patient")
    mine.fill("#id_password", demo.DEMO_PASSWORD)
    mine.get_by_role("button", name="Sign in").click()
    mine.wait_for_url("**/my/")  # a patient lands on their portal home
    mine.goto(f"/patients/{record.uuid}/aftercare/")
    assert mine.get_by_role("heading", level=1).inner_text() == "My aftercare plan"
    assert AFTERCARE in mine.get_by_test_id("aftercare-plan").inner_text()
    browse.check(mine, "my aftercare plan")
