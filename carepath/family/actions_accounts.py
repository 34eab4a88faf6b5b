"""Supporter accounts: self-registration and email verification.

The only writer of SupporterProfile and EmailVerification. Registration never says whether
an address already has an account (that would tell anyone who types it that this person
is linked to an addiction service): the page is the same, and only the mailbox's owner
learns the difference from the email. Emails name no health matter, service or person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from carepath import notify
from carepath.accounts.link_tokens import link_digest, new_link_token
from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.intake.actions_enquiries import front_door_organisation

from .models import EmailVerification, SupporterProfile

OBJECT_TYPE = "family.supporter_account"
# A retried form for an address that already has an account sends nothing twice.
RETRY_SECONDS = 24 * 60 * 60

VERIFY_SUBJECT = "Confirm your email address for CarePath"
VERIFY_BODY = ("Someone (we hope you) asked to create a CarePath account with this email "
               "address. Confirm it with this link:\n\n{link}\n\nThe link works once and "
               "expires in {hours} hours. If this was not you, ignore this message: no "
               "account is opened without the link.")
EXISTING_SUBJECT = "You already have a CarePath account"
EXISTING_BODY = ("Someone (we hope you) asked to create a CarePath account with this email "
                 "address, but you already have one. Sign in here:\n\n{login}\n\nForgotten "
                 "your password? Reset it here:\n\n{reset}\n\nIf this was not you, ignore "
                 "this message: nothing has changed.")
SEND_FAILED = ("We could not send an email just now, so nothing was set up. Check the "
               "address and try again in a few minutes.")


@dataclass(frozen=True)
class Registration:
    """What a registration did. The page shown is the same whatever happened."""

    outcome: str  # created, re_registered, already_registered, retry
    user: object | None = None
    token: str | None = None  # the raw link token, for tests and the demo only


def _absolute(path: str) -> str:
    return settings.CAREPATH_BASE_URL.rstrip("/") + path


def verify_link(token: str) -> str:
    return _absolute(reverse("family:verify", kwargs={"token": token}))


def _find_account(email: str):
    User = get_user_model()
    return (User.objects.filter(username__iexact=email).first()
            or User.objects.filter(email__iexact=email).order_by("pk").first())


def _new_link(user, now) -> str:
    """A fresh verification link for ``user``; every older unused one stops working."""
    token = new_link_token()
    EmailVerification.objects.filter(user=user, used_at__isnull=True,
                                     revoked_at__isnull=True).update(revoked_at=now)
    EmailVerification.objects.create(
        user=user, digest=link_digest(token), created_at=now,
        expires_at=now + timedelta(hours=settings.CAREPATH_SUPPORTER_VERIFY_HOURS))
    return token


def _send_verification(user, token: str) -> None:
    body = VERIFY_BODY.format(link=verify_link(token),
                              hours=settings.CAREPATH_SUPPORTER_VERIFY_HOURS)
    try:
        notify.send_email(user.email, VERIFY_SUBJECT, body)
    except Exception as exc:
        # A link nobody received must not stay usable, and the same form sent again must
        # try again rather than count as a retry of something that worked.
        EmailVerification.objects.filter(digest=link_digest(token)).update(
            revoked_at=timezone.now())
        SupporterProfile.objects.filter(user=user, email_verified_at__isnull=True).update(
            submission_key=None)
        raise ValidationError({"email": [SEND_FAILED]}) from exc


def _send_existing(email: str) -> None:
    body = EXISTING_BODY.format(login=_absolute(reverse("accounts:login")),
                                reset=_absolute(reverse("accounts:password_reset")))
    try:
        notify.send_email(email, EXISTING_SUBJECT, body)
    except Exception as exc:
        raise ValidationError({"email": [SEND_FAILED]}) from exc


def _is_unverified_supporter(user) -> bool:
    profile = getattr(user, "supporter_profile", None) \
        if user.account_type == AccountType.SUPPORTER else None
    return profile is not None and not profile.is_verified and not user.is_active


def check_password(password: str, *, email: str, given_name: str, family_name: str) -> None:
    """Django's password validators, against a candidate user; errors name password1."""
    candidate = get_user_model()(username=email, email=email, first_name=given_name,
                                 last_name=family_name)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from None


