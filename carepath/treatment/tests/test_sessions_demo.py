"""The sessions demo: shared 10-person groups, attendance recorded, two no-shows."""

import time

import pytest
from django.conf import settings
from django.db.models import Count

from carepath.accounts.models import Organisation, Role
from carepath.patients import demo
from carepath.treatment.demo_sessions import add_demo_sessions
from carepath.treatment.models import (
    PRESENT,
    Attendance,
    AttendanceStatus,
    Enrolment,
    OutreachTask,
    Session,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_org(db):
    org = Organisation.objects.create(name="Demo", time_zone=settings.TIME_ZONE,
                                      mrn_prefix="NB")
    staff = [demo._user(org, u, 1, role=r, first=f, last=la)
             for u, r, f, la in [("clinician", Role.CLINICIAN, "Chris", "Morgan"),
                                 ("clinician2", Role.CLINICIAN, "Jordan", "Lee"),
                                 ("nurse", Role.NURSE, "Nadia", "Hughes"),
                                 ("prescriber", Role.PRESCRIBER, "Pat", "Ellis")]]
    demo.generate_population(org, 60, seed=2026, care_staff=staff)
    return org


def test_the_demo_has_a_ten_person_group_attendance_and_two_no_shows(demo_org):
    started = time.monotonic()
    add_demo_sessions(demo_org, 2026)
    elapsed = time.monotonic() - started
    assert elapsed < 4
    assert Enrolment.objects.count() == 11
    biggest = (Session.objects.filter(format="group").annotate(n=Count("attendances"))
               .order_by("-n").first())
    assert biggest.n == 10
    assert Attendance.objects.filter(status__in=PRESENT).exists()
    assert Attendance.objects.filter(status=AttendanceStatus.NO_SHOW).count() == 2
    assert OutreachTask.objects.filter(reason="no_show", status="open").count() == 2
    add_demo_sessions(demo_org, 2026)  # running it again adds nothing
    assert Enrolment.objects.count() == 11
