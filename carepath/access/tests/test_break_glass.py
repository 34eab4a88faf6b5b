"""Break-glass: a reason opens the record, it is audited, shown, and listed for review."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from carepath.access import actions
from carepath.access.models import BreakGlassAccess
from carepath.accounts.models import Role
from carepath.audit.models import Action, AuditEvent
from carepath.conftest import ctx_for, verified_client


def test_refused_chart_offers_break_glass_without_showing_the_record(outsider, patient):
    response = verified_client(outsider).get(reverse("patients:chart", args=[patient.uuid]))
    assert response.status_code == 403
    assert b"Break glass" in response.content
    assert patient.legal_family_name.encode() not in response.content
    assert AuditEvent.objects.filter(actor=outsider, patient_uuid=patient.uuid,
                                     outcome="denied").exists()


def test_reason_opens_the_record_and_is_audited_and_shown(outsider, patient):
    client = verified_client(outsider)
    response = client.post(reverse("access:break_glass", args=[patient.uuid]),
                           {"reason": "Covering the ward; patient unwell in clinic"})
    assert response.status_code == 302
    chart = client.get(reverse("patients:chart", args=[patient.uuid]))
    assert chart.status_code == 200
    assert b"Opened with break-glass access" in chart.content
    assert b"Covering the ward" in chart.content
    event = AuditEvent.objects.get(actor=outsider, action=Action.BREAK_GLASS)
    assert event.purpose == "Covering the ward; patient unwell in clinic"
    read = AuditEvent.objects.filter(actor=outsider, action=Action.READ, outcome="allowed",
                                     patient_uuid=patient.uuid).latest("seq")
    assert read.purpose == event.purpose and read.details["basis"] == "break_glass"


def test_short_reason_is_refused_and_kept(outsider, patient):
    response = verified_client(outsider).post(
        reverse("access:break_glass", args=[patient.uuid]), {"reason": "need it"})
    assert response.status_code == 400
    assert b"at least 10 characters" in response.content
    assert b"need it" in response.content
    assert not BreakGlassAccess.objects.exists()


def test_roles_without_clinical_duty_cannot_break_glass(make_user, patient):
    for role in (Role.ADMINISTRATOR, Role.ANALYST, Role.INTAKE_ADVISOR):
        with pytest.raises(PermissionDenied):
            actions.open_break_glass(ctx_for(make_user(role)), patient, "I would like to look")


def test_supervisor_sees_it_for_review_until_reviewed(outsider, patient, make_user):
    actions.open_break_glass(ctx_for(outsider), patient, "Emergency: collapsed in reception")
    reviewer = make_user(Role.SUPERVISOR)
    client = verified_client(reviewer)
    page = client.get(reverse("access:break_glass_review"))
    assert patient.mrn.encode() in page.content and b"collapsed in reception" in page.content
    grant = BreakGlassAccess.objects.get()
    client.post(reverse("access:break_glass_mark_reviewed", args=[grant.uuid]),
                {"note": "Appropriate"})
    grant.refresh_from_db()
    assert grant.reviewed_by == reviewer and grant.review_note == "Appropriate"
    assert patient.mrn.encode() not in client.get(reverse("access:break_glass_review")).content


def test_a_supervisor_cannot_review_their_own_break_glass(supervisor, make_patient, make_user):
    elsewhere = make_patient(by=make_user(Role.CLINICIAN))
    grant = actions.open_break_glass(ctx_for(supervisor), elsewhere, "Duty supervisor, urgent")
    with pytest.raises(PermissionDenied):
        actions.review_break_glass(ctx_for(supervisor), grant, "fine")


def test_break_glass_grant_expires(outsider, patient):
    from datetime import timedelta

    from django.utils import timezone

    from carepath.access.policy import patient_access

    grant = actions.open_break_glass(ctx_for(outsider), patient, "Emergency cover tonight")
    assert patient_access(outsider, patient).basis == "break_glass"
    BreakGlassAccess.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    assert not patient_access(outsider, patient)


def test_empty_reason_raises_field_error(outsider, patient):
    with pytest.raises(ValidationError) as error:
        actions.open_break_glass(ctx_for(outsider), patient, "   ")
    assert "reason" in error.value.message_dict
