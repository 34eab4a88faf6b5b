"""The anti-brokering report: by service, counts and declared affiliations, no people."""

import csv
import io
from datetime import timedelta

import pytest

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.directory import queries_referrals as queries
from carepath.directory.actions_referrals import change_referral_status
from carepath.directory.models import ReferralStatusChange

from .test_referral_support import make_service, refer

pytestmark = pytest.mark.django_db
URL = "/directory/referrals/report/"


@pytest.fixture
def referrals(clinician, make_patient, make_user, other_org):
    lantern = make_service(name="Lantern House", town="Leeds")
    quay = make_service(name="Quayside Clinic")
    admitted = []
    for days in (4, 10):
        r = refer(clinician, make_patient(), service=lantern)
        for status in ("acknowledged", "assessed", "admitted"):
            r = change_referral_status(ctx_for(clinician), r, status)
        ReferralStatusChange.objects.filter(referral=r, to_status="admitted").update(
            changed_at=r.sent_at + timedelta(days=days))
        admitted.append(r)
    change_referral_status(ctx_for(clinician),
                           refer(clinician, make_patient(), service=lantern), "declined")
    refer(clinician, make_patient(), service=lantern, affiliation="organisational",
          affiliation_details="Run by our own group")
    refer(clinician, make_patient(), service=quay)
    # Another organisation's referral to the same service is not in this report.
    stranger = make_user(Role.INTAKE_ADVISOR, organisation=other_org)
    refer(stranger, None, service=lantern, affiliation="financial",
          affiliation_details="Pays us per referral")
    return lantern, quay


def test_the_report_counts_by_service_and_status(clinician, referrals):
    lantern, quay = referrals
    lines = {line.name: line for line in queries.referral_report(clinician.organisation_id)}
    assert set(lines) == {"Lantern House", "Quayside Clinic"}
    line = lines["Lantern House"]
    assert line.sent == 4
    assert (line.count("admitted"), line.count("declined"), line.count("sent")) == (2, 1, 1)
    assert line.affiliated == 1 and line.affiliations[0][1] == "Run by our own group"
    assert "Organisational" in line.affiliations[0][0]
    assert line.all_attested
    assert line.median_days_to_admission == 7.0
    assert lines["Quayside Clinic"].sent == 1
    assert lines["Quayside Clinic"].median_days_to_admission is None


def test_the_page_names_services_and_counts_but_no_people(supervisor, clinician, referrals,
                                                          make_patient):
    response = verified_client(supervisor).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lantern House" in page and "Run by our own group" in page
    assert "Pays us per referral" not in page  # another organisation's declaration
    assert "Rivera" not in page and "TS0" not in page  # no names, no MRNs
    assert AuditEvent.objects.filter(object_type="directory.referral_report",
                                     action="read", actor=supervisor).exists()


def test_the_csv_download_has_one_row_per_service(administrator, referrals):
    response = verified_client(administrator).get(URL + "?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    lantern = next(r for r in rows if r["service"] == "Lantern House")
    assert (lantern["referrals_sent"], lantern["now_admitted"],
            lantern["declared_affiliations"]) == \
        ("4", "2", "1")
    assert lantern["all_attested_no_fee"] == "yes"
    assert lantern["median_days_sent_to_admitted"] == "7.0"
    assert AuditEvent.objects.filter(object_type="directory.referral_report",
                                     action="export").exists()


def test_the_report_is_for_supervisors_and_administrators(clinician, make_user, referrals):
    assert verified_client(clinician).get(URL).status_code == 403
    assert verified_client(make_user(Role.INTAKE_ADVISOR)).get(URL).status_code == 403


def test_a_date_range_narrows_the_report(supervisor, referrals):
    from django.utils import timezone

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = verified_client(supervisor).get(URL + f"?from={tomorrow}")
    assert 'data-testid="report-row"' not in response.content.decode()
