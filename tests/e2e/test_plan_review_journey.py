"""An overdue treatment-plan review reaches the clinician: it is on their caseload, it
leads to the plan, and once reviewed it leaves the caseload with the next date set."""

from datetime import timedelta

import pytest
from django.utils import timezone
from e2e_support import click_and_wait

from carepath.treatment.models import PlanStatus, TreatmentPlan

SUMMARY = "Reviewed with the patient: two objectives met, cravings easing; continue weekly CBT."


@pytest.mark.browser
def test_an_overdue_plan_review_on_the_caseload_is_reviewed_and_leaves_it(browse, live_server):
    today = timezone.localdate()
    overdue = TreatmentPlan.objects.get(status=PlanStatus.ACTIVE, next_review_on__lt=today,
                                        patient__care_team__user__username="clinician")
    patient = overdue.patient

    page = browse.new_page()
    browse.sign_in(page, "clinician")
    panel = page.get_by_test_id("caseload-plan-reviews")
    assert patient.display_name in panel.inner_text()
    browse.check(page, "caseload with an overdue plan review")

    click_and_wait(page, panel.get_by_role("link", name=patient.display_name))
    page.wait_for_url(f"**/patients/{patient.uuid}/plans/")
    assert page.get_by_test_id("review-overdue").is_visible()
    click_and_wait(page, page.get_by_role("link", name="Review the plan"))
    page.get_by_label("Review summary").fill(SUMMARY)
    click_and_wait(page, page.get_by_role("button", name="Record review"))
    browse.check(page, "plan after its review")

    overdue.refresh_from_db()
    assert overdue.next_review_on == today + timedelta(days=overdue.review_every_days)
    assert overdue.reviews.get().summary == SUMMARY

    page.goto("/")
    assert patient.display_name not in (
        page.get_by_test_id("caseload-plan-reviews").inner_text()
        if page.get_by_test_id("caseload-plan-reviews").count() else "")
