"""Supporter self-registration: an inactive account, a verification email, no leaks."""

import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from carepath.accounts.link_tokens import link_digest
from carepath.accounts.models import AccountType, User
from carepath.audit.models import AuditEvent
from carepath.family import actions_accounts
from carepath.family.models import EmailVerification, SupporterProfile

from .accounts_support import (  # noqa: F401
    HEALTH_WORDS,
    NEW_PASSWORD,
    clear_rate_limit_cache,
    make_supporter,
    registration,
)

pytestmark = pytest.mark.django_db


def _post(data):
    return Client().post(reverse("family:register"), data)


def test_register_page_is_public_and_carries_a_submission_key(org):
    response = Client().get(reverse("family:register"))
    assert response.status_code == 200
    assert b'name="submission_key"' in response.content


def test_registration_creates_an_inactive_supporter_and_sends_a_link(org):
    response = _post(registration())
    assert response.status_code == 302
    assert response["Location"] == reverse("family:register_sent")
    user = User.objects.get(username="sam.okafor@example.org")
    assert user.email == "sam.okafor@example.org"
    assert user.account_type == AccountType.SUPPORTER
    assert user.is_active is False
    assert user.organisation == org
    assert user.first_name == "Sam" and user.last_name == "Okafor"
    assert user.check_password(NEW_PASSWORD)
    profile = SupporterProfile.objects.get(user=user)
    assert profile.email_verified_at is None and profile.submission_key is not None
    link = EmailVerification.objects.get(user=user)
    assert link.is_usable()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam.okafor@example.org"]
    assert "/family/verify/" in mail.outbox[0].body
    assert mail.outbox[0].body.count("http") == 1  # one absolute link


def test_only_the_token_digest_is_stored(org):
    _post(registration())
    token = mail.outbox[0].body.split("/family/verify/")[1].split("/")[0]
    link = EmailVerification.objects.get()
    assert token not in link.digest
    assert link.digest == link_digest(token)


def test_the_verification_email_has_no_health_words(org):
    _post(registration())
    message = mail.outbox[0]
    text = (message.subject + " " + message.body).lower()
    for word in HEALTH_WORDS:
        assert word not in text, word


def test_the_link_expires_after_the_configured_hours(org, settings):
    settings.CAREPATH_SUPPORTER_VERIFY_HOURS = 5
    _post(registration())
    link = EmailVerification.objects.get()
    assert round((link.expires_at - link.created_at).total_seconds()) == 5 * 3600
    assert "5 hours" in mail.outbox[0].body


def test_a_retried_form_makes_nothing_twice(org):
    data = registration()
    _post(data)
    second = _post(data)
    assert second.status_code == 302
    assert User.objects.filter(account_type=AccountType.SUPPORTER).count() == 1
    assert EmailVerification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_existing_account_is_not_revealed_and_gets_a_different_email(org, make_user):
    existing = make_supporter(make_user)
    existing_page = _post(registration(email=existing.email.upper()))
    new_page = _post(registration(email="someone.new@example.org"))
    assert existing_page.status_code == new_page.status_code == 302
    assert existing_page["Location"] == new_page["Location"]
    assert User.objects.filter(email__iexact=existing.email).count() == 1
    first, second = mail.outbox
    assert first.to == [existing.email]
    assert "already have" in first.body and "/accounts/login/" in first.body
    assert "/accounts/password-reset/" in first.body and "/family/verify/" not in first.body
    for word in HEALTH_WORDS:
        assert word not in (first.subject + first.body).lower(), word
    assert "/family/verify/" in second.body


def test_a_staff_address_is_not_revealed_either(org, clinician):
    response = _post(registration(email=clinician.email))
    assert response.status_code == 302
    assert "already have" in mail.outbox[0].body
    clinician.refresh_from_db()
    assert clinician.account_type == AccountType.STAFF


def test_retrying_for_an_existing_account_sends_one_email(org, make_user):
    existing = make_supporter(make_user)
    data = registration(email=existing.email)
    _post(data)
    _post(data)
    assert len(mail.outbox) == 1


