"""The Assessment tab: list and book, the form (drafts keep what was typed, errors name
the field, completed is read-only), the placement page, access and query counts."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.directory.models import WaitlistEntry
from carepath.intake import actions_assessment as actions
from carepath.intake.models import Assessment, AssessmentStatus, Placement
from carepath.patients.models import LevelOfCare as L

from .test_assessment_actions import CSSRS_NONE, DSM_MILD, book, complete_data, give
from .test_placement_decision import service

pytestmark = pytest.mark.django_db


def list_url(patient):
    return f"/patients/{patient.uuid}/assessments/"


def form_url(assessment):
    return f"/patients/{assessment.patient.uuid}/assessments/{assessment.uuid}/"


def placement_url(assessment):
    return form_url(assessment) + "placement/"


def form_post(**overrides) -> dict:
    """The whole form as a browser sends it, filled in enough to complete."""
    data = {"age_first_use": "19", "years_of_use": "4.5", "days_per_week": "3",
            "grams_per_using_day": "", "route": "snorted", "binges": "no", "k_holes": "no",
            "last_use": (timezone.localdate() - timedelta(days=2)).isoformat(),
            "summary": "", "substance_alcohol_frequency": "weekly",
            "substance_alcohol_notes": "Weekends", "social_housing": "Rents a flat"}
    for n in range(1, 7):
        data[f"dimension_{n}_rating"] = "1"
        data[f"dimension_{n}_notes"] = ""
    data.update(overrides)
    return data


def test_the_chart_has_an_assessment_tab_listing_assessments(patient, clinician):
    assessment = book(patient, clinician)
    client = verified_client(clinician)
    html = client.get(f"/patients/{patient.uuid}/").content.decode()
    assert f'href="{list_url(patient)}"' in html and ">Assessment<" in html
    response = client.get(list_url(patient))
    assert response.status_code == 200
    assert 'data-testid="assessment-list"' in response.content.decode()
    assert form_url(assessment) in response.content.decode()
    assert AuditEvent.objects.filter(object_type="intake.assessment", action="read",
                                     patient_uuid=patient.uuid).exists()


def test_booking_on_the_page_redirects_to_the_form_and_a_retry_books_once(patient,
                                                                          clinician):
    client = verified_client(clinician)
    page = client.get(list_url(patient)).content.decode()
    key = re.search(r'name="submission_key" value="([^"]+)"', page).group(1)
    data = {"assessor": clinician.pk, "booked_for": "2026-12-01T10:30",
            "submission_key": key}
    first = client.post(list_url(patient), data)
    again = client.post(list_url(patient), data)
    assessment = Assessment.objects.get(patient=patient)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == form_url(assessment)
    assert timezone.localtime(assessment.booked_for).hour == 10


def test_a_bad_booking_keeps_what_was_typed(patient, clinician):
    response = verified_client(clinician).post(list_url(patient), {
        "assessor": clinician.pk, "booked_for": "next tuesday"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the date and time of the assessment, such as 2026-03-14 10:30." in html
    assert 'value="next tuesday"' in html
    assert not Assessment.objects.exists()


def test_the_form_lists_the_instruments_with_give_now_links(patient, clinician):
    assessment = book(patient, clinician)
    give(patient, clinician, "dsm5-ketamine", DSM_MILD)
    html = verified_client(clinician).get(form_url(assessment)).content.decode()
    table = html[html.index('data-testid="instrument-results"'):]
    for instrument in ("dsm5-ketamine", "puf", "phq-9", "gad-7", "pc-ptsd-5",
                       "c-ssrs-screener", "readiness-ruler"):
        assert f'href="/patients/{patient.uuid}/measures/new/{instrument}/"' in table
    row = table[table.index('data-testid="instrument-dsm5-ketamine"'):]
    row = row[:row.index("</tr>")]
    assert "Mild (2-3)" in row and ">3<" in row
    assert "Not given" in table
    # Dimension 6 is labelled as not a risk rating.
    assert "barriers / preferences (not a risk rating)" in html


def test_save_draft_keeps_everything_typed_and_errors_name_the_field(patient, clinician):
    assessment = book(patient, clinician)
    response = verified_client(clinician).post(form_url(assessment), form_post(
        days_per_week="9", age_first_use="90", social_legal="Court date in May",
        action="draft"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Days per week must be a whole number from 0 to 7." in html
    assert "Court date in May" in html and 'value="9"' in html and 'value="90"' in html
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.BOOKED and assessment.social == {}


def test_an_age_at_first_use_above_the_current_age_is_refused_on_the_page(patient,
                                                                          clinician):
    assessment = book(patient, clinician)
    response = verified_client(clinician).post(form_url(assessment),
                                               form_post(age_first_use="60", action="draft"))
    assert response.status_code == 400
    assert "Age at first use (60) must be between 1 and the patient&#x27;s current age" \
        in response.content.decode()


def test_save_draft_stores_and_shows_the_co_dependence_warning(patient, clinician):
    assessment = book(patient, clinician)
    client = verified_client(clinician)
    response = client.post(form_url(assessment), form_post(
        substance_ghb_frequency="daily", action="draft"))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    assert assessment.other_substances["ghb"] == {"frequency": "daily", "notes": ""}
    html = client.get(form_url(assessment)).content.decode()
    assert 'data-testid="codependence-warning"' in html
    assert "GHB / GBL used daily: this co-dependence needs its own withdrawal scale and " \
           "level of care." in html


def test_complete_with_ratings_missing_saves_a_draft_and_says_what_is_missing(patient,
                                                                              clinician):
    assessment = book(patient, clinician)
    response = verified_client(clinician).post(form_url(assessment), form_post(
        dimension_4_rating="", action="complete"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Rate dimension 4 (Substance use-related risks) from 0 to 4 before completing." \
        in html
    assert "saved as a draft" in html
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_PROGRESS


def test_complete_then_the_placement_page_shows_the_rules_that_fired(patient, clinician):
    assessment = book(patient, clinician)
    give(patient, clinician, "dsm5-ketamine", DSM_MILD)
    client = verified_client(clinician)
    response = client.post(form_url(assessment), form_post(
        binges="yes", k_holes="yes", action="complete"))
    assert response.status_code == 302 and response["Location"] == placement_url(assessment)
    html = client.get(placement_url(assessment)).content.decode()
    fired = html[html.index('data-testid="fired-rules"'):]
    fired = fired[:fired.index("</ol>")]
    assert "P7: Binges with K-holes" in fired and "P12" in fired
    assert 'data-testid="recommended-level">Residential<' in html
    assert "not the ASAM Criteria" in html
    assert "suicide risk was not screened" in html  # no C-SSRS given: a caution


def test_a_completed_assessment_is_read_only_and_a_post_is_refused(patient, clinician):
    assessment = book(patient, clinician)
    actions.complete_assessment(ctx_for(clinician), assessment, complete_data())
    client = verified_client(clinician)
    html = client.get(form_url(assessment)).content.decode()
    assert 'data-testid="assessment-readonly"' in html and 'name="action"' not in html
    response = client.post(form_url(assessment), form_post(days_per_week="7",
                                                           action="draft"), follow=True)
    assert "can no longer be changed" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.days_per_week == 3


def _completed(patient, clinician):
    assessment = book(patient, clinician)
    give(patient, clinician, "dsm5-ketamine", DSM_MILD)
    give(patient, clinician, "c-ssrs-screener", CSSRS_NONE)
    actions.complete_assessment(ctx_for(clinician), assessment, complete_data())
    return assessment


def test_override_without_a_reason_keeps_the_choice_and_explains(patient, clinician):
    assessment = _completed(patient, clinician)
    response = verified_client(clinician).post(placement_url(assessment), {
        "decision": "choose", "chosen_level": "residential", "override_reason": "short"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "You chose residential instead of the recommended outpatient: say why" in html
    assert 'value="residential" checked' in html and ">short</textarea>" in html
    assert not Placement.objects.exists()


def test_override_with_a_reason_admits_at_that_level_and_shows_history(patient, clinician,
                                                                        org):
    assessment = _completed(patient, clinician)
    full = service(org, 0, residential=True)
    client = verified_client(clinician)
    response = client.post(placement_url(assessment), {
        "decision": "choose", "chosen_level": "residential", "service": str(full.uuid),
        "override_reason": "Lives with a dealer; needs to leave home."})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    history = page[page.index('data-testid="placement-history"'):]
    assert "Residential" in history and "Override" in history
    assert "Lives with a dealer" in history and "waiting list" in history
    assert patient.episodes.get().level_of_care == L.RESIDENTIAL
    assert WaitlistEntry.objects.filter(patient=patient, service=full).exists()


def test_accept_recommendation_needs_no_reason(patient, clinician):
    assessment = _completed(patient, clinician)
    response = verified_client(clinician).post(placement_url(assessment), {
        "decision": "accept", "chosen_level": "residential"})
    assert response.status_code == 302
    assert Placement.objects.get().chosen_level == L.OUTPATIENT


@pytest.mark.parametrize("which", ["list", "form", "placement"])
def test_someone_off_the_care_team_gets_403_and_it_is_audited(patient, clinician, outsider,
                                                              which):
    assessment = book(patient, clinician)
    url = {"list": list_url(patient), "form": form_url(assessment),
           "placement": placement_url(assessment)}[which]
    client = verified_client(outsider)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 403
        assert patient.legal_family_name.encode() not in response.content
    assert AuditEvent.objects.filter(outcome="denied", patient_uuid=patient.uuid).count() >= 2
    assert not Placement.objects.exists()


def test_the_assessment_page_runs_a_fixed_number_of_queries(patient, clinician,
                                                            django_assert_max_num_queries):
    assessment = book(patient, clinician)
    for instrument, answers in (("dsm5-ketamine", DSM_MILD), ("c-ssrs-screener", CSSRS_NONE)):
        give(patient, clinician, instrument, answers)
    client = verified_client(clinician)
    client.get(form_url(assessment))  # warm caches (session, definitions)
    with django_assert_max_num_queries(20):
        assert client.get(list_url(patient)).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(form_url(assessment)).status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(placement_url(assessment)).status_code == 200


def test_form_level_errors_name_the_field(patient, clinician):
    assessment = book(patient, clinician)
    response = verified_client(clinician).post(form_url(assessment), form_post(
        years_of_use="1234", grams_per_using_day="lots", last_use="yesterday",
        dimension_2_rating="7", action="draft"))
    html = response.content.decode()
    assert response.status_code == 400
    for message in ("Years of use must be between 0 and 80.",
                    "Typical grams per using day must be a number, such as 1.5.",
                    "Enter the date of last use, such as 2026-03-14.",
                    "Dimension 2: the rating must be from 0 to 4."):
        assert message in html, message
    assert 'data-testid="error-summary"' in html and 'href="#id_years_of_use"' in html
