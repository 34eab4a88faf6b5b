"""Journey (b) of the front door: an intake advisor logs a phone call and moves the enquiry
new → contacted → screened, books an assessment (which registers the patient first);
the clinician records and completes the assessment with a DSM-5 checklist; the placement
page lists every rule that fired and why; the clinician overrides the recommendation with
a reason (refused first without one); the episode of care moves to the chosen level and
the advisor sees the enquiry admitted.

Names are synthetic and unlike any demo patient's, so the duplicate check stays quiet.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from e2e_support import click_and_wait, open_from_nav

from carepath.intake.models import Assessment, Enquiry, Placement, Stage
from carepath.patients.models import LevelOfCare

GIVEN, FAMILY = "Rowan", "Testbridge-Journey"
NAME = f"{GIVEN} {FAMILY}"
DATE_OF_BIRTH = "1997-06-14"
# Four of the ten DSM-5 criteria: moderate, so P12 fires.
DSM_YES = {"1", "2", "4", "8"}
CHOSEN, CHOSEN_NAME = LevelOfCare.INTENSIVE_OUTPATIENT, "Intensive outpatient"
RECOMMENDED_NAME = "Medically monitored withdrawal"
OVERRIDE_REASON = ("The community alcohol team will manage alcohol withdrawal at home; "
                   "the patient prefers to keep working.")


def _choose_radio(page, input_id: str) -> None:
    """Click the label, as a person does (the USWDS radio input itself is hidden)."""
    page.locator(f"label[for='{input_id}']").click()
    assert page.locator(f"#{input_id}").is_checked()


def _move_stage(page, to_label: str, note: str) -> None:
    form = page.get_by_test_id("stage-form")
    form.get_by_label("Move to stage").select_option(label=to_label)
    form.get_by_label("Note").fill(note)
    click_and_wait(page, form.get_by_role("button", name="Save stage"))
    assert f"Stage changed to {to_label.lower()}." in page.inner_text("main")
    assert page.get_by_test_id("enquiry-stage").text_content().strip() == to_label


def _stage_rows(page) -> list[str]:
    rows = page.get_by_test_id("stage-history").locator("tbody tr")
    return [" | ".join(cell.strip() for cell in row.locator("td").all_text_contents())
            for row in rows.all()]


@pytest.mark.browser
def test_advisor_books_clinician_assesses_overrides_placement_and_patient_is_admitted(
        browse, live_server):
    today = timezone.localdate()

    # 1. The intake advisor logs a phone call.
    advisor = browse.new_page()
    browse.sign_in(advisor, "intake")
    open_from_nav(advisor, "Enquiries", "**/intake/enquiries/")
    browse.check(advisor, "enquiry list")
    click_and_wait(advisor, advisor.get_by_role("link", name="Log an enquiry").first)
    advisor.wait_for_url("**/intake/enquiries/new/")
    browse.check(advisor, "log an enquiry")
    form = advisor.get_by_test_id("enquiry-form")
    form.get_by_label("How did this enquiry come in?").select_option(label="Phone call")
    form.get_by_label("Given name of the person who needs help").fill(GIVEN)
    form.get_by_label("Family name", exact=True).fill(FAMILY)
    form.get_by_label("Their phone number").fill("07700 900123")
    advisor.locator("label[for='id_contact_consent']").click()
    form.get_by_label("What they told us").fill(
        "Using ketamine most days and drinking every day; wants help to stop.")
    click_and_wait(advisor, form.get_by_role("button", name="Log enquiry"))
    advisor.wait_for_url("**/intake/enquiries/*/")
    assert f"Enquiry logged for {NAME}." in advisor.inner_text("main")
    enquiry = Enquiry.objects.get(family_name=FAMILY)
    assert advisor.url.endswith(f"/intake/enquiries/{enquiry.uuid}/")
    assert enquiry.stage == Stage.NEW and enquiry.patient is None
    assert advisor.get_by_test_id("enquiry-name").inner_text() == NAME
    assert advisor.get_by_test_id("enquiry-stage").text_content().strip() == "New"
    browse.check(advisor, "enquiry detail (new)")

    # 2. ... and moves it along the pipeline with the stage form.
    _move_stage(advisor, "Contacted", "Called back; happy to talk.")
    _move_stage(advisor, "Screened", "Screened on the phone.")
    history = _stage_rows(advisor)
    assert [row.split(" | ")[1] for row in history] == [
        "New", "New → Contacted", "Contacted → Screened"]
    assert all("Ines Walker" in row for row in history)
    browse.check(advisor, "enquiry detail (screened)")

    # 3. Booking the assessment registers the patient first; a missing date of birth is
    # refused with the reason, keeping everything typed, and nothing is created.
    click_and_wait(advisor, advisor.get_by_role("link", name="Book assessment"))
    advisor.wait_for_url(f"**/intake/enquiries/{enquiry.uuid}/book/")
    book = advisor.get_by_test_id("book-form")
    assert book.get_by_label("Legal given name").input_value() == GIVEN
    assert book.get_by_label("Legal family name").input_value() == FAMILY
    browse.check(advisor, "book an assessment")
    book.get_by_label("Sex at birth").select_option(label="Female")
    book.get_by_label("Clinician").select_option(label="Chris Morgan (Clinician)")
    booked_for = (today + timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    book.get_by_label("Date and time").fill(booked_for)
    refused = click_and_wait(advisor, book.get_by_role("button", name="Book assessment"))
    assert refused.status == 400
    assert ("Enter the person's date of birth; the patient record needs it."
            in advisor.get_by_test_id("book-form").inner_text())
    assert book.get_by_label("Clinician").locator("option:checked").inner_text() == (
        "Chris Morgan (Clinician)")
    assert book.get_by_label("Date and time").input_value() == booked_for
    browse.check(advisor, "book an assessment with errors")
    enquiry.refresh_from_db()
    assert enquiry.patient is None and not Assessment.objects.filter(enquiry=enquiry).exists()

    book.get_by_label("Date of birth").fill(DATE_OF_BIRTH)
    click_and_wait(advisor, book.get_by_role("button", name="Book assessment"))
    advisor.wait_for_url(f"**/intake/enquiries/{enquiry.uuid}/")
    assert "Assessment booked with Chris Morgan." in advisor.inner_text("main")
    assert advisor.get_by_test_id("enquiry-stage").text_content().strip() == (
        "Assessment booked")
    assert "with Chris Morgan (booked)" in advisor.get_by_test_id(
        "enquiry-assessments").inner_text()
    enquiry.refresh_from_db()
    patient = enquiry.patient
    assert patient is not None and patient.legal_family_name == FAMILY
    assert f"MRN {patient.mrn}" in advisor.get_by_test_id("enquiry-patient").inner_text()
    episode = patient.episodes.get(closed_at__isnull=True)
    assert episode.level_of_care == LevelOfCare.ASSESSMENT
    assessment = Assessment.objects.get(enquiry=enquiry)
    assert assessment.assessor.username == "clinician" and assessment.episode == episode
    assert patient.care_team.filter(user__username="clinician").exists()
    browse.check(advisor, "enquiry detail (assessment booked)")

    # 4. The clinician finds the new patient on their caseload and opens the assessment.
    staff = browse.new_page()
    browse.sign_in(staff, "clinician")
    staff.get_by_label("Search my caseload by name, MRN or date of birth").fill(patient.mrn)
    click_and_wait(staff, staff.get_by_role("button", name="Search"))
    row = staff.get_by_test_id("caseload-table").locator("tbody tr")
    assert row.count() == 1
    click_and_wait(staff, row.get_by_role("link", name=NAME))
    staff.wait_for_url(f"**/patients/{patient.uuid}/")
    tabs = staff.get_by_role("navigation", name="Patient record sections")
    click_and_wait(staff, tabs.get_by_role("link", name="Assessment", exact=True))
    staff.wait_for_url(f"**/patients/{patient.uuid}/assessments/")
    listed = staff.get_by_test_id("assessment-list").locator("tbody tr")
    assert listed.count() == 1 and "Chris Morgan" in listed.inner_text()
    browse.check(staff, "assessment list")
    click_and_wait(staff, listed.get_by_role("link").first)
    assessment_url = f"/patients/{patient.uuid}/assessments/{assessment.uuid}/"
    staff.wait_for_url(f"**{assessment_url}")
    assert "Status: Booked" in staff.get_by_test_id("assessment-status").inner_text()
    browse.check(staff, "assessment form")

    # 5. They record the history, other substances and the six dimensions, and save a draft.
    staff.get_by_label("Age at first use").fill("22")
    staff.get_by_label("Years of use").fill("3")
    staff.get_by_label("Days a week it is used").fill("6")
    staff.get_by_label("Typical grams per using day").fill("1.5")
    staff.get_by_label("Usual route").select_option(label="Snorted (nasal)")
    staff.get_by_label("Binges (days of repeated large doses)").select_option(label="Yes")
    staff.get_by_label("K-holes", exact=True).select_option(label="No")
    staff.get_by_label("Last use", exact=True).fill(
        (today - timedelta(days=3)).isoformat())
    staff.get_by_label("Alcohol: how often").select_option(label="Daily")
    staff.get_by_label("Alcohol: notes").fill("About a bottle of wine a day.")
    staff.get_by_label("Housing", exact=True).fill("Rents a flat with a partner.")
    for number, rating in {"1": "2", "2": "1", "3": "1", "4": "2", "5": "1", "6": "0"}.items():
        staff.locator(f"#id_dimension_{number}_rating").select_option(rating)
    staff.get_by_label("Dimension 1: notes").fill("Drinks daily: alcohol withdrawal risk.")
    staff.get_by_label("Clinician's summary").fill("Ketamine most days, alcohol daily.")
    click_and_wait(staff, staff.get_by_role("button", name="Save draft"))
    staff.wait_for_url(f"**{assessment_url}")
    assert "Draft saved." in staff.inner_text("main")
    assert "Status: In progress" in staff.get_by_test_id("assessment-status").inner_text()
    warning = staff.get_by_test_id("codependence-warning")
    assert "Alcohol used daily" in warning.inner_text()
    assert staff.get_by_label("Days a week it is used").input_value() == "6"
    browse.check(staff, "assessment form with a draft")

    # 6. The DSM-5 checklist, given from the assessment's instrument table.
    dsm_row = staff.get_by_test_id("instrument-dsm5-ketamine")
    assert "Not given" in dsm_row.inner_text()
    click_and_wait(staff, dsm_row.get_by_role("link", name="Give now"))
    staff.wait_for_url(f"**/patients/{patient.uuid}/measures/new/dsm5-ketamine/")
    for n in range(1, 11):
        _choose_radio(staff, f"item_{n}-{1 if str(n) in DSM_YES else 0}")
    click_and_wait(staff, staff.get_by_role("button", name="Submit", exact=True))
    staff.wait_for_url(f"**/patients/{patient.uuid}/measures/responses/*/**")

    staff.goto(assessment_url)
    dsm_row = staff.get_by_test_id("instrument-dsm5-ketamine")
    assert dsm_row.locator("td[data-label=Score]").inner_text().strip() == str(len(DSM_YES))
    # The draft is still there, and completing it leads to the placement recommendation.
    assert staff.get_by_label("Alcohol: how often").locator("option:checked").inner_text() == (
        "Daily")
    click_and_wait(staff, staff.get_by_role("button", name="Complete assessment"))
    placement_url = f"{assessment_url}placement/"
    staff.wait_for_url(f"**{placement_url}")
    assert "Assessment completed." in staff.inner_text("main")
    assessment.refresh_from_db()
    assert assessment.status == "completed"

    # 7. The recommendation names every rule that fired, with its reason.
    assert staff.get_by_test_id("recommended-level").inner_text() == RECOMMENDED_NAME
    fired = staff.get_by_test_id("fired-rules")
    rules = fired.locator("li[data-rule]")
    assert sorted(rules.evaluate_all("els => els.map(e => e.dataset.rule)")) == [
        "P1", "P11", "P12"]
    p1 = fired.locator("li[data-rule=P1]").inner_text()
    assert "Co-dependence that needs its own withdrawal management" in p1
    assert RECOMMENDED_NAME in p1
    assert "Alcohol used daily: this co-dependence needs its own withdrawal scale" in p1
    assert "Uses ketamine 6 days a week (5 or more)." in fired.locator(
        "li[data-rule=P11]").inner_text()
    assert "DSM-5 ketamine checklist: 4 of 10 criteria met (moderate, 4-5)." in fired.locator(
        "li[data-rule=P12]").inner_text()
    cautions = staff.get_by_test_id("cautions").inner_text()
    assert "No C-SSRS screener since the assessment was booked" in cautions
    assert "Alcohol" in cautions  # manage alcohol withdrawal with its own scale
    assert "not the ASAM Criteria" in staff.get_by_test_id("recommendation").inner_text()
    assert "No placement decided yet." in staff.get_by_test_id("placement-history").inner_text()
    browse.check(staff, "placement recommendation")

    # 8. A different level without a reason is refused, and the choice is kept.
    _choose_radio(staff, f"level-{CHOSEN}")
    placement_form = staff.get_by_test_id("placement-form")
    refused = click_and_wait(staff, placement_form.get_by_role("button",
                                                               name="Confirm placement"))
    assert refused.status == 400
    error = staff.locator("#id_override_reason_error")
    assert error.inner_text() == (
        f"You chose {CHOSEN_NAME.lower()} instead of the recommended "
        f"{RECOMMENDED_NAME.lower()}: say why, in at least 10 characters.")
    assert staff.locator(f"#level-{CHOSEN}").is_checked()
    assert not Placement.objects.filter(assessment=assessment).exists()
    browse.check(staff, "placement refused without a reason")

    # 9. With a reason, the override is recorded.
    staff.get_by_label("Why a different level").fill(OVERRIDE_REASON)
    click_and_wait(staff, staff.get_by_test_id("placement-form").get_by_role(
        "button", name="Confirm placement"))
    staff.wait_for_url(f"**{placement_url}#placement-history")
    assert f"Placement recorded: {CHOSEN_NAME}." in staff.inner_text("main")
    history_rows = staff.get_by_test_id("placement-history").locator("tbody tr")
    assert history_rows.count() == 1
    decided = history_rows.first
    assert "Chris Morgan" in decided.locator("td[data-label=Decided]").inner_text()
    assert decided.locator("td[data-label=Recommended]").inner_text() == RECOMMENDED_NAME
    chosen_cell = decided.locator("td[data-label=Chosen]")
    assert CHOSEN_NAME in chosen_cell.inner_text()
    assert chosen_cell.locator(".usa-tag").text_content().strip() == "Override"
    assert decided.locator("td[data-label='Why a different level']").inner_text() == (
        OVERRIDE_REASON)
    assert decided.locator("td[data-label=Rules]").inner_text().startswith("P1, P11, P12")
    browse.check(staff, "placement recorded")
    decision = Placement.objects.get(assessment=assessment)
    assert decision.chosen_level == CHOSEN and decision.recommended_level == (
        LevelOfCare.WITHDRAWAL)
    assert decision.override_reason == OVERRIDE_REASON and decision.overridden

    # 10. The episode of care is now at the chosen level.
    click_and_wait(staff, staff.get_by_role("navigation", name="Patient record sections")
                   .get_by_role("link", name="Episodes of care", exact=True))
    staff.wait_for_url(f"**/patients/{patient.uuid}/episodes/")
    current = staff.locator(f"#episode-{episode.uuid}")
    assert current.inner_text().endswith(f"(open): {CHOSEN_NAME}")
    levels = staff.locator(f"section[aria-labelledby='episode-{episode.uuid}'] ol li")
    assert levels.count() == 2
    assert "Assessment" in levels.nth(0).inner_text()
    assert (f"{CHOSEN_NAME} (Placement after assessment: {CHOSEN_NAME.lower()} "
            f"(recommended {RECOMMENDED_NAME.lower()}; ") in levels.nth(1).inner_text()
    browse.check(staff, "episodes after placement")
    episode.refresh_from_db()
    assert episode.level_of_care == CHOSEN and episode.is_open

    # 11. The advisor sees the enquiry admitted, by the clinician's placement.
    click_and_wait(advisor, advisor.get_by_role("link", name="Back to enquiries"))
    advisor.get_by_test_id("enquiry-filters").get_by_label("Stage").select_option(
        label="Admitted")
    click_and_wait(advisor, advisor.get_by_role("button", name="Apply filters"))
    assert "stage=admitted" in advisor.url
    admitted = advisor.get_by_test_id("enquiry-row").filter(has_text=NAME)
    assert admitted.count() == 1
    assert admitted.locator("td[data-label=Stage]").inner_text().startswith("Admitted")
    click_and_wait(advisor, admitted.get_by_role("link", name=NAME))
    advisor.wait_for_url(f"**/intake/enquiries/{enquiry.uuid}/")
    assert advisor.get_by_test_id("enquiry-stage").text_content().strip() == "Admitted"
    last = _stage_rows(advisor)[-1]
    assert "Assessment booked → Admitted" in last and "Chris Morgan" in last
    assert f"Placed at {CHOSEN_NAME.lower()} after assessment" in last
    assert "its stage no longer changes" in advisor.inner_text("main")
    assert advisor.get_by_test_id("stage-form").count() == 0
    assert "with Chris Morgan (completed)" in advisor.get_by_test_id(
        "enquiry-assessments").inner_text()
    browse.check(advisor, "enquiry detail (admitted)")
    enquiry.refresh_from_db()
    assert enquiry.stage == Stage.ADMITTED
