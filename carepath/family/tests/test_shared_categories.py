"""What each category shows, and the redisclosure notice on every disclosed page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carepath.measures.models import Response
from carepath.treatment.models.notes import ClinicalNote, NoteStatus
from carepath.treatment.models.sessions import Attendance, Session

from .sharing_support import category_url, record_url, share, signed_in, verified_supporter

pytestmark = pytest.mark.django_db

PART2_SHORT = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
EVERY_PAGE = ["attendance", "milestones", "appointments", "clinical_notes", "measures"]


@pytest.fixture
def sam(make_user):
    return verified_supporter(make_user)


@pytest.fixture
def sam_client(sam):
    return signed_in(sam)


def add_note(patient, author, *, part2, text, title="Session note"):
    return ClinicalNote.objects.create(
        patient=patient, author=author, template="free", title=title,
        sections={"text": text}, part2_protected=part2, status=NoteStatus.SIGNED,
        signed_at=timezone.now())


def disclosed_pages(client, patient, categories):
    urls = [record_url(patient)] + [category_url(patient, c) for c in categories]
    urls.append(f"/family/people/{patient.uuid}/encourage/")
    return [(url, client.get(url)) for url in urls]


@pytest.mark.parametrize("regime", ["42cfr2", "uk_gdpr"])
def test_every_disclosed_page_carries_the_redisclosure_notice(patient, sam, sam_client,
                                                              regime):
    share(patient, sam, [*EVERY_PAGE, "encouragement"], regime=regime,
          purpose="So my sister can cheer me on")
    for url, response in disclosed_pages(sam_client, patient, EVERY_PAGE):
        assert response.status_code == 200, url
        page = response.content.decode()
        assert 'data-testid="redisclosure"' in page, url
        if regime == "42cfr2":
            assert PART2_SHORT in page, url
        else:
            assert PART2_SHORT not in page, url
            assert "with their consent" in page and "must not pass it on" in page, url
            assert "So my sister can cheer me on" in page, url


def test_the_counselling_notes_page_carries_the_notice_too(patient, clinician, sam,
                                                           sam_client):
    add_note(patient, clinician, part2=True, text="Counselling content")
    share(patient, sam, ["counselling_notes"], regime="42cfr2")
    page = sam_client.get(category_url(patient, "counselling_notes")).content.decode()
    assert "Counselling content" in page and PART2_SHORT in page


def test_part2_protected_notes_never_appear_under_clinical_notes(patient, clinician, sam,
                                                                 sam_client):
    add_note(patient, clinician, part2=False, text="General progress note")
    add_note(patient, clinician, part2=True, text="Counselling content")
    share(patient, sam, ["clinical_notes"])
    page = sam_client.get(category_url(patient, "clinical_notes")).content.decode()
    assert "General progress note" in page
    assert "Counselling content" not in page


def test_counselling_notes_need_a_consent_naming_them(patient, clinician, sam, sam_client):
    add_note(patient, clinician, part2=True, text="Counselling content")
    share(patient, sam, ["clinical_notes", "measures"])
    response = sam_client.get(category_url(patient, "counselling_notes"))
    assert response.status_code == 403
    assert "Counselling content" not in response.content.decode()
    share(patient, sam, ["counselling_notes"])
    response = sam_client.get(category_url(patient, "counselling_notes"))
    assert response.status_code == 200
    assert "Counselling content" in response.content.decode()


def test_draft_notes_are_never_shown(patient, clinician, sam, sam_client):
    ClinicalNote.objects.create(patient=patient, author=clinician, template="free",
                                sections={"text": "Unsigned draft"}, part2_protected=False)
    share(patient, sam, ["clinical_notes"])
    assert "Unsigned draft" not in sam_client.get(
        category_url(patient, "clinical_notes")).content.decode()


def test_measures_show_name_date_score_and_band_not_answers(patient, sam, sam_client):
    Response.objects.create(
        organisation=patient.organisation, patient=patient, instrument_id="gad-7",
        instrument_version="1", status=Response.Status.SUBMITTED, mode="self_report",
        answers={"1": 3}, total=12, band="moderate", submitted_at=timezone.now())
    share(patient, sam, ["measures"])
    page = sam_client.get(category_url(patient, "measures")).content.decode()
    assert "Generalized Anxiety Disorder-7 (GAD-7)" in page
    assert "<td>12</td>" in page and "moderate" in page
    assert "answers" not in page.lower().replace("the answers themselves are not shared", "")


def test_appointments_show_upcoming_time_and_kind_only(patient, clinician, sam, sam_client):
    start = timezone.now() + timedelta(days=2)
    session = Session.objects.create(
        organisation=patient.organisation, session_type="relapse_prevention",
        format="group", title="Secret group name", starts_at=start,
        ends_at=start + timedelta(hours=1), clinician=clinician, created_by=clinician)
    Attendance.objects.create(session=session, patient=patient)
    share(patient, sam, ["appointments"])
    page = sam_client.get(category_url(patient, "appointments")).content.decode()
    assert "Relapse prevention" in page
    assert "Secret group name" not in page


def test_milestones_show_positive_facts_only(patient, sam, sam_client):
    share(patient, sam, ["milestones"])
    page = sam_client.get(category_url(patient, "milestones")).content.decode()
    assert "days in recovery" in page
    assert "last use" not in page.lower()


def test_milestones_show_completions_but_never_an_early_ending(patient, clinician, sam,
                                                               sam_client):
    from datetime import date

    from carepath.patients.models import EpisodeOfCare
    from carepath.treatment.models.discharge import Discharge
    from carepath.treatment.models.programmes import Enrolment, Programme

    programme = Programme.objects.create(organisation=patient.organisation, name="Day Steps",
                                         level_of_care="outpatient", duration_days=84)
    ended = Programme.objects.create(organisation=patient.organisation, name="Residential",
                                     level_of_care="outpatient", duration_days=28)
    first, second = (EpisodeOfCare.objects.create(patient=patient, reason="Referral",
                                                  level_of_care="outpatient")
                     for _ in range(2))
    Enrolment.objects.create(patient=patient, episode=first, programme=programme,
                             starts_on=date(2025, 1, 6), ends_on=date(2025, 3, 30),
                             status="completed", enrolled_by=clinician)
    Enrolment.objects.create(patient=patient, episode=second, programme=ended,
                             starts_on=date(2025, 5, 1), ends_on=date(2025, 5, 29),
                             status="ended_early", enrolled_by=clinician)
    Discharge.objects.create(patient=patient, episode=second, reason="against_advice",
                             discharged_on=date(2025, 5, 10), summary="Left",
                             created_by=clinician, signed_by=clinician,
                             signed_at=timezone.now())
    share(patient, sam, ["milestones"])
    page = sam_client.get(category_url(patient, "milestones")).content.decode()
    assert "Completed the Day Steps programme" in page
    assert "Residential" not in page
    assert "against" not in page.lower()