def register_supporter(ctx: audit.Context, *, given_name: str, family_name: str,
                       email: str, password: str,
                       submission_key: str | None = None) -> Registration:
    """Open an inactive supporter account and email a verification link, or (for an
    address that already has an account) email "you already have one" instead."""
    email = email.strip().lower()
    given_name, family_name = given_name.strip()[:150], family_name.strip()[:150]
    key = submission_key or None
    if key and SupporterProfile.objects.filter(submission_key=key).exists():
        return Registration("retry")
    check_password(password, email=email, given_name=given_name, family_name=family_name)
    now = timezone.now()
    done = None
    # The email goes out after the commit: nothing slow runs while rows (and the audit
    # chain's head) are locked.
    with transaction.atomic():
        existing = _find_account(email)
        if existing is not None and _is_unverified_supporter(existing):
            # Registering again before confirming: the latest form wins (names, password),
            # one user, a fresh link. A squatter who registered first loses their password.
            existing.first_name, existing.last_name = given_name, family_name
            existing.set_password(password)
            existing.save(update_fields=["first_name", "last_name", "password"])
            SupporterProfile.objects.filter(user=existing).update(submission_key=key)
            token = _new_link(existing, now)
            audit.record(ctx, Action.UPDATE, object_type=OBJECT_TYPE,
                         object_id=str(existing.uuid), details={"event": "re_registered"})
            done = Registration("re_registered", existing, token)
        elif existing is None:
            user = _create(ctx, email, given_name, family_name, password, key, now)
            if user is not None:
                done = Registration("created", user, _new_link(user, now))
            # Lost a race: to a double-submitted form (same key), or to another form.
            elif key and SupporterProfile.objects.filter(submission_key=key).exists():
                return Registration("retry")
            else:
                existing = _find_account(email)
    if done is None:
        return _already_registered(ctx, existing, email, key)
    _send_verification(done.user, done.token)
    return done


def _create(ctx, email, given_name, family_name, password, key, now):
    try:
        with transaction.atomic():
            user = get_user_model()(
                username=email, email=email, first_name=given_name, last_name=family_name,
                account_type=AccountType.SUPPORTER, role="", is_active=False,
                organisation=front_door_organisation(), date_joined=now)
            user.set_password(password)
            user.save()
            SupporterProfile.objects.create(user=user, created_at=now, submission_key=key)
            audit.record(ctx, Action.CREATE, object_type=OBJECT_TYPE, object_id=str(user.uuid),
                         details={"event": "registered"})
    except IntegrityError:
        return None
    return user


def _already_registered(ctx, existing, email: str, key) -> Registration:
    if key and not cache.add(f"family:register:{key}", 1, RETRY_SECONDS):
        return Registration("retry")
    audit.record(ctx, Action.NOTIFY, object_type=OBJECT_TYPE,
                 object_id=str(getattr(existing, "uuid", "")),
                 details={"event": "already_registered"})
    _send_existing(email)
    return Registration("already_registered", existing)


def send_new_link(ctx: audit.Context, email: str) -> str | None:
    """"Send me a new link": only an unverified supporter gets one; any other address gets
    nothing, and the page says the same either way. Returns the token (tests only)."""
    user = _find_account(email.strip().lower())
    if user is None or not _is_unverified_supporter(user):
        return None
    with transaction.atomic():
        token = _new_link(user, timezone.now())
        audit.record(ctx, Action.NOTIFY, object_type=OBJECT_TYPE, object_id=str(user.uuid),
                     details={"event": "verification_resent"})
    _send_verification(user, token)
    return token


def verification_for_token(token: str) -> EmailVerification | None:
    if not token or len(token) > 200:
        return None
    return EmailVerification.objects.filter(digest=link_digest(token)).first()


def verify_email(token: str, *, client_address: str | None = None):
    """Use a verification link: the address is confirmed and the account can sign in.
    Returns the user, or None for an unknown, used, revoked or expired link (the page
    does not say which)."""
    found = verification_for_token(token)
    if found is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        link = EmailVerification.objects.select_for_update().get(pk=found.pk)
        if not link.is_usable(now):
            return None
        user = get_user_model().objects.select_for_update().get(pk=link.user_id)
        link.used_at = now
        link.save(update_fields=["used_at"])
        SupporterProfile.objects.filter(user=user, email_verified_at__isnull=True).update(
            email_verified_at=now)
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        ctx = audit.Context(user=user, client_address=client_address, via="email_link")
        audit.record(ctx, Action.UPDATE, object_type=OBJECT_TYPE, object_id=str(user.uuid),
                     details={"event": "email_verified"})
    return user
