"""The contingency-management report by programme: what it counts, that it names nobody,
who may read it (audited either way), its dates, and a constant number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from carepath.accounts.models import Role
from carepath.audit.models import AuditEvent, Outcome
from carepath.conftest import verified_client
from carepath.incentives import queries_reports
from carepath.incentives.models import CMSchedule, Target
from carepath.patients.models import LevelOfCare
from carepath.treatment.models import Programme

from .reports_support import at, earning, redeemed, screen
from .rewards_support import enrol

pytestmark = pytest.mark.django_db
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def programme(org, name):
    return Programme.objects.create(organisation=org, name=name, duration_days=84,
                                    level_of_care=LevelOfCare.INTENSIVE_OUTPATIENT)


def enrolled(patient, org, schedule):
    enrolment = enrol(patient, org, schedule=schedule)
    enrolment.started_on = date(2026, 1, 5)
    enrolment.save(update_fields=["started_on"])
    return enrolment


def schedule(org, name, prog=None, kind="vouchers"):
    return CMSchedule.objects.create(organisation=org, programme=prog, name=name, kind=kind,
                                     targets=[Target.NEGATIVE_SCREEN, Target.ATTENDANCE])


def line(report, name):
    return next(ln for ln in report.lines if ln.programme == name)


def test_report_counts_screens_rates_earnings_and_cost_per_negative(org, make_patient):
    iop = schedule(org, "IOP vouchers", programme(org, "Intensive outpatient"))
    bowl = schedule(org, "Weekly bowl", programme(org, "Weekly outpatient"), "fishbowl")
    loose = schedule(org, "Pilot")  # no programme
    a = enrolled(make_patient(), org, iop)
    b = enrolled(make_patient(), org, iop)
    screen(a, "N", at(2026, 3, 2, 10), "2.50")
    screen(a, "N", at(2026, 3, 4, 10), "3.75")
    screen(a, "P", at(2026, 3, 6, 10))
    screen(b, "N", at(2026, 3, 9, 10), "2.50")
    screen(b, "M", at(2026, 3, 11, 10))
    earning(a, Target.ATTENDANCE, "5.00", at(2026, 3, 3, 10))
    redeemed(a, "6.00", at(2026, 3, 20, 12))
    c = enrolled(make_patient(), org, bowl)
    screen(c, "P", at(2026, 3, 2, 10))
    enrolled(make_patient(), org, loose)

    report = queries_reports.cm_report(org, date(2026, 3, 1), date(2026, 3, 31))

    assert [ln.programme for ln in report.lines] == [
        "Intensive outpatient", "Weekly outpatient", "No programme"]
    first = line(report, "Intensive outpatient")
    assert (first.patients, first.screens, first.negatives) == (2, 5, 3)
    assert first.negative_rate == Decimal("60.0")
    assert first.earned == Decimal("13.75")  # 8.75 for screens + 5.00 for attendance
    assert first.redeemed == Decimal("6.00")
    assert first.cost_per_negative == Decimal("2.92")  # 8.75 / 3: attendance not in it
    weekly = line(report, "Weekly outpatient")
    assert (weekly.screens, weekly.negatives, weekly.cost_per_negative) == (1, 0, None)
    nothing = line(report, "No programme")
    assert (nothing.patients, nothing.screens, nothing.negative_rate) == (1, 0, None)
    assert (report.total.patients, report.total.screens, report.total.negatives) == (4, 6, 3)


def test_report_counts_only_the_date_range_in_the_organisations_time_zone(org, make_patient):
    iop = schedule(org, "IOP vouchers", programme(org, "Intensive outpatient"))
    a = enrolled(make_patient(), org, iop)
    screen(a, "N", at(2026, 2, 28, 23, 30), "2.50")  # the day before: out
    screen(a, "N", at(2026, 3, 1, 0, 30), "3.75")  # 00:30 London on the first day: in
    screen(a, "N", at(2026, 4, 1, 0, 30), "5.00")  # the day after: out
    report = queries_reports.cm_report(org, date(2026, 3, 1), date(2026, 3, 31))
    assert (report.total.screens, report.total.earned) == (1, Decimal("3.75"))


def test_report_page_names_no_patient_and_shows_a_dash_without_negatives(
        org, make_patient, supervisor):
    iop = schedule(org, "IOP vouchers", programme(org, "Intensive outpatient"))
    person = make_patient(legal_given_name="Zebedee", legal_family_name="Quartermaine")
    screen(enrolled(person, org, iop), "P", at(2026, 3, 2, 10))
    response = verified_client(supervisor).get(reverse("incentives:reports"), MARCH)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Intensive outpatient" in page
    assert "Zebedee" not in page and "Quartermaine" not in page and person.mrn not in page
    row = page[page.index('data-testid="report-row"'):page.index("</tr>",
                                                                 page.index("report-row"))]
    assert "—" in row  # no negatives: no cost per negative screen


def test_report_read_is_audited_with_its_dates(org, supervisor):
    verified_client(supervisor).get(reverse("incentives:reports"), MARCH)
    event = AuditEvent.objects.filter(object_type="incentives.report").latest("seq")
    assert event.actor == supervisor and event.action == "read"
    assert event.patient_uuid is None
    assert (event.details["from"], event.details["to"]) == ("2026-03-01", "2026-03-31")


def test_analyst_may_read_the_report(org, make_user):
    response = verified_client(make_user(Role.ANALYST)).get(reverse("incentives:reports"))
    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.CLINICIAN, Role.NURSE, Role.ADMINISTRATOR])
def test_report_refused_to_other_roles_with_a_denied_audit_event(org, make_user, role):
    user = make_user(role)
    response = verified_client(user).get(reverse("incentives:reports"))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(actor=user, object_type="incentives.report",
                                     outcome=Outcome.DENIED).exists()


def test_report_counts_only_the_readers_organisation(org, other_org, make_user, make_patient):
    theirs = schedule(other_org, "Elsewhere vouchers", programme(other_org, "Elsewhere IOP"))
    elsewhere = make_user(Role.CLINICIAN, organisation=other_org)
    person = make_patient(by=elsewhere)
    screen(enrolled(person, other_org, theirs), "N", at(2026, 3, 2, 10), "2.50")
    report = queries_reports.cm_report(org, date(2026, 3, 1), date(2026, 3, 31))
    assert report.lines == [] and report.total.screens == 0


def test_a_bad_date_is_named_kept_and_answered_400(org, supervisor):
    response = verified_client(supervisor).get(reverse("incentives:reports"),
                                               {"from": "31/02/2026", "to": "2026-03-31"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "“From” date" in page
    assert 'value="31/02/2026"' in page  # what was typed is kept


def test_from_after_to_is_refused(org, supervisor):
    response = verified_client(supervisor).get(reverse("incentives:reports"),
                                               {"from": "2026-04-01", "to": "2026-03-01"})
    assert response.status_code == 400
    assert "must be on or after" in response.content.decode()


def test_csv_download_is_audited_as_an_export(org, make_patient, supervisor):
    iop = schedule(org, "IOP vouchers", programme(org, "Intensive outpatient"))
    screen(enrolled(make_patient(), org, iop), "N", at(2026, 3, 2, 10), "2.50")
    response = verified_client(supervisor).get(reverse("incentives:reports"),
                                               {**MARCH, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = response.content.decode().splitlines()
    assert rows[0].startswith("programme,patients_enrolled,screens,negative_screens")
    assert rows[1] == "Intensive outpatient,1,1,1,100.0,2.50,0.00,2.50"
    assert AuditEvent.objects.filter(object_type="incentives.report", action="export").exists()


def _programmes_with_screens(org, make_patient, first, n):
    for i in range(first, first + n):
        sched = schedule(org, f"Schedule {i}", programme(org, f"Programme {i}"))
        for _ in range(2):
            enrolment = enrolled(make_patient(), org, sched)
            screen(enrolment, "N", at(2026, 3, 2, 10), "2.50")
            screen(enrolment, "P", at(2026, 3, 4, 10))


def test_report_queries_are_the_same_for_one_and_five_programmes(org, make_patient,
                                                                 supervisor):
    client = verified_client(supervisor)
    url = reverse("incentives:reports")
    _programmes_with_screens(org, make_patient, 0, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url, MARCH).status_code == 200
    _programmes_with_screens(org, make_patient, 1, 4)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url, MARCH)
    assert response.content.decode().count('data-testid="report-row"') == 5
    assert len(five) == len(one)
