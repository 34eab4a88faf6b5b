"""Inviting a person to the patient portal, and their accepting it.

The link's token is shown to nobody but the person: only its SHA-256 digest is stored, so
the token cannot be sent by a background job (its arguments are kept in the database);
the message goes out straight after the invitation is saved, and an invitation whose
message could not be sent is revoked at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from carepath import notify
from carepath.access.guards import require_change
from carepath.access.policy import may_invite_to_portal
from carepath.accounts.idempotency import run_once
from carepath.accounts.link_tokens import link_digest, new_link_token
from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import Patient

from .models import InvitationChannel, PortalInvitation
from .profiles import profile_for

OBJECT_TYPE = "recovery.portalinvitation"
INVITE_ENDPOINT = "recovery.portal_invite"
REFUSED = "Only the person's care team can invite them to CarePath."
# The whole message: no name, no service name, nothing about health or treatment
# (it may be read on a shared phone's lock screen or by whoever opens the mail).
SUBJECT = "You are invited to CarePath"
MESSAGE = "Your care team has invited you to CarePath. Set your password: {link}"
EMAIL_FOOTER = ("\n\nThe link works once and expires in {hours} hours. If you were not "
                "expecting this, you can ignore this message.")


class InvitationUnusable(Exception):
    """The link was used, revoked, has expired, or the person already has an account."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # used, revoked, expired, has_account


def has_active_account(patient) -> bool:
    user = patient.user if patient.user_id else None
    return user is not None and user.is_active


def join_link(token: str) -> str:
    path = reverse("recovery:join", kwargs={"token": token})
    return settings.CAREPATH_BASE_URL.rstrip("/") + path


def _address(patient, channel: str) -> str:
    if channel == InvitationChannel.EMAIL:
        if not patient.email:
            raise ValidationError({"channel": [
                "The record has no email address. Add one on the Summary tab, or choose "
                "a text message."]})
        return patient.email
    if channel == InvitationChannel.SMS:
        if not patient.phone:
            raise ValidationError({"channel": [
                "The record has no phone number. Add one on the Summary tab, or choose "
                "email."]})
        return patient.phone
    raise ValidationError({"channel": ["Choose email or text message."]})


def _send(channel: str, address: str, token: str) -> None:
    body = MESSAGE.format(link=join_link(token))
    if channel == InvitationChannel.EMAIL:
        hours = settings.CAREPATH_PORTAL_INVITE_HOURS
        notify.send_email(address, SUBJECT, body + EMAIL_FOOTER.format(hours=hours))
    else:
        notify.send_sms(address, body)


def invite_patient(ctx: audit.Context, patient, *, channel: str = InvitationChannel.EMAIL,
                   submission_key: str | None = None) -> tuple[PortalInvitation, str | None]:
    """Send the person a one-time link to set their password. Earlier unused invitations
    stop working. Returns the invitation and the raw token (for tests and the demo); a
    retry with the same ``submission_key`` returns the first invitation and no token."""
    require_change(ctx, patient, OBJECT_TYPE, decision=may_invite_to_portal(ctx.user, patient),
                   message=REFUSED)
    if has_active_account(patient):
        raise ValidationError(
            "This person already has an active CarePath account (username "
            f"“{patient.user.username}”). They can reset their password from the sign-in "
            "page; no invitation was sent.")
    address = _address(patient, channel)
    token = new_link_token()

    def create() -> PortalInvitation:
        now = timezone.now()
        with transaction.atomic():
            # The row lock makes two invitations at once queue up: only the last one works.
            Patient.objects.select_for_update().filter(pk=patient.pk).first()
            revoked = (PortalInvitation.objects
                       .filter(patient=patient, accepted_at__isnull=True,
                               revoked_at__isnull=True)
                       .update(revoked_at=now))
            invitation = PortalInvitation.objects.create(
                organisation_id=patient.organisation_id, patient=patient, channel=channel,
                sent_to=address, token_digest=link_digest(token), created_by=ctx.user,
                created_at=now,
                expires_at=now + timedelta(hours=settings.CAREPATH_PORTAL_INVITE_HOURS))
            audit.record(ctx, Action.CREATE, patient=patient, obj=invitation,
                         details={"channel": channel, "earlier_revoked": revoked})
        return invitation

    # A re-sent form (double tap, retry) returns the invitation already sent: a second
    # one would revoke the link the person is about to receive.
    invitation, earlier = run_once(ctx.user, INVITE_ENDPOINT, submission_key, "", create)
    if invitation is None:
        return PortalInvitation.objects.get(uuid=earlier), None
    try:
        _send(channel, address, token)
    except Exception as exc:
        # Nobody can use a link they never received: revoke it so the chart says so.
        PortalInvitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
        audit.record(ctx, Action.UPDATE, patient=patient, obj=invitation,
                     details={"revoked": "message_not_sent"})
        raise ValidationError({"channel": [
            "The message could not be sent, so the invitation was cancelled. Check the "
            "address and try again."]}) from exc
    audit.record(ctx, Action.NOTIFY, patient=patient, obj=invitation,
                 details={"channel": channel})
    return invitation, token


