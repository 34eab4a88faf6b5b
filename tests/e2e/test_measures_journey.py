"""Risk reaches a human: a patient's PHQ-9 item 9 shows them crisis lines at once, raises
an alert the clinician acknowledges with a note, and the supervisor sees every step in
the audit report.

The second test proves the alert needs no task worker, through the real HTTP path.
"""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from e2e_support import REPO, click_and_wait, open_from_nav

from carepath import conftest as personas
from carepath.accounts.models import AccountType
from carepath.alerts.models import Alert, Notification
from carepath.audit.models import AuditEvent
from carepath.measures.models import Response
from carepath.patients import demo
from carepath.patients.models import Patient

# The personas of carepath/conftest.py for the test without a browser (pytest loads that
# conftest only for tests under carepath/): the patient's clinician, with a supervisor.
fast_password_hashing, org, make_user, supervisor, clinician, make_patient, patient = (
    personas.fast_password_hashing, personas.org, personas.make_user, personas.supervisor,
    personas.clinician, personas.make_patient, personas.patient)

SCREENSHOT = REPO / "docs" / "img" / "crisis-panel.png"
PHQ9_TITLE = "Patient Health Questionnaire-9 (PHQ-9)"
# Items 1-8 (total 7), and item 9 = 1, "Several days": total 8, mild, but urgent.
ANSWERS = {"1": 1, "2": 2, "3": 1, "4": 0, "5": 2, "6": 0, "7": 1, "8": 0, "9": 1}
OPTION_LABELS = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
SHORT_NOTE = "Called"
NOTE = "Phoned the patient the same day; C-SSRS done, safety plan reviewed with them."


def _patient_signs_in(browse, page, username: str, chart_uuid) -> None:
    """Patients sign in with a password only (no second factor) and land on their portal
    home; the test then opens their chart."""
    page.goto("/accounts/login/")
    browse.check(page, "login", once=True)
    page.fill("#id_username", username)
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/my/")  # a patient lands on their portal home
    page.goto(f"/patients/{chart_uuid}/")


def _answer(page, link_id: str, value: int) -> None:
    """Choose an answer by its label, as a person does (the USWDS radio input is hidden)."""
    question = page.locator(f"fieldset#q-{link_id}")
    question.get_by_text(OPTION_LABELS[value], exact=True).click()
    assert question.locator(f"input[name=item_{link_id}][value='{value}']").is_checked()


