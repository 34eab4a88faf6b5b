"""The staff pages: the rules with their explanations and sources, and one person's
signals (guarded and audited)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from carepath.audit.models import AuditEvent
from carepath.recovery import risk_rules as rules
from carepath.recovery.models.scan_runs import RiskScanRun
from carepath.recovery.scan import scan_all

from .risk_support import TODAY, checkin, link_portal_user

pytestmark = pytest.mark.django_db

RULES_URL = "/recovery/risk-rules/"


def _signals_url(patient) -> str:
    return f"/patients/{patient.uuid}/recovery/signals/"


def test_rules_page_lists_every_rule_with_threshold_source_and_design_choice(clinician,
                                                                            as_user,
                                                                            settings):
    settings.CAREPATH_MISSED_CHECKIN_DAYS = 4
    page = as_user(clinician).get(RULES_URL).content.decode()
    for rule in rules.RULES.values():
        assert rule.title in page and f'id="rule-{rule.id}"' in page
    assert "4 days without a check-in" in page  # the threshold in force
    assert "NHS Talking Therapies" in page and "not a validated" in page
    assert page.count("Design choice</span>") == sum(
        r.design_choice for r in rules.RULES.values())


def test_rules_page_warns_when_the_nightly_scan_has_not_run(clinician, as_user):
    client = as_user(clinician)
    assert 'data-testid="scan-stale"' in client.get(RULES_URL).content.decode()
    RiskScanRun.objects.create(scan_date=TODAY, finished_at=timezone.now() - timedelta(hours=2))
    page = client.get(RULES_URL).content.decode()
    assert 'data-testid="scan-stale"' not in page and 'data-testid="scan-last"' in page


def test_rules_page_is_for_staff(patient, make_user, client):
    user = link_portal_user(patient, make_user)
    client.force_login(user)
    assert client.get(RULES_URL).status_code == 403


def test_the_care_team_sees_the_persons_signals_and_the_read_is_audited(patient, clinician,
                                                                        as_user):
    checkin(patient, TODAY, used=True, note="private words")
    checkin(patient, TODAY, blood=True)
    scan_all(TODAY)
    response = as_user(clinician).get(_signals_url(patient))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ketamine use reported" in page and "Blood in urine reported" in page
    assert "urgent alert was also raised" in page and "private words" not in page
    assert page.count("Open") >= 2  # each task's status
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid, action="read",
                                     object_type="recovery.risksignal",
                                     actor=clinician).exists()


def test_a_clinician_off_the_care_team_is_refused(patient, outsider, as_user):
    checkin(patient, TODAY, used=True)
    scan_all(TODAY)
    response = as_user(outsider).get(_signals_url(patient))
    assert response.status_code == 403
    assert b"Ketamine use reported" not in response.content
    assert AuditEvent.objects.filter(patient_uuid=patient.uuid, outcome="denied").exists()


def test_the_person_themselves_does_not_see_the_care_teams_list(patient, make_user, client):
    user = link_portal_user(patient, make_user)
    checkin(patient, TODAY, used=True)
    scan_all(TODAY)
    client.force_login(user)
    page = client.get(_signals_url(patient)).content.decode()
    assert "This list is for your care team." in page
    assert "Ketamine use reported" not in page


def test_signals_list_is_paginated(patient, clinician, as_user):
    for day in range(30):
        checkin(patient, TODAY - timedelta(days=day % 7), used=True)
    scan_all(TODAY)
    client = as_user(clinician)
    first = client.get(_signals_url(patient)).content.decode()
    second = client.get(_signals_url(patient) + "?page=2").content.decode()
    assert first.count("Ketamine use reported</a>") == 25
    assert second.count("Ketamine use reported</a>") == 5
    assert "Covered by an earlier task" in first
