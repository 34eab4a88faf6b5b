"""The chart's Referrals tab, the new-referral page and the status form."""

import re

import pytest

from carepath.audit.models import AuditEvent
from carepath.conftest import verified_client
from carepath.directory.models import Referral
from carepath.patients.views import TABS

from .test_referral_support import make_service, refer

pytestmark = pytest.mark.django_db


def _form(service, **fields):
    return {"service": str(service.uuid), "match_reason": "Nearest IOP with a place",
            "level_of_care": "intensive_outpatient", "affiliation": "none",
            "affiliation_details": "", "no_fee_attested": "on",
            "submission_key": "k-1", **fields}


def test_the_chart_has_a_referrals_tab():
    assert ("referrals", "Referrals", "directory:chart_referrals") in TABS


def test_the_tab_lists_referrals_with_history_and_waitlists(clinician, patient):
    referral = refer(clinician, patient, service=make_service(name="Lantern House"),
                     affiliation="financial", affiliation_details="We rent their rooms")
    client = verified_client(clinician)
    response = client.get(f"/patients/{patient.uuid}/referrals/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lantern House" in page and "We rent their rooms" in page
    assert f'data-testid="referral-history-{referral.uuid}"' in page
    assert 'data-testid="referral-status-form"' in page and "Not on any waitlist" in page
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid, action="read",
                                     object_type="directory.referral").exists()


def test_an_outsider_cannot_open_the_tab(outsider, patient):
    response = verified_client(outsider).get(f"/patients/{patient.uuid}/referrals/")
    assert response.status_code == 403
    assert patient.legal_family_name.encode() not in response.content


def test_the_service_search_finds_active_services_by_name_or_town(clinician, patient):
    make_service(name="Lantern House", town="Leeds")
    make_service(name="Quayside Clinic", town="Bristol")
    make_service(name="Closed Place", town="Leeds", active=False)
    client = verified_client(clinician)
    page = client.get(f"/patients/{patient.uuid}/referrals/new/?q=leeds").content.decode()
    assert "Lantern House" in page and "Quayside" not in page and "Closed Place" not in page
    page = client.get(f"/patients/{patient.uuid}/referrals/new/?q=quayside").content.decode()
    assert "Quayside Clinic" in page


def test_a_referral_made_on_the_page_is_recorded_once_even_if_posted_twice(clinician,
                                                                          patient):
    service = make_service()
    client = verified_client(clinician)
    url = f"/patients/{patient.uuid}/referrals/new/"
    first = client.post(url, _form(service))
    second = client.post(url, _form(service))  # a double click or a retry
    assert first.status_code == second.status_code == 302
    referral = Referral.objects.get()
    assert first["Location"].endswith(f"#referral-{referral.uuid}") and second["Location"] == \
        first["Location"]
    assert referral.patient == patient and referral.level_of_care == "intensive_outpatient"


def test_a_refused_form_keeps_what_was_typed_and_names_each_field(clinician, patient):
    service = make_service(name="Lantern House")
    client = verified_client(clinician)
    response = client.post(f"/patients/{patient.uuid}/referrals/new/", _form(
        service, match_reason="Closest with a young-adult group", affiliation="organisational",
        no_fee_attested=""))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Closest with a young-adult group" in page
    assert "Describe the affiliation" in page
    assert "CarePath records a referral only when no fee or commission was paid" in page
    assert re.search(rf'value="{service.uuid}"\s+checked', page)  # the chosen service kept
    assert re.search(r'value="organisational"\s+checked', page)
    assert not Referral.objects.exists()


def test_a_missing_service_is_named(clinician, patient):
    response = verified_client(clinician).post(f"/patients/{patient.uuid}/referrals/new/",
                                               {**_form(make_service()), "service": ""})
    assert response.status_code == 400
    assert "Choose the service you are referring to." in response.content.decode()


def test_an_outsider_cannot_refer_from_the_page(outsider, patient):
    response = verified_client(outsider).post(f"/patients/{patient.uuid}/referrals/new/",
                                              _form(make_service()))
    assert response.status_code == 403 and not Referral.objects.exists()


def test_the_status_form_moves_the_referral_and_refuses_a_wrong_step(clinician, patient):
    referral = refer(clinician, patient)
    client = verified_client(clinician)
    url = f"/patients/{patient.uuid}/referrals/{referral.uuid}/status/"
    assert client.post(url, {"status": "acknowledged"}).status_code == 302
    response = client.post(url, {"status": "admitted", "note": "they said yes"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "can next be assessed, declined, not admitted" in page
    assert "they said yes" in page  # the note typed is kept
    assert Referral.objects.get().status == "acknowledged"


def test_the_status_form_of_another_patients_referral_is_not_found(clinician, patient,
                                                                   make_patient):
    other = make_patient()
    referral = refer(clinician, other)
    response = verified_client(clinician).post(
        f"/patients/{patient.uuid}/referrals/{referral.uuid}/status/", {"status": "declined"})
    assert response.status_code == 404 and Referral.objects.get().status == "sent"


def test_a_closed_referral_shows_no_status_form(clinician, patient):
    from carepath.conftest import ctx_for
    from carepath.directory.actions_referrals import change_referral_status

    change_referral_status(ctx_for(clinician), refer(clinician, patient), "declined")
    page = verified_client(clinician).get(f"/patients/{patient.uuid}/referrals/").content
    assert b"This referral is closed" in page and b'data-testid="referral-status-form"' not in page


def test_the_tab_runs_a_fixed_number_of_queries(clinician, patient,
                                                django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from carepath.conftest import ctx_for
    from carepath.directory.actions_referrals import add_to_waitlist, change_referral_status

    client = verified_client(clinician)
    url = f"/patients/{patient.uuid}/referrals/"
    change_referral_status(ctx_for(clinician), refer(clinician, patient), "acknowledged")
    client.get(url)  # warm the session and device caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        change_referral_status(ctx_for(clinician), refer(clinician, patient), "acknowledged")
        add_to_waitlist(ctx_for(clinician), service=make_service(), patient=patient,
                        level_of_care="outpatient")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('data-testid="referral"') == 6