@pytest.mark.browser
def test_patient_reports_risk_clinician_acknowledges_supervisor_audits(browse, live_server):
    record = Patient.objects.select_related("user").get(user__username="patient")
    assert record.care_team.filter(user__username="clinician").exists()
    assert record.care_team.get(user__username="clinician").user.supervisor.username == (
        "supervisor")
    # The demo may hold earlier measures and alerts: this journey's steps come after this.
    start = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    assert not Alert.objects.open().filter(patient=record).exists()

    # 1. The patient answers the PHQ-9 from their own record, item 9 = "Several days".
    page = browse.new_page()
    _patient_signs_in(browse, page, "patient", record.uuid)
    browse.check(page, "patient's own record")
    tabs = page.get_by_role("navigation", name="Patient record sections")
    click_and_wait(page, tabs.get_by_role("link", name="Measures", exact=True))
    page.wait_for_url(f"**/patients/{record.uuid}/measures/")
    assert page.get_by_role("heading", level=1).inner_text() == "My questionnaires"
    browse.check(page, "patient's questionnaires")

    click_and_wait(page, page.get_by_role("link", name=PHQ9_TITLE, exact=True))
    page.wait_for_url(f"**/patients/{record.uuid}/measures/new/phq-9/")
    browse.check(page, "PHQ-9 form")
    for link_id, value in ANSWERS.items():
        _answer(page, link_id, value)
    click_and_wait(page, page.get_by_role("button", name="Submit", exact=True))

    # 2. The crisis panel is there at once, on the page the submit leads to.
    page.wait_for_url(f"**/patients/{record.uuid}/measures/responses/*/?submitted=1")
    panel = page.get_by_test_id("crisis-panel")
    assert panel.is_visible()
    lines = panel.locator("li")
    shown = [line.inner_text() for line in lines.all()]
    assert "Samaritans: Call 116 123. Free, 24 hours a day." in shown
    assert any(text.startswith("Emergency services: Call 999") for text in shown)
    assert any(text.startswith("NHS 111, option 2") for text in shown)
    assert panel.get_by_role("link", name="Call 116 123").get_attribute("href") == "tel:116123"
    assert "Your care team has been alerted" in panel.inner_text()
    page.wait_for_load_state("networkidle")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    browse.check(page, "crisis panel after PHQ-9 item 9")

    response = Response.objects.get(uuid=page.url.split("/responses/")[1].split("/")[0])
    assert response.patient == record and response.instrument_id == "phq-9"
    assert response.answers == ANSWERS and response.total == 8
    assert response.flags == ["suicide-risk"] and response.mode == "self_report"
    alert = Alert.objects.get(patient=record, source_uuid=response.uuid)
    assert alert.is_open

    # 3. The clinician sees it on the caseload, follows it and acknowledges it with a note.
    staff = browse.new_page()
    browse.sign_in(staff, "clinician")
    alerts_panel = staff.get_by_test_id("caseload-alerts")
    assert alerts_panel.is_visible()
    assert "to acknowledge" in alerts_panel.get_by_role("heading").inner_text()
    alert_row = alerts_panel.get_by_test_id("alert-row").filter(has_text=record.mrn)
    assert alert_row.count() == 1
    assert "PHQ-9" in alert_row.locator("td[data-label=Alert]").inner_text()
    # (text_content: the tags are upper-cased by CSS only)
    assert alert_row.locator("td[data-label=State]").text_content().strip() == "Open"
    staff.goto("/?page_size=100")
    browse.check(staff, "caseload with an open alert")
    patient_row = staff.locator("table.usa-table tbody tr").filter(
        has=staff.locator("td[data-label=MRN]", has_text=record.mrn))
    assert patient_row.get_by_test_id("open-alerts").text_content().strip() == "1 open"

    click_and_wait(staff, alert_row.get_by_role("link"))
    staff.wait_for_url(f"**/patients/{record.uuid}/alerts/{alert.uuid}/")
    assert staff.get_by_role("heading", level=1).inner_text() == "Urgent alert"
    browse.check(staff, "open alert")

    staff.get_by_label("What did you do, or what will you do?").fill(SHORT_NOTE)
    refused = click_and_wait(staff, staff.get_by_role("button", name="Acknowledge"))
    assert refused.status == 400
    error = staff.locator(".usa-form-group--error .usa-error-message")
    assert "at least 10 characters" in error.inner_text()
    assert staff.get_by_label("What did you do, or what will you do?").input_value() == (
        SHORT_NOTE)
    browse.check(staff, "alert with a too-short note")
    alert.refresh_from_db()
    assert alert.is_open

    staff.get_by_label("What did you do, or what will you do?").fill(NOTE)
    click_and_wait(staff, staff.get_by_role("button", name="Acknowledge"))
    staff.wait_for_url(f"**/patients/{record.uuid}/alerts/{alert.uuid}/")
    acknowledged = staff.get_by_test_id("alert-acknowledged")
    assert acknowledged.is_visible()
    assert "Chris Morgan" in acknowledged.inner_text()
    assert staff.get_by_role("heading", level=1).inner_text() == "Acknowledged alert"
    assert staff.get_by_text(NOTE).is_visible()
    assert staff.get_by_role("button", name="Acknowledge").count() == 0
    browse.check(staff, "acknowledged alert")
    alert.refresh_from_db()
    assert not alert.is_open and alert.acknowledged_by.username == "clinician"
    assert alert.action_note == NOTE

    staff.goto("/?page_size=100")
    browse.check(staff, "caseload after acknowledging")
    # Any other patient's alert may still be listed; this one is not.
    assert staff.get_by_test_id("alert-row").filter(has_text=record.mrn).count() == 0
    assert staff.locator(f"a[href='/patients/{record.uuid}/alerts/{alert.uuid}/']").count() == 0
    assert patient_row.count() == 1
    assert patient_row.get_by_test_id("open-alerts").count() == 0

    # 4. The supervisor finds every step in the audit report for this patient.
    audit_page = browse.new_page()
    browse.sign_in(audit_page, "supervisor")
    open_from_nav(audit_page, "Audit report", "**/audit/")
    audit_page.get_by_label("Patient MRN").fill(record.mrn)
    click_and_wait(audit_page, audit_page.get_by_role("button", name="Filter"))
    browse.check(audit_page, "audit report for the patient")
    rows = audit_page.locator("table.usa-table tbody tr").all()
    seen = [(r.locator("td[data-label=Who]").inner_text(),
             r.locator("td[data-label=Action]").inner_text(),
             r.locator("td[data-label=Outcome]").inner_text(),
             r.locator("td[data-label=What]").inner_text(),
             r.locator("td[data-label=Patient]").inner_text()) for r in rows]
    assert {who_patient for *_, who_patient in seen} == {str(record.uuid)}
    steps = [(who.split(" ")[0], action, outcome, what) for who, action, outcome, what, _ in seen]
    journey = [("clinician", "Acknowledgement", "Allowed", "alerts.alert"),
               ("patient", "Create", "Allowed", "alerts.alert"),
               ("patient", "Create", "Allowed", "measures.response")]
    for step in journey:
        assert steps.count(step) == 1, f"{step} not shown once in {steps}"
    # Newest first: the acknowledgement, then the alert, then the response that raised it.
    assert sorted(journey, key=steps.index) == journey
    readers = {who.split(" ")[0] for who, action, *_ in seen if action == "Read"}
    assert {"patient", "clinician"} <= readers

    # The same steps in the log itself, tied to the exact objects.
    events = AuditEvent.objects.filter(patient_uuid=record.uuid, seq__gt=start).exclude(
        action="read")
    assert [(e.actor_username, e.action, e.object_type, e.object_id) for e in events] == [
        ("patient", "create", "measures.response", str(response.uuid)),
        ("patient", "create", "alerts.alert", str(alert.uuid)),
        ("clinician", "acknowledge", "alerts.alert", str(alert.uuid))]


