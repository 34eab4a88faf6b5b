"""The patient's "who saw my information" page."""

from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carepath.audit.models import AuditEvent

from .sharing_fixtures import *  # noqa: F403 (fixtures)
from .sharing_support import (
    category_url,
    record_url,
    share,
    signed_in,
)

pytestmark = pytest.mark.django_db
URL = "/my/sharing/who-saw/"


def test_each_view_is_listed_with_who_what_and_when(patient, org, my_client, sam):
    org.time_zone = "America/New_York"
    org.save(update_fields=["time_zone"])
    share(patient, sam, ["attendance", "milestones"])
    client = signed_in(sam)
    for url in (category_url(patient, "attendance"), category_url(patient, "attendance"),
                category_url(patient, "milestones")):
        assert client.get(url).status_code == 200
    page = my_client.get(URL).content.decode()
    views = page.split('data-testid="views"')[1].split("</table>")[0]
    assert views.count('data-testid="view"') == 3
    assert views.count(sam.display_name) == 3
    assert views.count("Attendance") == 2 and views.count("Recovery milestones") == 1
    latest = AuditEvent.objects.filter(object_type="family.shared_milestones").get()
    local = latest.occurred_at.astimezone(ZoneInfo("America/New_York"))
    assert f"{local:%H:%M}" in views
    assert "America/New_York" in page


def test_refused_attempts_are_listed_separately(patient, my_client, sam):
    share(patient, sam, ["attendance"])
    client = signed_in(sam)
    client.get(category_url(patient, "attendance"))
    client.get(category_url(patient, "measures"))
    page = my_client.get(URL).content.decode()
    views = page.split('data-testid="views"')[1].split("</table>")[0]
    refused = page.split('data-testid="refused"')[1].split("</table>")[0]
    assert views.count('data-testid="view"') == 1 and "Attendance" in views
    assert refused.count('data-testid="refusal"') == 1
    assert "Questionnaire scores" in refused and sam.display_name in refused
    assert "Tried to look, was refused" in page


def test_staff_reads_and_other_patients_views_are_not_listed(patient, make_patient, make_user,
                                                             clinician, as_user, my_client,
                                                             sam):
    other = make_patient(legal_given_name="Jo")
    share(other, sam, ["attendance"])
    signed_in(sam).get(category_url(other, "attendance"))
    as_user(clinician).get(f"/patients/{patient.uuid}/")
    page = my_client.get(URL).content.decode()
    assert "Nobody has looked yet." in page
    assert sam.display_name not in page


def test_the_page_takes_the_same_queries_for_1_or_30_views(patient, my_client, sam):
    share(patient, sam, ["attendance"])
    client = signed_in(sam)
    client.get(record_url(patient))
    with CaptureQueriesContext(connection) as one:
        assert my_client.get(URL).status_code == 200
    for _ in range(29):
        client.get(category_url(patient, "attendance"))
    with CaptureQueriesContext(connection) as many:
        page = my_client.get(URL).content.decode()
    assert page.count('data-testid="view"') == 30
    assert len(many) == len(one)


def test_the_page_is_paginated(patient, my_client, sam):
    share(patient, sam, ["attendance"])
    client = signed_in(sam)
    for _ in range(31):
        client.get(category_url(patient, "attendance"))
    first = my_client.get(URL).content.decode()
    assert first.count('data-testid="view"') == 30 and "?page=2" in first
    assert my_client.get(URL + "?page=2").content.decode().count('data-testid="view"') == 1


def test_only_the_patient_opens_it(patient, sam, clinician, as_user):
    assert signed_in(sam).get(URL).status_code == 404
    assert as_user(clinician).get(URL).status_code == 404
