"""Break-glass: refused first, opened with a reason, then reviewed by a supervisor."""

import pytest
from e2e_support import click_and_wait, open_from_nav

from carepath.access.models import BreakGlassAccess
from carepath.patients.models import Patient

REASON = "Covering the duty desk: patient phoned in withdrawal distress."


@pytest.mark.browser
def test_break_glass_is_refused_then_opened_with_a_reason_then_reviewed(browse, live_server):
    outsider = Patient.objects.exclude(care_team__user__username="clinician").order_by("mrn")[0]

    clinician = browse.new_page()
    browse.sign_in(clinician, "clinician")
    clinician.get_by_role("link", name="Open a record by MRN").click()
    clinician.wait_for_url("**/open/")
    browse.check(clinician, "open a record by MRN")

    clinician.fill("#mrn", outsider.mrn)
    refused = click_and_wait(clinician, clinician.get_by_role("button", name="Open", exact=True))
    assert refused.url.endswith(f"/patients/{outsider.uuid}/")  # the chart's own address...
    assert refused.status == 403  # ...refused
    assert clinician.get_by_role("heading", level=1).inner_text() == (
        "You are not on this patient's care team")
    # The refusal shows nothing of the record.
    assert outsider.legal_family_name not in clinician.content()
    assert clinician.get_by_test_id("banner-name").count() == 0
    browse.check(clinician, "break-glass offer (403)")

    click_and_wait(clinician, clinician.get_by_role("link", name="Break glass: give a reason"))
    assert clinician.url.endswith(f"/access/break-glass/{outsider.uuid}/")
    browse.check(clinician, "break-glass reason form")
    clinician.fill("#reason", REASON)
    opened = click_and_wait(clinician, clinician.get_by_role("button", name="Open the record"))
    assert opened.status == 200
    assert clinician.url.endswith(f"/patients/{outsider.uuid}/")

    assert clinician.get_by_role("heading", name="Opened with break-glass access").is_visible()
    assert REASON in clinician.locator(".break-glass-banner").inner_text()
    assert clinician.get_by_test_id("banner-name").inner_text() == outsider.display_name
    assert clinician.get_by_test_id("banner-mrn").inner_text() == outsider.mrn
    browse.check(clinician, "chart opened with break-glass")
    grant = BreakGlassAccess.objects.get(patient=outsider, user__username="clinician")
    assert grant.reason == REASON and grant.reviewed_at is None

    # A supervisor, in a separate browser session, reviews it.
    supervisor = browse.new_page()
    browse.sign_in(supervisor, "supervisor")
    open_from_nav(supervisor, "Break-glass review", "**/access/break-glass/review/")
    browse.check(supervisor, "break-glass review list")
    row = supervisor.locator("tbody tr", has=supervisor.get_by_text(REASON))
    assert row.count() == 1
    assert row.locator("td[data-label='Patient (MRN)']").inner_text() == outsider.mrn
    assert "Chris Morgan" in row.locator("td[data-label=By]").inner_text()
    row.get_by_label("Review note").fill("Checked with the duty rota: appropriate.")
    click_and_wait(supervisor, row.get_by_role("button", name="Mark reviewed"))

    assert supervisor.get_by_text("Marked as reviewed.").is_visible()
    assert supervisor.get_by_text(REASON).count() == 0  # no longer awaiting review
    browse.check(supervisor, "break-glass review list after review")
    grant.refresh_from_db()
    assert grant.reviewed_by.username == "supervisor"
    assert grant.review_note == "Checked with the duty rota: appropriate."

    click_and_wait(supervisor, supervisor.get_by_role("link", name="Show all"))
    reviewed = supervisor.locator("tbody tr", has=supervisor.get_by_text(REASON))
    assert "Reviewed by Sam Okafor" in reviewed.locator("td[data-label=Review]").inner_text()
