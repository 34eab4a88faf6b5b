"""Waitlists: one open entry per patient and service, removal with a reason, and a
service's list that names only the patients the reader may see."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.directory.actions_referrals import add_to_waitlist, remove_from_waitlist
from carepath.directory.models import WaitlistEntry

from .test_referral_support import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_house():
    return make_service(name="Lantern House", offers_residential=True, places_available=0)


def _add(user, patient, service, level="residential"):
    return add_to_waitlist(ctx_for(user), service=service, patient=patient, level_of_care=level)


def test_adding_twice_returns_the_same_open_entry(clinician, patient, full_house):
    first = _add(clinician, patient, full_house)
    second = _add(clinician, patient, full_house)
    assert first.pk == second.pk and WaitlistEntry.objects.count() == 1
    event = AuditEvent.objects.get(object_type="directory.waitlistentry", action="create")
    assert event.patient_uuid == patient.uuid


def test_after_leaving_a_patient_can_be_added_again(clinician, patient, full_house):
    first = _add(clinician, patient, full_house)
    remove_from_waitlist(ctx_for(clinician), first, reason="Declined the place")
    assert _add(clinician, patient, full_house).pk != first.pk


def test_removal_needs_a_reason_and_happens_once(clinician, patient, full_house):
    entry = _add(clinician, patient, full_house)
    with pytest.raises(ValidationError) as exc:
        remove_from_waitlist(ctx_for(clinician), entry, reason="  ")
    assert "reason" in exc.value.message_dict
    remove_from_waitlist(ctx_for(clinician), entry, reason="Admitted")
    with pytest.raises(ValidationError) as exc:
        remove_from_waitlist(ctx_for(clinician), entry, reason="Admitted")
    assert "already taken off" in exc.value.message_dict["reason"][0]
    assert AuditEvent.objects.filter(object_type="directory.waitlistentry", action="update",
                                     patient_uuid=patient.uuid).count() == 1


def test_a_level_the_service_does_not_offer_is_refused(clinician, patient, full_house):
    with pytest.raises(ValidationError) as exc:
        _add(clinician, patient, full_house, level="withdrawal")
    assert "does not offer" in exc.value.message_dict["level_of_care"][0]


def test_someone_without_access_may_not_add_or_remove(clinician, outsider, patient,
                                                      full_house):
    with pytest.raises(PermissionDenied):
        _add(outsider, patient, full_house)
    entry = _add(clinician, patient, full_house)
    with pytest.raises(PermissionDenied):
        remove_from_waitlist(ctx_for(outsider), entry, reason="tidy up")
    assert WaitlistEntry.objects.get().removed_at is None


def test_the_service_page_lists_visible_patients_oldest_first_and_counts_the_rest(
        clinician, outsider, make_patient, full_house):
    older, newer = make_patient(), make_patient()
    _add(clinician, older, full_house)
    _add(clinician, newer, full_house)
    _add(outsider, make_patient(by=outsider), full_house)  # not on clinician's caseload
    page = verified_client(clinician).get(
        f"/directory/services/{full_house.uuid}/waitlist/").content.decode()
    assert page.count('data-testid="waitlist-row"') == 2
    assert page.index(older.legal_family_name) < page.index(newer.legal_family_name)
    assert "1 other person from your organisation is waiting" in page
    event = AuditEvent.objects.filter(action="list", object_type="directory.waitlistentry").last()
    assert sorted(event.details["patients_shown"]) == sorted([str(older.uuid), str(newer.uuid)])


def test_removing_from_the_service_page(clinician, patient, full_house):
    entry = _add(clinician, patient, full_house)
    client = verified_client(clinician)
    refused = client.post(f"/directory/waitlist/{entry.uuid}/remove/", {"reason": ""},
                          follow=True)
    assert b"Say why this person is leaving the waitlist" in refused.content
    response = client.post(f"/directory/waitlist/{entry.uuid}/remove/", {"reason": "Admitted"})
    assert response.status_code == 302
    assert response["Location"] == f"/directory/services/{full_house.uuid}/waitlist/"
    assert WaitlistEntry.objects.get().removed_reason == "Admitted"


def test_an_outsider_cannot_remove_through_the_page(clinician, outsider, patient, full_house):
    entry = _add(clinician, patient, full_house)
    response = verified_client(outsider).post(f"/directory/waitlist/{entry.uuid}/remove/",
                                              {"reason": "Admitted"})
    assert response.status_code == 403 and WaitlistEntry.objects.get().removed_at is None


def test_the_chart_tab_shows_the_patients_waitlists(clinician, patient, full_house):
    _add(clinician, patient, full_house)
    page = verified_client(clinician).get(f"/patients/{patient.uuid}/referrals/").content
    assert b"Lantern House" in page and b"Waiting" in page