def test_registering_again_before_confirming_sends_a_fresh_link_and_no_second_user(org):
    _post(registration())
    first_token = mail.outbox[0].body.split("/family/verify/")[1].split("/")[0]
    _post(registration(given_name="Samuel", password1="another-long-phrase-77",
                       password2="another-long-phrase-77"))
    users = User.objects.filter(username="sam.okafor@example.org")
    assert users.count() == 1
    user = users.get()
    assert user.first_name == "Samuel" and user.check_password("another-long-phrase-77")
    assert len(mail.outbox) == 2 and "/family/verify/" in mail.outbox[1].body
    old = EmailVerification.objects.get(digest=link_digest(first_token))
    assert old.revoked_at is not None
    assert EmailVerification.objects.filter(user=user, revoked_at__isnull=True).count() == 1


@pytest.mark.parametrize("field,value,message", [
    ("email", "not-an-email", b"valid email"),
    ("given_name", "", b"This field is required"),
    ("password2", "something-else-entirely", b"two passwords are different"),
    ("password1", "short", b"too short"),
])
def test_bad_input_is_refused_naming_the_field_and_keeps_what_was_typed(
        org, field, value, message):
    data = registration(**{field: value})
    if field == "password1":
        data["password2"] = value
    response = _post(data)
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert message in response.content
    body = response.content.decode()
    if field != "given_name":
        assert 'value="Sam"' in body
    assert 'value="Okafor"' in body
    assert NEW_PASSWORD not in body and "something-else-entirely" not in body
    assert not User.objects.filter(account_type=AccountType.SUPPORTER).exists()
    assert mail.outbox == []


def test_a_password_like_the_email_is_refused(org):
    data = registration(email="riverbank.walker@example.org",
                        password1="riverbank.walker", password2="riverbank.walker")
    response = _post(data)
    assert response.status_code == 400
    assert "password1" in response.context["form"].errors


def test_registration_is_audited_without_the_email_address(org):
    _post(registration())
    user = User.objects.get(username="sam.okafor@example.org")
    event = AuditEvent.objects.get(object_type="family.supporter_account", action="create")
    assert event.object_id == str(user.uuid)
    assert "example.org" not in str(event.details)


def test_a_failed_email_leaves_no_usable_link_and_the_same_form_can_try_again(
        org, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    data = registration()
    with monkeypatch.context() as patched:
        patched.setattr(actions_accounts.notify, "send_email", broken)
        response = _post(data)
    assert response.status_code == 400
    assert b"could not send" in response.content
    user = User.objects.get(username="sam.okafor@example.org")
    assert not user.is_active
    assert not EmailVerification.objects.filter(user=user, revoked_at__isnull=True).exists()
    again = _post(data)
    assert again.status_code == 302
    assert len(mail.outbox) == 1 and "/family/verify/" in mail.outbox[0].body
    assert User.objects.filter(username="sam.okafor@example.org").count() == 1


def test_too_many_registrations_from_one_address_are_refused(org):
    client = Client()
    for n in range(10):
        assert client.post(reverse("family:register"),
                           registration(email=f"p{n}@example.org")).status_code == 302
    refused = client.post(reverse("family:register"), registration(email="p11@example.org"))
    assert refused.status_code == 400
    assert b"Too many requests" in refused.content


def test_a_signed_in_person_is_sent_home(org, make_user):
    client = Client()
    client.force_login(make_supporter(make_user))
    assert client.get(reverse("family:register"))["Location"] == reverse("ui:home")


def test_new_link_for_an_unverified_account_revokes_the_old_one(org):
    _post(registration())
    response = Client().post(reverse("family:register_resend"),
                             {"email": "sam.okafor@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert EmailVerification.objects.filter(revoked_at__isnull=True).count() == 1


def test_new_link_for_an_unknown_or_confirmed_address_says_the_same_and_sends_nothing(
        org, make_user):
    supporter = make_supporter(make_user)
    client = Client()
    for email in ("nobody@example.org", supporter.email):
        response = client.post(reverse("family:register_resend"), {"email": email})
        assert response.status_code == 302
        assert response["Location"] == reverse("family:register_sent")
    assert mail.outbox == []


def test_submission_key_is_unique_per_form(org):
    keys = {Client().get(reverse("family:register")).context["form"]["submission_key"].value()
            for _ in range(2)}
    assert len(keys) == 2
    assert all(uuid.UUID(str(k)) for k in keys)
