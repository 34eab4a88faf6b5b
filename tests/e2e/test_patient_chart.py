"""The patient chart: a banner that always says whose record this is, on every tab."""

import pytest
from e2e_support import click_and_wait

from carepath.patients.models import Patient


@pytest.mark.browser
def test_chart_banner_shows_name_date_of_birth_and_mrn_on_every_tab(browse, live_server):
    page = browse.new_page()
    browse.sign_in(page, "clinician")

    first_link = page.locator("table.usa-table tbody th[data-label=Name] a").first
    uuid = first_link.get_attribute("href").strip("/").split("/")[-1]
    patient = Patient.objects.get(uuid=uuid)
    first_link.click()
    page.wait_for_url(f"**/patients/{uuid}/")

    tabs = page.get_by_role("navigation", name="Patient record sections")
    labels = [link.inner_text() for link in tabs.get_by_role("link").all()]
    assert labels == ["Summary", "Care team", "Episodes of care", "Consents", "Assessment",
                      "Withdrawal", "Treatment plan", "Sessions", "Notes", "Discharge",
                      "Recovery", "Drug screens", "Rewards", "Measures", "Referrals"]

    for label in labels:
        response = click_and_wait(page, tabs.get_by_role("link", name=label, exact=True))
        assert response.status == 200
        assert tabs.get_by_role("link", name=label, exact=True).get_attribute(
            "aria-current") == "page"
        assert page.get_by_test_id("banner-name").inner_text() == patient.display_name
        assert page.get_by_test_id("banner-dob").inner_text() == (
            f"{patient.date_of_birth.day} {patient.date_of_birth:%b %Y}")
        assert page.get_by_test_id("banner-mrn").inner_text() == patient.mrn
        # Care-team access, so no break-glass warning.
        assert page.get_by_text("Opened with break-glass access").count() == 0
        browse.check(page, f"chart tab {label}")
