"""Pages reached outside the other journeys, scanned with axe-core like every page there.

The journeys in the other files call ``browse.check`` on each page they visit:
login, MFA (and its error state), caseload, every chart tab, open by MRN, the
break-glass offer and form, the chart under break-glass, the review list and
the audit report. This file adds the account page, the MRN form's error state
and the idle warning once it is showing.
"""

import pytest
from e2e_support import click_and_wait


@pytest.mark.browser
def test_account_page_and_mrn_error_state_have_no_serious_axe_violations(browse, live_server):
    page = browse.new_page()
    browse.sign_in(page, "clinician")

    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Chris Morgan (Clinician)").click()
    page.wait_for_url("**/accounts/me/")
    assert page.get_by_role("heading", level=1).inner_text() == "My account"
    browse.check(page, "account page")

    page.goto("/open/")
    page.fill("#mrn", "NB9999999")
    assert click_and_wait(page, page.get_by_role("button", name="Open", exact=True)).status == 404
    assert page.get_by_role("alert").inner_text().startswith("No record has that MRN")
    browse.check(page, "open by MRN, not found")


@pytest.mark.browser
def test_idle_warning_shows_before_sign_out_and_stay_signed_in_hides_it(browse, settings):
    # Limit one second past the warning time, so the warning is due at once.
    settings.CAREPATH_STAFF_IDLE_SECONDS = settings.CAREPATH_IDLE_WARNING_SECONDS + 1
    page = browse.new_page()
    browse.sign_in(page, "clinician")

    warning = page.locator("#idle-warning")
    warning.wait_for(state="visible", timeout=5_000)
    assert "You will be signed out in about" in warning.inner_text()
    assert page.get_by_role("alertdialog").is_visible()
    browse.check(page, "idle warning showing")

    # Back to a normal limit, so the script's next poll does not warn again at once.
    settings.CAREPATH_STAFF_IDLE_SECONDS = 15 * 60
    with page.expect_response("**/accounts/session/keep-alive/") as kept:
        warning.get_by_role("button", name="Stay signed in").click()
    assert kept.value.ok
    warning.wait_for(state="hidden")
    page.wait_for_timeout(1_500)  # past the script's next poll of the session status
    assert warning.is_hidden()
    page.reload()
    assert page.get_by_role("heading", level=1).inner_text() == "My caseload"  # still signed in
