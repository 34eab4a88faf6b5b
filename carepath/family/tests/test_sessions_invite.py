"""Inviting consenting supporters to a family session: who is listed, who may be
invited, the email, the audit trail and the refusals."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from carepath.audit.models import Action, AuditEvent
from carepath.conftest import ctx_for
from carepath.family.actions_sessions import MESSAGE, SUBJECT, home_link, invite_supporter
from carepath.family.models import FamilySessionInvite
from carepath.patients.models import CareTeamMember, CareTeamRole

from .sessions_support import ALL_BUT_APPOINTMENTS, denied_events, family_session, grant, supporter

pytestmark = pytest.mark.django_db


def _url(session):
    return reverse("family:session_invite", args=[session.uuid])


def test_invite_page_lists_only_supporters_consenting_to_appointments(
        clinician, patient, make_patient, make_user, as_user):
    invitable, no_appointments, revoked, expired = (
        supporter(make_user, first=name) for name in ("Ann", "Ben", "Cal", "Dee"))
    yes = grant(patient, invitable)
    grant(patient, no_appointments, ALL_BUT_APPOINTMENTS)
    grant(patient, revoked, revoked_at=timezone.now())
    grant(patient, expired, starts_on=timezone.localdate() - timedelta(days=40),
          expires_on=timezone.localdate() - timedelta(days=1))
    lonely = make_patient(legal_given_name="Noor")
    session = family_session(clinician, [patient, lonely])
    page = as_user(clinician).get(_url(session))
    html = page.content.decode()
    assert page.status_code == 200
    assert f'value="{yes.uuid}"' in html and html.count('name="supporters"') == 1
    assert "Ben" in html and "does not include upcoming appointments" in html
    assert "Cal" not in html and "Dee" not in html
    assert f"{lonely.display_name} has no consenting supporter" in html
    listed = AuditEvent.objects.filter(action=Action.LIST, object_type="family.session_invite")
    assert listed.count() == 1


def test_inviting_a_consenting_supporter_creates_emails_and_audits(clinician, patient,
                                                                    make_user, as_user):
    helper = supporter(make_user)
    consent = grant(patient, helper)
    session = family_session(clinician, [patient])
    response = as_user(clinician).post(_url(session), {"supporters": [str(consent.uuid)]})
    assert response.status_code == 302
    invite = FamilySessionInvite.objects.get(session=session, supporter=helper)
    assert invite.consent == consent and invite.invited_by == clinician
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="family.session_invite")
    assert event.patient_uuid == patient.uuid and event.object_id == str(invite.uuid)
    assert [m.to for m in mail.outbox] == [[helper.email]]


def test_invitation_email_has_no_health_information(clinician, patient, make_user):
    helper = supporter(make_user)
    session = family_session(clinician, [patient])
    invite_supporter(ctx_for(clinician), session, grant(patient, helper))
    message = mail.outbox[0]
    assert message.subject == SUBJECT
    assert message.body == MESSAGE.format(link=home_link())
    assert home_link().startswith("http") and home_link().endswith(reverse("family:home"))
    text = (message.subject + message.body).lower()
    for secret in (patient.legal_given_name, patient.legal_family_name, patient.mrn,
                   clinician.last_name, session.display_title, "family session", "ketamine",
                   f"{timezone.localtime(session.starts_at):%H:%M}"):
        assert secret.lower() not in text


def test_reinviting_says_already_invited_and_sends_nothing(clinician, patient, make_user,
                                                          as_user):
    helper = supporter(make_user)
    consent = grant(patient, helper)
    session = family_session(clinician, [patient])
    client = as_user(clinician)
    client.post(_url(session), {"supporters": [str(consent.uuid)]})
    again = client.post(_url(session), {"supporters": [str(consent.uuid)]}, follow=True)
    assert "already invited" in again.content.decode()
    assert FamilySessionInvite.objects.filter(session=session).count() == 1
    assert len(mail.outbox) == 1
    assert invite_supporter(ctx_for(clinician), session, consent).created is False


def test_invite_refused_without_an_appointments_consent(clinician, patient, make_user):
    helper = supporter(make_user)
    consent = grant(patient, helper, ALL_BUT_APPOINTMENTS)
    session = family_session(clinician, [patient])
    with pytest.raises(ValidationError, match="does not include upcoming appointments"):
        invite_supporter(ctx_for(clinician), session, consent)
    assert not FamilySessionInvite.objects.exists() and mail.outbox == []
    assert denied_events().filter(patient_uuid=patient.uuid).count() == 1


@pytest.mark.parametrize("change, reason", [
    ({"revoked_at": timezone.now()}, "withdrawn"),
    ({"starts_on": timezone.localdate() - timedelta(days=40),
      "expires_on": timezone.localdate() - timedelta(days=1)}, "expired"),
])
def test_invite_refused_with_reason_after_revocation_or_expiry(
        clinician, patient, make_user, as_user, change, reason):
    """The page was drawn while the consent was in force; it changed before the click."""
    helper = supporter(make_user)
    consent = grant(patient, helper)
    session = family_session(clinician, [patient])
    for name, value in change.items():
        setattr(consent, name, value)
    consent.save()
    response = as_user(clinician).post(_url(session), {"supporters": [str(consent.uuid)]})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not FamilySessionInvite.objects.exists() and mail.outbox == []


def test_invite_refused_for_a_past_session(clinician, patient, make_user, as_user):
    consent = grant(patient, supporter(make_user))
    session = family_session(clinician, [patient], starts_in=-timedelta(hours=3))
    response = as_user(clinician).post(_url(session), {"supporters": [str(consent.uuid)]})
    assert response.status_code == 400
    assert "already started or taken place" in response.content.decode()
    assert not FamilySessionInvite.objects.exists()


def test_choosing_nobody_says_so(clinician, patient, as_user):
    session = family_session(clinician, [patient])
    response = as_user(clinician).post(_url(session), {})
    assert response.status_code == 400
    assert "Choose at least one supporter" in response.content.decode()


def test_staff_who_see_but_may_not_manage_get_403_and_a_denied_event(
        clinician, patient, make_patient, outsider, as_user, make_user):
    other = make_patient()
    CareTeamMember.objects.create(patient=patient, user=outsider, role=CareTeamRole.THERAPIST)
    session = family_session(clinician, [patient, other])
    consent = grant(patient, supporter(make_user))
    client = as_user(outsider)
    assert client.get(_url(session)).status_code == 403
    assert client.post(_url(session), {"supporters": [str(consent.uuid)]}).status_code == 403
    assert denied_events().count() == 2
    with pytest.raises(PermissionDenied):
        invite_supporter(ctx_for(outsider), session, consent)
    assert denied_events().filter(patient_uuid=patient.uuid).count() == 1
    assert not FamilySessionInvite.objects.exists()


def test_supporters_and_strangers_get_404_and_a_denied_event(clinician, patient, outsider,
                                                            make_user, as_user):
    helper = supporter(make_user)
    grant(patient, helper)
    session = family_session(clinician, [patient])
    assert as_user(helper).get(_url(session)).status_code == 404
    assert as_user(outsider).get(_url(session)).status_code == 404
    assert denied_events().count() == 2


def _page_queries(clinician, make_patient, make_user, as_user, attendees):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    patients = [make_patient() for _ in range(attendees)]
    session = family_session(clinician, patients)
    for n, person in enumerate(patients):
        consent = grant(person, supporter(make_user, first=f"S{n}"))
        grant(person, supporter(make_user, first=f"T{n}"), ALL_BUT_APPOINTMENTS)
        if n == 0:
            invite_supporter(ctx_for(clinician), session, consent)
    client = as_user(clinician)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(session)).status_code == 200
    return len(queries)


def test_invite_page_query_count_is_constant_for_1_or_5_attendees(clinician, make_patient,
                                                                  make_user, as_user):
    one = _page_queries(clinician, make_patient, make_user, as_user, 1)
    five = _page_queries(clinician, make_patient, make_user, as_user, 5)
    assert one == five
