"""Journey (c): a public visitor, signed in to nothing, finds intensive-outpatient
services within 25 miles of a postcode, nearest first, with stale capacity marked.

The demo directory (carepath/directory/demo_services.py) has several intensive-
outpatient services around Manchester M1 at different distances, one of them not
confirmed for 45 days and one never confirmed.
"""

import re

import pytest
from e2e_support import click_and_wait

MILES = re.compile(r"([0-9.]+) miles")


def _distances(results) -> list[float]:
    return [float(MILES.search(t).group(1))
            for t in results.locator("[data-testid=distance]").all_inner_texts()]


@pytest.mark.browser
def test_visitor_searches_near_a_postcode_filters_and_sees_stale_capacity(browse, live_server):
    page = browse.new_page()
    page.goto("/")
    page.get_by_role("navigation", name="Public navigation").get_by_role(
        "link", name="Find a service").click()
    page.wait_for_url("**/services/")
    assert page.get_by_role("heading", level=1).inner_text() == "Find a treatment service"
    browse.check(page, "service search")

    page.get_by_label("Postcode, ZIP code, town or city").fill("M1 1AE")
    page.get_by_label("Within").select_option("25")
    page.get_by_text("Intensive outpatient", exact=True).click()  # the USWDS checkbox label
    assert page.locator("input[name=level][value=intensive_outpatient]").is_checked()
    response = click_and_wait(page, page.get_by_role("button", name="Search"))
    assert response.status == 200
    assert "near=M1+1AE" in page.url and "level=intensive_outpatient" in page.url

    heading = page.locator("#results-heading").inner_text()
    assert re.match(r"\d+ services within 25 miles of M1 1AE", heading), heading
    results = page.get_by_test_id("service-results")
    items = results.get_by_test_id("service-result")
    assert items.count() >= 3
    distances = _distances(results)
    assert distances == sorted(distances) and len(set(distances)) == len(distances)
    assert all(d <= 25 for d in distances)
    for levels in results.get_by_test_id("levels").all_inner_texts():
        assert "Intensive outpatient" in levels
    # The nearest is confirmed recently; at least one further away is marked stale.
    assert items.first.get_by_test_id("stale").count() == 0
    stale = results.get_by_test_id("stale")
    assert stale.count() >= 1 and stale.first.is_visible()
    assert "stale: not confirmed" in stale.first.inner_text().lower()  # usa-tag is upper case
    capacity = results.get_by_test_id("capacity").all_inner_texts()
    assert any("confirmed 45 days ago" in c for c in capacity)
    assert any("never confirmed" in c for c in capacity)
    browse.check(page, "service search results")

    # The visitor opens a listing and comes back to the same results.
    first_name = items.first.get_by_test_id("service-name").inner_text()
    items.first.get_by_test_id("service-name").click()
    page.wait_for_url("**/services/*/?*")
    assert page.get_by_role("heading", level=1).inner_text() == first_name
    browse.check(page, "service page")
    page.get_by_role("link", name="Back to the search").click()
    page.wait_for_url("**/services/?*")
    assert _distances(page.get_by_test_id("service-results")) == distances

    # Nothing was stored and no cookie was set.
    assert page.context.cookies() == []


@pytest.mark.browser
def test_a_place_not_found_says_so_and_use_my_location_fills_in_coordinates(browse,
                                                                            live_server):
    page = browse.new_page()
    page.goto("/services/")
    page.get_by_label("Postcode, ZIP code, town or city").fill("ZZ99 9ZZ")
    response = click_and_wait(page, page.get_by_role("button", name="Search"))
    assert response.status == 400
    alert = page.get_by_test_id("search-error")
    assert "We could not find “ZZ99 9ZZ”" in alert.inner_text()
    assert "enter a town or city instead, or use your location" in alert.inner_text()
    browse.check(page, "service search, place not found")

    # With the browser's permission, "Use my location" fills in rounded coordinates.
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 53.48321, "longitude": -2.24456})
    page.get_by_role("button", name="Use my location").click()
    page.get_by_text("Using your approximate location").wait_for()
    assert page.locator("input[name=lat]").input_value() == "53.48"
    assert page.locator("input[name=lon]").input_value() == "-2.24"
    assert page.get_by_label("Postcode, ZIP code, town or city").input_value() == ""
    click_and_wait(page, page.get_by_role("button", name="Search"))
    assert "of your location" in page.locator("#results-heading").inner_text()
    assert page.get_by_test_id("service-result").count() >= 1
    assert page.context.cookies() == []


@pytest.mark.browser
def test_intake_advisor_confirms_a_stale_listing_and_the_public_sees_it_fresh(browse,
                                                                              live_server):
    from e2e_support import open_from_nav

    page = browse.new_page()
    browse.sign_in(page, "intake")
    open_from_nav(page, "Services", "**/directory/services/")
    assert page.get_by_role("heading", level=1).inner_text() == "Service directory"
    browse.check(page, "service directory (staff)")

    page.get_by_label("Name, provider or town").fill("Stockport")
    page.get_by_text("Only services whose capacity is stale").click()
    click_and_wait(page, page.get_by_role("button", name="Filter"))
    row = page.get_by_test_id("manage-row")
    assert row.count() == 1 and "confirmed 45 days ago" in row.inner_text()
    assert row.get_by_test_id("stale").is_visible()
    click_and_wait(page, row.get_by_role("button", name="Confirm capacity now"))
    # Back on the same filtered list, which no longer holds it: it is not stale now.
    assert "stale=on" in page.url
    assert "Capacity of Stockport Ketamine Support Service confirmed today" in page.inner_text(
        "main")
    assert page.get_by_test_id("manage-row").count() == 0

    page.get_by_role("link", name="Services").first.click()
    page.wait_for_url("**/directory/services/")
    page.get_by_role("link", name="Stockport Ketamine Support Service").click()
    page.wait_for_url("**/edit/")
    summary = page.get_by_test_id("service-capacity-summary")
    assert "confirmed today" in summary.inner_text()
    assert summary.get_by_test_id("stale").count() == 0
    browse.check(page, "service edit (staff)")
    page.get_by_label("Places free now").fill("0")
    click_and_wait(page, page.get_by_role("button", name="Save changes"))
    assert "Changes to Stockport Ketamine Support Service were saved" in page.inner_text("main")
    assert "No places free now" in page.get_by_test_id("service-capacity-summary").inner_text()

    public = browse.new_page()
    public.goto("/services/?near=SK1&radius=5&level=intensive_outpatient")
    first = public.get_by_test_id("service-result").first
    assert "Stockport Ketamine Support Service" in first.inner_text()
    assert "No places free now" in first.inner_text() and "confirmed today" in first.inner_text()
    assert first.get_by_test_id("stale").count() == 0
