"""Inviting a person to the portal and their accepting the invitation."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from carepath.access.models import BreakGlassAccess
from carepath.accounts.link_tokens import link_digest
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.notify.sms import MemorySmsBackend
from carepath.recovery import actions_invitations as invitations
from carepath.recovery.models import PortalInvitation, RecoveryProfile

from .portal_support import NEW_PASSWORD, link_account, signed_in, token_in

User = get_user_model()


@pytest.fixture
def person(make_patient):
    return make_patient(legal_given_name="Robin", legal_family_name="Quinton",
                        email="robin@example.org", phone="07700 900123")


@pytest.fixture
def sms(settings):
    settings.CAREPATH_SMS_BACKEND = "carepath.notify.sms.MemorySmsBackend"
    MemorySmsBackend.outbox.clear()
    return MemorySmsBackend.outbox


def _join(client, token, username="robin@example.org", password=NEW_PASSWORD, again=None):
    return client.post(reverse("recovery:join", args=[token]), {
        "username": username, "password1": password, "password2": again or password})


def test_invited_person_sets_a_password_and_lands_signed_in_on_their_portal_home(
        person, clinician):
    page = verified_client(clinician).post(
        reverse("recovery:portal_invite", args=[person.uuid]), {"channel": "email"})
    assert page.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["robin@example.org"]
    token = token_in(mail.outbox[0].body)

    phone = Client()
    form = phone.get(reverse("recovery:join", args=[token]))
    assert form.status_code == 200
    assert 'value="robin@example.org"' in form.content.decode()  # username pre-filled
    done = _join(phone, token)
    assert done.status_code == 302 and done["Location"] == reverse("recovery:home")
    home = phone.get(done["Location"])
    assert home.status_code == 200
    assert "recovery/portal/home.html" in [t.name for t in home.templates]

    person.refresh_from_db()
    user = person.user
    assert user.account_type == "patient" and user.organisation_id == person.organisation_id
    assert user.check_password(NEW_PASSWORD)
    assert PortalInvitation.objects.get(patient=person).accepted_at is not None
    assert RecoveryProfile.objects.get(patient=person).checkins_expected is True
    assert AuditEvent.objects.filter(patient_uuid=person.uuid, object_type="accounts.user",
                                     action="create", actor=user).exists()
    # Signing in later also lands on the portal home.
    assert signed_in(user).get("/")["Location"] == reverse("recovery:home")


def test_expired_invitation_is_refused_with_410_and_says_so(person, clinician):
    _, token = invitations.invite_patient(ctx_for(clinician), person, channel="email")
    PortalInvitation.objects.filter(patient=person).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    for response in (Client().get(reverse("recovery:join", args=[token])),
                     _join(Client(), token)):
        assert response.status_code == 410
        assert b"This invitation has expired" in response.content
    assert not User.objects.filter(account_type="patient").exists()


def test_used_invitation_is_refused_and_a_retried_post_makes_no_second_user(
        person, clinician):
    _, token = invitations.invite_patient(ctx_for(clinician), person, channel="email")
    assert _join(Client(), token).status_code == 302
    retry = _join(Client(), token, username="robin-again")
    assert retry.status_code == 410
    assert b"already been used" in retry.content
    assert User.objects.filter(account_type="patient").count() == 1
    # The same phone, now signed in, retrying the form goes home instead.
    person.refresh_from_db()
    assert _join(signed_in(person.user), token)["Location"] == reverse("recovery:home")
    assert User.objects.filter(account_type="patient").count() == 1


def test_a_second_invitation_revokes_the_first(person, clinician):
    _, first = invitations.invite_patient(ctx_for(clinician), person, channel="email")
    _, second = invitations.invite_patient(ctx_for(clinician), person, channel="email")
    old = Client().get(reverse("recovery:join", args=[first]))
    assert old.status_code == 410 and b"replaced" in old.content
    assert Client().get(reverse("recovery:join", args=[second])).status_code == 200
    assert PortalInvitation.objects.filter(patient=person, revoked_at__isnull=True).count() == 1


def test_staff_off_the_care_team_are_refused_and_the_refusal_is_audited(
        person, outsider, administrator):
    for user in (outsider, administrator):
        with pytest.raises(PermissionDenied):
            invitations.invite_patient(ctx_for(user), person, channel="email")
    page = verified_client(outsider).post(reverse("recovery:portal_invite", args=[person.uuid]),
                                          {"channel": "email"})
    assert page.status_code == 403
    assert mail.outbox == [] and not PortalInvitation.objects.exists()
    denied = AuditEvent.objects.filter(patient_uuid=person.uuid, outcome="denied")
    assert denied.filter(actor=outsider, object_type=invitations.OBJECT_TYPE).exists()
    assert denied.filter(actor=administrator).exists()


def test_a_break_glass_visitor_may_read_but_not_invite(person, outsider):
    BreakGlassAccess.objects.create(user=outsider, patient=person, reason="Night cover call",
                                    expires_at=timezone.now() + timedelta(hours=1))
    client = verified_client(outsider)
    page = client.get(reverse("recovery:portal_invite", args=[person.uuid]))
    assert page.status_code == 200 and b"Send the invitation" not in page.content
    assert client.post(reverse("recovery:portal_invite", args=[person.uuid]),
                       {"channel": "email"}).status_code == 403
    assert not PortalInvitation.objects.exists()


def test_the_message_holds_no_health_data(person, clinician, sms, org):
    org.name = "Ketamine Recovery Clinic"
    org.save(update_fields=["name"])
    invitations.invite_patient(ctx_for(clinician), person, channel="email")
    invitations.invite_patient(ctx_for(clinician), person, channel="sms")
    email, (to, text) = mail.outbox[0], sms[0]
    assert to == "07700 900123"
    for body in (email.subject + email.body, text):
        assert "Your care team has invited you to CarePath. Set your password: " in body
        assert "/portal/join/" in body
        for word in ("ketamine", "Ketamine", "Robin", "Quinton", "PHQ", "BAM", "craving",
                     "Recovery Clinic", person.mrn):
            assert word not in body, word


def test_only_a_digest_of_the_token_is_stored(person, clinician):
    invitation, token = invitations.invite_patient(ctx_for(clinician), person, channel="email")
    invitation.refresh_from_db()
    assert invitation.token_digest == link_digest(token)
    assert token not in str(invitation.__dict__)
    assert not AuditEvent.objects.filter(details__icontains=token).exists()
    assert invitation.expires_at - invitation.created_at == timedelta(hours=72)


def test_refused_when_the_person_already_has_an_active_account(person, clinician, make_user):
    link_account(person, make_user)
    with pytest.raises(ValidationError, match="already has an active CarePath account"):
        invitations.invite_patient(ctx_for(clinician), person, channel="email")
    page = verified_client(clinician).get(reverse("recovery:portal_invite", args=[person.uuid]))
    assert b"Has an active CarePath account" in page.content
    assert b"Send the invitation" not in page.content
    assert mail.outbox == []


def test_a_missing_address_is_named_and_the_choice_kept(make_patient, clinician):
    nobody = make_patient(email="", phone="")
    page = verified_client(clinician).post(reverse("recovery:portal_invite", args=[nobody.uuid]),
                                           {"channel": "sms"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "The record has no phone number" in html
    assert 'value="sms" checked' in html
    assert not PortalInvitation.objects.exists()


def test_a_double_submitted_invitation_form_sends_one_message(person, clinician):
    client = verified_client(clinician)
    url = reverse("recovery:portal_invite", args=[person.uuid])
    for _ in range(2):
        assert client.post(url, {"channel": "email", "submission_key": "k-1"}).status_code == 302
    assert len(mail.outbox) == 1
    assert PortalInvitation.objects.filter(patient=person).count() == 1
    assert PortalInvitation.objects.get(patient=person).revoked_at is None


def test_a_weak_password_is_refused_naming_the_field_and_keeping_what_was_typed(
        person, clinician):
    _, token = invitations.invite_patient(ctx_for(clinician), person, channel="email")
    response = _join(Client(), token, username="robin-q", password="password")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_password1_error"' in html and "too short" in html
    assert 'value="robin-q"' in html
    mismatch = _join(Client(), token, username="robin-q", again=NEW_PASSWORD + "x")
    assert mismatch.status_code == 400 and b"The two passwords are different" in mismatch.content
    assert not User.objects.filter(account_type="patient").exists()
    assert PortalInvitation.objects.get(patient=person).accepted_at is None


def test_a_username_already_taken_is_refused(person, clinician):
    _, token = invitations.invite_patient(ctx_for(clinician), person, channel="email")
    response = _join(Client(), token, username=clinician.username.upper())
    assert response.status_code == 400 and b"That username is taken" in response.content
    assert PortalInvitation.objects.get(patient=person).accepted_at is None


def test_an_unknown_link_is_not_found(db):
    response = Client().get(reverse("recovery:join", args=["not-a-real-token"]))
    assert response.status_code == 404 and b"This link is not valid" in response.content


def test_the_invite_page_shows_the_latest_invitation_state(person, clinician):
    invitations.invite_patient(ctx_for(clinician), person, channel="email")
    page = verified_client(clinician).get(reverse("recovery:portal_invite", args=[person.uuid]))
    assert page.status_code == 200
    assert b"Waiting: the link works until" in page.content
    assert AuditEvent.objects.filter(patient_uuid=person.uuid, action="read",
                                     object_type=invitations.OBJECT_TYPE).exists()
