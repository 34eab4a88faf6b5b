"""The supporter's window: only consented categories, refused and audited otherwise,
decided afresh on every request."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carepath.audit.models import AuditEvent
from carepath.patients.models import Consent
from carepath.treatment.models.sessions import Attendance, AttendanceStatus, Session

from .sharing_support import (
    allowed_reads,
    category_url,
    denied_events,
    record_url,
    share,
    signed_in,
    verified_supporter,
)

pytestmark = pytest.mark.django_db

OTHER_CATEGORIES = ["milestones", "appointments", "clinical_notes", "measures",
                    "counselling_notes"]


@pytest.fixture
def sam(make_user):
    return verified_supporter(make_user)


@pytest.fixture
def sam_client(sam):
    return signed_in(sam)


def add_attendance(patient, clinician, *, days_ago=3, status=AttendanceStatus.ATTENDED,
                   session_type="cbt"):
    start = timezone.now() - timedelta(days=days_ago)
    session = Session.objects.create(
        organisation=patient.organisation, session_type=session_type, format="individual",
        title="Private title", starts_at=start, ends_at=start + timedelta(hours=1),
        clinician=clinician, created_by=clinician)
    return Attendance.objects.create(session=session, patient=patient, status=status)


def test_a_supporter_with_no_consent_gets_nothing(patient, sam, sam_client):
    for url, category in [(record_url(patient), "record"),
                          (category_url(patient, "attendance"), "attendance")]:
        response = sam_client.get(url)
        assert response.status_code == 403
        page = response.content.decode()
        assert patient.legal_given_name not in page
        assert patient.legal_family_name not in page
        assert "not given to you, or it has ended" in page
        assert denied_events(patient, category, sam).count() == 1
    assert not allowed_reads(patient, "attendance").exists()


def test_attendance_only_sees_attendance_and_nothing_else(patient, clinician, sam,
                                                          sam_client):
    add_attendance(patient, clinician, status=AttendanceStatus.ATTENDED)
    add_attendance(patient, clinician, days_ago=10, status=AttendanceStatus.NO_SHOW)
    share(patient, sam, ["attendance"])

    page = sam_client.get(category_url(patient, "attendance"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Attended" in text and "Did not attend" in text
    assert "Cognitive behavioural therapy" in text
    assert "Private title" not in text
    assert patient.legal_family_name not in text
    read = allowed_reads(patient, "attendance", sam).get()
    consent = Consent.objects.get(patient=patient)
    assert read.details["basis"] == "supporter_consent"
    assert read.details["consents"] == [str(consent.uuid)]

    for category in OTHER_CATEGORIES:
        response = sam_client.get(category_url(patient, category))
        assert response.status_code == 403, category
        assert denied_events(patient, category, sam).count() == 1, category
    assert sam_client.get(f"/family/people/{patient.uuid}/encourage/").status_code == 403
    assert denied_events(patient, "encouragement", sam).count() == 1

    record = sam_client.get(record_url(patient)).content.decode()
    assert 'data-category="attendance"' in record
    for category in ["encouragement", *OTHER_CATEGORIES]:
        assert f'data-category="{category}"' not in record


def test_revocation_takes_effect_on_the_very_next_request(patient, clinician, sam, sam_client):
    add_attendance(patient, clinician)
    consent = share(patient, sam, ["attendance"])
    assert sam_client.get(category_url(patient, "attendance")).status_code == 200
    Consent.objects.filter(pk=consent.pk).update(revoked_at=timezone.now())
    response = sam_client.get(category_url(patient, "attendance"))
    assert response.status_code == 403
    assert "Attended" not in response.content.decode()
    assert denied_events(patient, "attendance", sam).get().details["reason"] == \
        "no_consent_for_category"


def test_an_expired_consent_is_refused(patient, sam, sam_client):
    share(patient, sam, ["attendance"], starts=-31, days=30)  # ended yesterday
    assert sam_client.get(category_url(patient, "attendance")).status_code == 403
    assert sam_client.get(record_url(patient)).status_code == 403
    assert denied_events(patient, "attendance", sam).exists()


def test_a_consent_not_yet_started_is_refused(patient, sam, sam_client):
    share(patient, sam, ["attendance"], starts=1)
    assert sam_client.get(category_url(patient, "attendance")).status_code == 403
    assert denied_events(patient, "attendance", sam).exists()


def test_a_consent_for_someone_else_gives_this_supporter_nothing(patient, make_user, sam,
                                                                 sam_client):
    share(patient, verified_supporter(make_user), ["attendance", "milestones"])
    assert sam_client.get(category_url(patient, "attendance")).status_code == 403
    assert sam_client.get(record_url(patient)).status_code == 403


def test_staff_and_patients_are_not_supporters(patient, clinician, as_user):
    response = as_user(clinician).get(category_url(patient, "attendance"))
    assert response.status_code == 403
    assert denied_events(patient, "attendance", clinician).get().details["reason"] == \
        "not_a_supporter"


def test_an_unknown_category_is_refused_and_audited(patient, sam, sam_client):
    share(patient, sam, ["attendance"])
    assert sam_client.get(category_url(patient, "diagnosis")).status_code == 403
    assert denied_events(patient, "unknown", sam).exists()


def test_only_the_preferred_or_given_name_is_shown(make_patient, sam, sam_client):
    patient = make_patient(legal_given_name="Robin", legal_family_name="Quintero",
                           preferred_name="Robbie")
    share(patient, sam, ["attendance"])
    text = sam_client.get(record_url(patient)).content.decode()
    assert "Robbie" in text
    assert "Quintero" not in text and "Robin" not in text


def test_the_attendance_page_takes_the_same_queries_for_1_or_30_rows(patient, clinician,
                                                                     sam, sam_client):
    share(patient, sam, ["attendance"])
    add_attendance(patient, clinician)
    url = category_url(patient, "attendance")
    with CaptureQueriesContext(connection) as one:
        assert sam_client.get(url).status_code == 200
    for n in range(29):
        add_attendance(patient, clinician, days_ago=4 + n)
    with CaptureQueriesContext(connection) as many:
        assert sam_client.get(url).status_code == 200
    assert len(many) == len(one)
    assert AuditEvent.objects.filter(object_type="family.shared_attendance").count() == 2
