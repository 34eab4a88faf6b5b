"""The patient portal on a phone: invited by the care team, sets a password, lands on the
portal home with crisis help at the top, and reads the crisis page and plan offline."""

import re

import pytest
from django.core import mail
from e2e_support import click_and_wait

from carepath.patients.models import Patient

PASSWORD = "plum-orchard-lantern-47"  # noqa: S105 (a test password)
LINK = re.compile(r"/portal/join/[A-Za-z0-9_\-]+/")


def _invitee():
    """A demo patient on the clinician's caseload with no account yet, given an email."""
    record = (Patient.objects.filter(user__isnull=True, care_team__user__username="clinician")
              .order_by("mrn").first())
    record.email = "invitee@example.org"
    record.save(update_fields=["email"])
    return record


@pytest.mark.browser
def test_invited_person_joins_and_reads_crisis_help_and_plan_offline(
        browse, live_server, demo_org):
    record = _invitee()
    staff = browse.new_page()
    browse.sign_in(staff, "clinician")
    staff.goto(f"/patients/{record.uuid}/portal-invite/")
    browse.check(staff, "portal invitation")
    click_and_wait(staff, staff.get_by_role("button", name="Send the invitation"))
    assert "Invitation sent by email" in staff.get_by_role("status").first.inner_text()
    link = LINK.search(mail.outbox[-1].body).group(0)

    phone = browse.new_page(phone=True)
    phone.goto(link)
    browse.check(phone, "set a password")
    assert phone.locator("#id_username").input_value() == record.email
    phone.fill("#id_password1", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    click_and_wait(phone, phone.get_by_role("button", name="Create my account"))
    phone.wait_for_url("**/my/")
    browse.check(phone, "portal home")
    crisis_button = phone.get_by_test_id("crisis-button")
    assert crisis_button.is_visible()
    box = crisis_button.bounding_box()
    assert box["y"] < 100 and box["height"] >= 44  # at the top, a big touch target

    # The service worker saves the plan and crisis page for offline reading.
    phone.evaluate("async () => { await navigator.serviceWorker.ready; }")
    phone.goto("/my/plan/")
    plan_heading = phone.get_by_role("heading", level=1).inner_text()
    click_and_wait(phone, phone.get_by_test_id("crisis-button"))
    browse.check(phone, "crisis page")
    phone.wait_for_function(
        "async () => (await (await caches.open('carepath-portal-v1')).keys()).length >= 3")

    phone.context.set_offline(True)
    phone.goto("/my/plan/")
    assert phone.get_by_role("heading", level=1).inner_text() == plan_heading
    phone.goto("/my/crisis/")
    assert phone.get_by_role("heading", level=1).inner_text() == "Crisis help"
    assert phone.locator("a[href='tel:999']").count() >= 1
    assert phone.get_by_text("You are offline").is_visible()
    assert phone.get_by_test_id("tell-team").is_disabled()
    phone.context.set_offline(False)

    # Signing out removes the saved copies from the phone.
    phone.goto("/my/account/")
    click_and_wait(phone, phone.get_by_role("main").get_by_role("button", name="Sign out"))
    assert phone.evaluate("async () => (await caches.keys()).length") == 0