def invitation_for_token(token: str) -> PortalInvitation | None:
    if not token or len(token) > 200:
        return None
    return (PortalInvitation.objects.select_related("patient", "patient__organisation",
                                                    "patient__user")
            .filter(token_digest=link_digest(token)).first())


def why_unusable(invitation: PortalInvitation) -> str | None:
    """None when the link can still be used; otherwise used, revoked, expired or has_account."""
    if invitation.accepted_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= timezone.now():
        return "expired"
    if has_active_account(invitation.patient):
        return "has_account"
    return None


def check_new_account(invitation: PortalInvitation, username: str, password: str):
    """Raise ValidationError (fields username, password1) if the choice cannot be used."""
    from django.contrib.auth import password_validation

    User = get_user_model()
    errors: dict[str, list[str]] = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["That username is taken. Choose another one."]
    candidate = _new_user(invitation, username)
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        errors["password1"] = exc.messages
    if errors:
        raise ValidationError(errors)


def _new_user(invitation: PortalInvitation, username: str):
    patient = invitation.patient
    return get_user_model()(
        username=username, email=patient.email, account_type=AccountType.PATIENT, role="",
        organisation_id=patient.organisation_id,
        first_name=(patient.preferred_name or patient.legal_given_name)[:150],
        last_name=patient.legal_family_name[:150])


def accept_invitation(token: str, *, username: str, password: str,
                      client_address: str | None = None):
    """Create the person's account from a usable invitation, link it to their record and
    start their recovery profile, all in one transaction. A retried submission finds the
    invitation used and creates nothing (InvitationUnusable("used"))."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise InvitationUnusable("unknown")
    with transaction.atomic():
        # Locked rows only (no joins: PostgreSQL cannot lock the nullable side of one).
        invitation = PortalInvitation.objects.select_for_update().get(pk=invitation.pk)
        patient = Patient.objects.select_for_update().get(pk=invitation.patient_id)
        invitation.patient = patient
        reason = why_unusable(invitation)
        if reason:
            raise InvitationUnusable(reason)
        check_new_account(invitation, username, password)
        user = _new_user(invitation, username)
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ValidationError({"username": [
                "That username is taken. Choose another one."]}) from None
        patient.user = user
        patient.save(update_fields=["user"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
        profile = profile_for(patient)
        if not profile.checkins_expected:
            profile.checkins_expected = True
            profile.updated_at = timezone.now()
            profile.save(update_fields=["checkins_expected", "updated_at"])
        ctx = audit.Context(user=user, client_address=client_address, via="invitation")
        audit.record(ctx, Action.CREATE, patient=patient, object_type="accounts.user",
                     object_id=str(user.uuid), details={"account_type": "patient"})
        audit.record(ctx, Action.UPDATE, patient=patient, obj=invitation,
                     details={"accepted": True})
    return user