def test_a_self_reported_item_9_raises_the_alert_with_no_worker_running(
        make_user, patient, clinician):
    """Through the real HTTP path, as the patient: the alert exists before any worker runs,
    and the messages about it wait as tasks."""
    account = make_user(None, account_type=AccountType.PATIENT)
    patient.user = account
    patient.save(update_fields=["user"])
    assert patient.care_team.filter(user=clinician).exists()

    client = Client()
    signed_in = client.post(reverse("accounts:login"),
                            {"username": account.username, "password": personas.PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("ui:home")
    form_url = reverse("measures:respond", kwargs={"patient_id": patient.uuid,
                                                   "instrument_id": "phq-9"})
    form = client.get(form_url)
    assert form.status_code == 200
    assert b'name="item_9"' in form.content

    posted = client.post(form_url, {"action": "submit",
                                    **{f"item_{k}": str(v) for k, v in ANSWERS.items()}})
    assert posted.status_code == 302
    response = Response.objects.get(patient=patient)
    assert posted["Location"] == reverse("measures:response", kwargs={
        "patient_id": patient.uuid, "response_id": response.uuid}) + "?submitted=1"
    assert response.mode == "self_report" and response.entered_by == account

    alert = Alert.objects.get(patient=patient)
    assert alert.is_open and alert.severity == "urgent" and alert.flag == "suicide-risk"
    assert alert.source_type == "measures.response" and alert.source_uuid == response.uuid

    tasks = DBTaskResult.objects.all()
    assert sorted(t.task_path.rsplit(".", 1)[-1] for t in tasks) == [
        "escalate_alert", "notify_alert"]
    assert {t.status for t in tasks} == {"READY"}  # enqueued, none run
    assert all(t.started_at is None and t.finished_at is None for t in tasks)
    assert not Notification.objects.exists() and mail.outbox == []

    result = client.get(posted["Location"])
    assert result.status_code == 200
    assert b'data-testid="crisis-panel"' in result.content
    assert b"116 123" in result.content
