"""Staff sign in with a password and a TOTP code, and land on their own caseload."""

import time

import pyotp
import pytest
from e2e_support import DEMO_SEED, click_and_wait

from carepath.patients import demo
from carepath.patients.models import Patient


@pytest.mark.browser
def test_clinician_signs_in_with_totp_and_sees_only_their_care_team_patients(browse):
    page = browse.new_page()
    browse.sign_in(page, "clinician")

    assert page.get_by_role("heading", level=1).inner_text() == "My caseload"
    # All of the caseload on one page, so the whole list can be compared with the database.
    page.goto("/?page_size=100")
    browse.check(page, "caseload, one page")
    rows = page.locator("table[data-testid=caseload-table] tbody tr")
    shown = [
        (row.locator("th[data-label=Name] a").inner_text(),
         row.locator("td[data-label=MRN]").inner_text(),
         row.locator("th[data-label=Name] a").get_attribute("href"))
        for row in rows.all()
    ]
    mine = Patient.objects.filter(care_team__user__username="clinician").distinct()
    expected = sorted((p.display_name, p.mrn, f"/patients/{p.uuid}/") for p in mine)
    assert len(expected) == 30  # the demo alternates its 60 patients between two clinicians
    assert sorted(shown) == expected
    assert page.get_by_role("link", name="Next page").count() == 0  # nothing on a next page

    theirs = (Patient.objects.filter(care_team__user__username="clinician2")
              .exclude(care_team__user__username="clinician").first())
    assert theirs is not None
    shown_mrns = {mrn for _, mrn, _ in shown}
    assert theirs.mrn not in shown_mrns
    assert page.locator(f"a[href='/patients/{theirs.uuid}/']").count() == 0


def _a_wrong_code(username: str) -> str:
    """Six digits that match none of the codes the server accepts around now."""
    totp = pyotp.TOTP(demo.totp_secret(DEMO_SEED, username))
    now = time.time()
    accepted = {totp.at(now + drift) for drift in (-60, -30, 0, 30, 60)}
    return next(code for code in ("000000", "111111", "222222", "333333", "444444", "555555",
                                  "666666") if code not in accepted)


@pytest.mark.browser
def test_wrong_totp_code_shows_an_error_beside_the_field_and_stays_on_mfa(browse, live_server):
    page = browse.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", "clinician")
    page.fill("#id_password", demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/mfa/")

    page.fill("#id_otp_token", _a_wrong_code("clinician"))
    response = click_and_wait(page, page.get_by_role("button", name="Continue"))

    assert response.status == 200  # the form again, not a redirect onwards
    assert page.url == f"{live_server.url}/accounts/mfa/"
    group = page.locator(".usa-form-group", has=page.locator("#id_otp_token"))
    error = group.locator(".usa-error-message")
    assert error.is_visible()
    assert "That code did not match" in error.inner_text()
    assert "usa-form-group--error" in (group.get_attribute("class") or "")
    browse.check(page, "MFA with a wrong code")

    # Still not signed in: any staff page sends the person back to the MFA step.
    page.goto("/")
    assert page.url == f"{live_server.url}/accounts/mfa/"
    assert page.locator("table.usa-table").count() == 0
