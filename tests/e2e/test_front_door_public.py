"""The public front door in a real browser: every public page passes axe-core, the
self-check works with JavaScript off, and journey (a): an anonymous self-check with a risk
answer ends as a risk-flagged callback the intake advisor sees in the enquiry list.
"""

import pytest
from e2e_support import VIEWPORT, click_and_wait

from carepath.intake.models import Enquiry

SIGNS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14"]


def _choose(page, name: str, value: int) -> None:
    """Click the answer's label, as a person does (the USWDS radio input is hidden)."""
    page.locator(f"label[for='{name}-{value}']").click()
    assert page.locator(f"#{name}-{value}").is_checked()


def _step_one(page, age: int, yes=()) -> None:
    page.fill("#age", str(age))
    for link_id in SIGNS:
        _choose(page, f"signs-{link_id}", 1 if link_id in yes else 0)


def _dast(page) -> None:
    for n in range(1, 11):
        _choose(page, f"second-{n}", 1 if n in (1, 2) else 0)


def _continue(page, label: str):
    response = click_and_wait(page, page.get_by_role("button", name=label, exact=True))
    assert response.status != 403, (
        "CSRF refused the form: a page with <meta name=referrer content=no-referrer> makes "
        "the browser send 'Origin: null' on a POST, which Django's CSRF check rejects. "
        "ui/public_base.html needs content=same-origin (the header's policy).")
    return response


@pytest.mark.browser
def test_public_pages_have_no_serious_axe_violations(browse):
    page = browse.new_page()
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Worried about ketamine?"
    browse.check(page, "public home")

    page.goto("/self-check/")
    browse.check(page, "self-check step 1")
    # Half done: the error summary and the marked questions are checked too.
    page.fill("#age", "30")
    assert _continue(page, "Continue").status == 400
    assert page.get_by_test_id("error-summary").is_visible()
    browse.check(page, "self-check step 1 with errors")

    _step_one(page, 30, yes=("2", "3", "8", "14"))
    assert _continue(page, "Continue").status == 200
    assert page.get_by_test_id("selfcheck-step-2").is_visible()
    browse.check(page, "self-check step 2 (DAST-10)")

    _dast(page)
    _continue(page, "See my result")
    assert page.get_by_role("heading", level=1).inner_text() == "Your self-check result"
    assert page.get_by_test_id("crisis-panel").is_visible()
    browse.check(page, "self-check result with crisis lines")

    page.goto("/learn/")
    browse.check(page, "education index")
    page.get_by_role("link", name="Harms: bladder, memory and mood").click()
    page.wait_for_url("**/learn/harms/")
    assert page.get_by_test_id("article-version").inner_text().startswith("Version 1, updated")
    browse.check(page, "education article")


@pytest.mark.browser
def test_self_check_completes_with_javascript_disabled(browse, live_server):
    context = browse.browser.new_context(base_url=live_server.url, viewport=VIEWPORT,
                                         java_script_enabled=False)
    browse.contexts.append(context)  # closed with the others
    context.route("**/favicon.ico", lambda route: route.abort())
    page = context.new_page()
    page.goto("/self-check/")
    _step_one(page, 17, yes=("1", "11"))
    _continue(page, "Continue")
    assert "CRAFFT 2.1" in page.content()
    for name in ("a1", "a2", "a3"):
        page.fill(f"#second-{name}", "0")
    _choose(page, "second-car", 0)
    _continue(page, "See my result")
    assert page.get_by_role("heading", level=1).inner_text() == "Your self-check result"
    assert page.get_by_test_id("bladder-red-flag").is_visible()
    assert "Seek medical help today" in page.get_by_test_id("bladder-red-flag").inner_text()
    # No cookie on the way, except the CSRF cookie the callback form needs.
    assert {c["name"] for c in context.cookies()} <= {"csrftoken"}


@pytest.mark.browser
def test_anonymous_self_check_callback_reaches_the_intake_advisor(browse):
    before = set(Enquiry.objects.values_list("pk", flat=True))
    page = browse.new_page()
    page.goto("/")
    page.get_by_role("link", name="Start the self-check").click()
    page.wait_for_url("**/self-check/")
    _step_one(page, 34, yes=("2", "3", "5", "14"))
    _continue(page, "Continue")
    _dast(page)
    _continue(page, "See my result")
    assert page.get_by_test_id("crisis-panel").is_visible()

    form = page.get_by_test_id("callback-form")
    form.get_by_label("Your first name, or what we should call you").fill("Morgan Front")
    form.get_by_label("Phone number").fill("07700 900456")
    form.get_by_label("Best time to contact you").fill("Weekday evenings")
    # Sending without consent is refused with the reason, and nothing typed is lost.
    assert _continue(page, "Ask an advisor to contact me").status == 400
    assert "Tick the box to agree" in page.get_by_test_id("callback-form").inner_text()
    assert page.get_by_label("Phone number").input_value() == "07700 900456"
    browse.check(page, "callback form with errors")
    page.locator("label[for='id_share_answers']").click()
    page.locator("label[for='id_contact_consent']").click()
    _continue(page, "Ask an advisor to contact me")
    assert page.get_by_test_id("callback-done").is_visible()
    assert page.get_by_test_id("crisis-panel").is_visible()  # crisis lines again
    browse.check(page, "callback confirmation")

    created = Enquiry.objects.exclude(pk__in=before).get()
    assert created.risk_flagged and created.selfcheck_summary["flags"] == ["risk"]

    advisor = browse.new_page()
    browse.sign_in(advisor, "intake")
    advisor.goto("/intake/enquiries/")
    table = advisor.get_by_test_id("enquiry-list")
    row = table.locator("tr", has_text="Morgan Front")
    assert row.count() == 1
    assert row.get_by_test_id("risk-tag").text_content().strip() == "Risk"
    browse.check(advisor, "enquiry list with the callback")
