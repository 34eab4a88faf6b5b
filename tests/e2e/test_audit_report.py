"""The audit report: a supervisor filters by MRN and downloads the same events as CSV."""

import csv
import io

import pytest
from e2e_support import click_and_wait, open_from_nav

from carepath.access import actions as access_actions
from carepath.access.guards import AccessRefused, check_patient
from carepath.accounts.models import User
from carepath.audit import log as audit
from carepath.audit.models import AuditEvent
from carepath.audit.views import CSV_COLUMNS
from carepath.patients.models import Patient

REASON = "Urgent: covering for the key worker on leave."


def _clinician_breaks_glass(patient):
    """What the clinician's browser does in the break-glass journey, through the same guard."""
    ctx = audit.Context(user=User.objects.get(username="clinician"), client_address="127.0.0.1")
    with pytest.raises(AccessRefused):
        check_patient(ctx, patient.uuid)  # refused and audited as denied
    access_actions.open_break_glass(ctx, patient, REASON)
    check_patient(ctx, patient.uuid)  # the read, with the reason as its purpose


@pytest.mark.browser
def test_supervisor_filters_audit_by_mrn_and_downloads_the_csv(browse, live_server):
    # Someone off the clinician's caseload whose record the demo has not touched, so the
    # report shows exactly this journey's events (demo data audits the records it writes).
    target = next(p for p in Patient.objects.exclude(care_team__user__username="clinician")
                  .order_by("mrn")
                  if not AuditEvent.objects.filter(patient_uuid=p.uuid).exists())
    other = Patient.objects.filter(care_team__user__username="clinician").order_by("mrn")[0]
    _clinician_breaks_glass(target)
    check_patient(audit.Context(user=User.objects.get(username="clinician"),
                                client_address="127.0.0.1"), other.uuid)
    expected = AuditEvent.objects.filter(patient_uuid=target.uuid).count()
    assert expected == 3

    page = browse.new_page()
    browse.sign_in(page, "supervisor")
    open_from_nav(page, "Audit report", "**/audit/")
    browse.check(page, "audit report")

    page.get_by_label("Patient MRN").fill(target.mrn)
    click_and_wait(page, page.get_by_role("button", name="Filter"))
    assert page.get_by_label("Patient MRN").input_value() == target.mrn  # the filter is kept
    assert target.mrn not in page.url  # and never put in the URL
    browse.check(page, "audit report filtered by MRN")

    rows = page.locator("table.usa-table tbody tr").all()
    assert len(rows) == expected
    seen = [(r.locator("td[data-label=Action]").inner_text(),
             r.locator("td[data-label=Outcome]").inner_text(),
             r.locator("td[data-label=Who]").inner_text(),
             r.locator("td[data-label=Patient]").inner_text(),
             r.locator("td[data-label=Purpose]").inner_text()) for r in rows]
    assert {patient for *_, patient, _ in seen} == {str(target.uuid)}
    assert all(who.startswith("clinician") for _, _, who, _, _ in seen)
    assert ("Read", "Denied") in {(action, outcome) for action, outcome, *_ in seen}
    assert ("Break-glass", "Allowed", REASON) in {(a, o, p) for a, o, _, _, p in seen}
    assert ("Read", "Allowed", REASON) in {(a, o, p) for a, o, _, _, p in seen}
    assert str(other.uuid) not in page.content()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == "carepath-audit.csv"
    with open(download.path(), newline="", encoding="utf-8") as f:
        table = list(csv.DictReader(io.StringIO(f.read())))
    assert list(table[0].keys()) == CSV_COLUMNS
    assert len(table) == expected
    assert {row["patient_uuid"] for row in table} == {str(target.uuid)}
    assert {(row["action"], row["outcome"]) for row in table} == {
        ("read", "denied"), ("break_glass", "allowed"), ("read", "allowed")}
    browse.assert_no_page_problems(page)
