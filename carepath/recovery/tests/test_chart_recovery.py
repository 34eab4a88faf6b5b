"""The clinician's Recovery tab: check-in trends beside the plan, latest check-ins, risk
times, portal status; audited; a fixed number of queries whatever the history."""

import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carepath.audit.models import Action, AuditEvent
from carepath.recovery import charts, windows
from carepath.recovery.models import CheckIn, RiskWindow

from .plans_support import own_account, save

pytestmark = pytest.mark.django_db
TAB_QUERIES = 25


def _url(patient, query=""):
    return f"/patients/{patient.uuid}/recovery/{query}"


def _today(patient):
    return timezone.localdate(timezone=windows.zone(patient.organisation))


def _fill(patient, by, days, *, start=0):
    """``days`` days of check-ins (two on each fifth day), written directly."""
    today = _today(patient)
    rows = []
    for n in range(start, start + days):
        for extra in range(2 if n % 5 == 0 else 1):
            rows.append(CheckIn(organisation=patient.organisation, patient=patient,
                                checkin_date=today - timedelta(days=n), craving=(n + extra) % 11,
                                mood=(3 + n) % 11, sleep_hours=Decimal("6.5"),
                                used_ketamine=n % 7 == 3, blood_in_urine=n == 1,
                                entered_by=by))
    CheckIn.objects.bulk_create(rows)


def _spec(page: str) -> dict:
    found = re.search(r'<script id="trend-spec" type="application/json">(.*?)</script>', page,
                      re.S)
    assert found, "no chart spec on the page"
    return json.loads(found.group(1))


def test_the_tab_shows_the_trends_as_a_chart_and_a_table(patient, clinician, as_user):
    _fill(patient, clinician, 10)
    page = as_user(clinician).get(_url(patient)).content.decode()
    spec = _spec(page)
    assert [p["title"]["text"] for p in spec["vconcat"]] == [
        "Craving (0–10, not a validated scale)", "Mood (0 very low – 10 very good)",
        "Sleep (hours a night)", "Use days"]
    values = spec["data"]["values"]
    assert len(values) == 10
    today = _today(patient)
    first_day = next(v for v in values if v["date"] == today.isoformat())
    assert first_day["craving"] == 0.5 and first_day["use"] == charts.NOT_USED  # (0+1)/2
    assert sum(v["use"] == charts.USED for v in values) == 1  # day 3
    assert page.count('data-testid="trend-row"') == 10
    assert 'id="trend-chart"' in page and "measures/trend.js" in page
    assert "ketamine use reported on 1 day" in page


def test_the_window_is_bounded_to_the_choices(patient, clinician, as_user):
    _fill(patient, clinician, 100)
    client = as_user(clinician)
    assert client.get(_url(patient, "?days=90")).content.decode().count(
        'data-testid="trend-row"') == 90
    assert client.get(_url(patient, "?days=5000")).content.decode().count(
        'data-testid="trend-row"') == 30
    assert client.get(_url(patient, "?days=abc")).status_code == 200


def test_the_tab_shows_the_plan_beside_the_trends_with_an_edit_link(patient, clinician,
                                                                   as_user, make_user):
    me = own_account(patient, make_user)
    save(me, patient)
    page = as_user(clinician).get(_url(patient)).content.decode()
    summary = page[page.index('data-testid="plan-summary"'):]
    assert "Reasons for recovery (2)" in summary and "Back to work" in summary
    assert "People to contact (1)" in summary and "Sam, sister" in summary
    assert "TIPP: cold water on my face (DBT distress-tolerance skills)" in summary
    assert "Version 1" in page and me.display_name in page
    assert f'href="/patients/{patient.uuid}/recovery/plan/" data-testid="edit-plan"' in page


def test_latest_checkins_mark_red_flags_and_lapses_in_words(patient, clinician, as_user):
    _fill(patient, clinician, 20)
    page = as_user(clinician).get(_url(patient)).content.decode()
    latest = page[page.index('data-testid="latest-checkins"'):].split("</table>")[0]
    assert latest.count('data-testid="checkin-row"') == 10
    assert "Red flag: blood in urine" in latest
    assert "Lapse: ketamine use reported" in latest


def test_upcoming_risk_times_portal_status_and_links(patient, clinician, as_user):
    start = timezone.now() + timedelta(days=2)
    RiskWindow.objects.create(organisation=patient.organisation, patient=patient,
                              label="Festival", starts_at=start,
                              ends_at=start + timedelta(days=2))
    page = as_user(clinician).get(_url(patient)).content.decode()
    assert "Festival" in page[page.index('id="risk-times"'):]
    assert "No portal account." in page
    assert f'href="/patients/{patient.uuid}/portal-invite/"' in page
    assert "Invite to the portal" in page
    assert f'href="/patients/{patient.uuid}/recovery/aftercare/"' in page


def test_a_patient_with_an_account_has_no_invite_link(patient, clinician, as_user, make_user):
    own_account(patient, make_user)
    page = as_user(clinician).get(_url(patient)).content.decode()
    assert "Has a portal account; not signed in yet." in page
    assert 'data-testid="invite-link"' not in page


def test_opening_the_tab_is_audited(patient, clinician, as_user):
    as_user(clinician).get(_url(patient))
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid, action=Action.READ,
                                     object_type="recovery.checkin", actor=clinician).exists()


def test_an_outsider_is_refused_and_audited(patient, outsider, as_user):
    _fill(patient, outsider, 3)
    response = as_user(outsider).get(_url(patient))
    assert response.status_code == 403
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid, outcome="denied").exists()


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "?days=365"])
def test_query_count_is_the_same_for_ten_or_365_days(patient, clinician, as_user, make_user,
                                                     query):
    me = own_account(patient, make_user)
    save(me, patient)
    start = timezone.now() + timedelta(hours=5)
    RiskWindow.objects.create(organisation=patient.organisation, patient=patient,
                              label="Club night", starts_at=start,
                              ends_at=start + timedelta(hours=5), repeats="weekly")
    client = as_user(clinician)
    _fill(patient, clinician, 10)
    few = _count(client, _url(patient, query))
    _fill(patient, clinician, 355, start=10)
    assert CheckIn.objects.filter(patient=patient).count() > 365
    many = _count(client, _url(patient, query))
    assert many == few <= TAB_QUERIES


def test_the_patient_is_sent_to_their_own_pages(patient, make_user):
    from django.test import Client

    me = own_account(patient, make_user)
    client = Client()
    client.force_login(me)
    response = client.get(_url(patient))
    assert response.status_code == 302 and response["Location"] == "/my/plan/"
