"""Risk in withdrawal reaches a human: the demo nurse opens the withdrawal board, records
a routine set of observations and then one with red flags; the urgent alert is raised at
once (no task worker), its notification goes to the prescriber, and the prescriber signs
in and sees it on the open-alerts page and on the patient's withdrawal tab."""

import pytest
from e2e_support import click_and_wait

from carepath.alerts import tasks as alert_tasks
from carepath.alerts.models import Alert, Notification
from carepath.withdrawal.models import Observation, ObservationPlan

SUMMARY = ("Withdrawal observation red flags: Hallucinations or paranoia; Heart rate 131 a "
           "minute or higher")


def _record(page, values: dict, symptoms: dict) -> None:
    form = page.get_by_test_id("observation-form")
    for key, rating in symptoms.items():
        form.locator(f"#id_symptom_{key}").select_option(str(rating))
    for field, value in values.items():
        if field == "craving":
            form.locator("#id_craving").select_option(str(value))
        else:
            form.locator(f"#id_{field}").fill(str(value))
    click_and_wait(page, form.get_by_role("button", name="Record observations"))


@pytest.mark.browser
def test_nurse_records_a_red_flag_and_the_prescriber_sees_the_alert(browse, live_server):
    plan = ObservationPlan.objects.select_related("patient").get(ended_at__isnull=True)
    patient = plan.patient
    before = Observation.objects.filter(patient=patient).count()
    demo_alerts = set(Alert.objects.open().filter(patient=patient).values_list("pk",
                                                                              flat=True))

    # 1. The nurse finds the patient on the withdrawal board and opens the tab.
    nurse = browse.new_page()
    browse.sign_in(nurse, "nurse")
    nurse.goto("/withdrawal/")
    browse.check(nurse, "withdrawal board")
    board = nurse.get_by_test_id("board")
    click_and_wait(nurse, board.get_by_role("link", name=patient.display_name))
    nurse.wait_for_url(f"**/patients/{patient.uuid}/withdrawal/")
    assert "NOT A VALIDATED WITHDRAWAL SCALE" in nurse.get_by_test_id("not-validated").inner_text()
    nurse.get_by_test_id("trend-chart").locator("svg").first.wait_for()
    browse.check(nurse, "withdrawal tab")

    # 2. A heart rate out of range is refused with its limit; what was typed stays.
    _record(nurse, {"heart_rate": 700, "craving": 5}, {"anxiety": 2})
    assert "Heart rate must be between 25 and 250 beats a minute" in nurse.content()
    assert nurse.locator("#id_heart_rate").input_value() == "700"
    assert nurse.locator("#id_symptom_anxiety").input_value() == "2"
    browse.check(nurse, "withdrawal form refused")

    # 3. Corrected: a routine set, then one with red flags.
    nurse.locator("#id_heart_rate").fill("92")
    click_and_wait(nurse, nurse.get_by_test_id("observation-form").get_by_role(
        "button", name="Record observations"))
    assert "Observations recorded." in nurse.content()
    _record(nurse, {"heart_rate": 138, "systolic": 132, "diastolic": 84, "craving": 7},
            {"hallucinations_paranoia": 2, "anxiety": 3})
    warning = nurse.get_by_text("Red flags met: Hallucinations or paranoia; Heart rate 131 "
                                "a minute or higher.", exact=False)
    assert warning.is_visible()
    browse.check(nurse, "withdrawal tab after a red flag")
    assert Observation.objects.filter(patient=patient).count() == before + 2

    # The alert exists with no worker running; its notification goes to the care team.
    alert = Alert.objects.open().exclude(pk__in=demo_alerts).get(patient=patient)
    assert alert.summary == SUMMARY
    alert_tasks.deliver(str(alert.uuid), Notification.Stage.RAISED)
    told = set(Notification.objects.filter(alert=alert).values_list("recipient__username",
                                                                    flat=True))
    assert {"nurse", "prescriber"} <= told

    # 4. The prescriber signs in and sees it.
    prescriber = browse.new_page()
    browse.sign_in(prescriber, "prescriber")
    prescriber.goto("/alerts/")
    rows = prescriber.get_by_test_id("alerts-table")
    assert rows.get_by_role("link", name=SUMMARY).count() >= 1
    prescriber.goto(f"/patients/{patient.uuid}/withdrawal/")
    assert SUMMARY in prescriber.get_by_test_id("open-red-flags").inner_text()
    prescriber.goto(f"/patients/{patient.uuid}/withdrawal/handover/")
    assert "Hallucinations or paranoia" in prescriber.get_by_test_id(
        "handover-red-flags").inner_text()
    browse.check(prescriber, "withdrawal handover")
