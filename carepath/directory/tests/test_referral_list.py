"""The organisation's referral list: who sees which, filters, the overdue check."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.directory.actions_referrals import change_referral_status
from carepath.directory.models import Referral

from .test_referral_support import make_service, refer

pytestmark = pytest.mark.django_db
URL = "/directory/referrals/"


def _rows(response) -> int:
    return response.content.decode().count('data-testid="referral-row"')


def test_a_clinician_not_on_the_care_team_does_not_see_the_patients_referral(
        clinician, outsider, patient):
    refer(clinician, patient, service=make_service(name="Lantern House"))
    mine = verified_client(clinician).get(URL)
    assert _rows(mine) == 1 and patient.legal_family_name in mine.content.decode()
    theirs = verified_client(outsider).get(URL)
    assert theirs.status_code == 200 and _rows(theirs) == 0
    assert patient.legal_family_name not in theirs.content.decode()


def test_a_supervisor_sees_their_supervisees_referrals(clinician, supervisor, patient):
    refer(clinician, patient)
    assert _rows(verified_client(supervisor).get(URL)) == 1


def test_enquiry_referrals_are_listed_to_intake_staff_only(make_user, org):
    advisor = make_user(Role.INTAKE_ADVISOR)
    refer(advisor, None, service=make_service(name="Lantern House"))
    assert _rows(verified_client(advisor).get(URL)) == 1
    assert _rows(verified_client(make_user(Role.NURSE)).get(URL)) == 0


def test_another_organisations_referrals_are_never_listed(make_user, other_org, clinician,
                                                          patient):
    refer(clinician, patient)
    stranger = make_user(Role.SUPERVISOR, organisation=other_org)
    assert _rows(verified_client(stranger).get(URL)) == 0


def test_administrators_and_analysts_have_no_list(administrator, make_user):
    assert verified_client(administrator).get(URL).status_code == 403
    assert verified_client(make_user(Role.ANALYST)).get(URL).status_code == 403


def test_status_filter(clinician, make_patient):
    a, b = refer(clinician, make_patient()), refer(clinician, make_patient())
    change_referral_status(ctx_for(clinician), b, "declined")
    client = verified_client(clinician)
    assert _rows(client.get(URL + "?status=declined")) == 1
    assert _rows(client.get(URL + "?status=open")) == 1
    assert _rows(client.get(URL + "?status=sent")) == 1
    assert _rows(client.get(URL)) == 2
    assert a.uuid.hex not in client.get(URL + "?status=declined").content.decode()


def test_overdue_checks_are_shown_prominently_and_can_be_filtered(clinician, make_patient):
    late = refer(clinician, make_patient())
    Referral.objects.filter(pk=late.pk).update(check_due_at=timezone.now() - timedelta(days=2))
    refer(clinician, make_patient())
    closed = refer(clinician, make_patient())
    change_referral_status(ctx_for(clinician), closed, "declined")
    Referral.objects.filter(pk=closed.pk).update(check_due_at=timezone.now() - timedelta(days=2))
    client = verified_client(clinician)
    page = client.get(URL).content.decode()
    assert 'data-testid="overdue-checks"' in page and "1 referral overdue a status check" in page
    due = client.get(URL + "?due=1")
    assert _rows(due) == 1 and str(late.uuid) in due.content.decode()


def test_the_list_is_audited_with_the_patients_shown(clinician, patient):
    refer(clinician, patient)
    verified_client(clinician).get(URL)
    event = AuditEvent.objects.filter(action="list", object_type="directory.referral").last()
    assert event.details["patients_shown"] == [str(patient.uuid)]


def test_the_list_runs_a_fixed_number_of_queries(clinician, supervisor, make_patient,
                                                 make_user, django_assert_max_num_queries):
    advisor = make_user(Role.INTAKE_ADVISOR)
    # The supervisor sees both kinds: the supervisee's patients' and the enquiries'.
    client = verified_client(supervisor)
    for _ in range(3):
        refer(clinician, make_patient())
        refer(advisor, None)
    client.get(URL)  # warm the session and device caches
    with django_assert_max_num_queries(LIST_QUERIES) as small:
        client.get(URL)
    for _ in range(12):
        refer(clinician, make_patient())
        refer(advisor, None)
    with django_assert_max_num_queries(LIST_QUERIES) as large:
        response = client.get(URL)
    assert _rows(response) == 25
    assert len(small.captured_queries) == len(large.captured_queries)


LIST_QUERIES = 13  # session, user, device, list, overdue count, two audit events


def test_an_enquiry_referral_has_its_own_page_for_intake_staff(make_user):
    advisor = make_user(Role.INTAKE_ADVISOR)
    referral = refer(advisor, None, service=make_service(name="Lantern House"))
    client = verified_client(advisor)
    page = client.get(f"/directory/referrals/{referral.uuid}/")
    assert page.status_code == 200 and b"Lantern House" in page.content
    assert client.post(f"/directory/referrals/{referral.uuid}/",
                       {"status": "acknowledged"}).status_code == 302
    assert Referral.objects.get().status == "acknowledged"
    assert verified_client(make_user(Role.NURSE)).get(
        f"/directory/referrals/{referral.uuid}/").status_code == 403


def test_a_patients_referral_page_sends_you_to_the_guarded_chart(clinician, outsider, patient):
    referral = refer(clinician, patient)
    response = verified_client(outsider).get(f"/directory/referrals/{referral.uuid}/")
    assert response.status_code == 302
    assert response["Location"] == f"/patients/{patient.uuid}/referrals/#referral-{referral.uuid}"
