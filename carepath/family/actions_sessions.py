"""Inviting consenting supporters to a family session.

An invitation tells a supporter that a session exists and when it is: it discloses an
appointment, so it needs a consent in force naming that supporter that includes the
"appointments" category (a CarePath design choice: attendance or milestones alone do not
cover a future appointment). The email says only that there is an invitation; the details
are behind sign-in, where the consent is checked again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from carepath import notify
from carepath.access.policy import may_invite_supporters_to_session, supporter_access
from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.treatment.models import AttendanceStatus, SessionFormat, SessionStatus

from .models import FamilySessionInvite

OBJECT_TYPE = "family.session_invite"
CATEGORY = "appointments"
REFUSED = "Only staff who may manage this session can invite supporters to it."
# The whole message: no name, no service, no time or place, nothing about health.
SUBJECT = "You have been invited to a session"
MESSAGE = ("You have been invited to a session. Sign in to CarePath to see the details.\n\n"
           "{link}\n")


@dataclass
class InviteResult:
    invite: FamilySessionInvite
    created: bool  # False: this supporter was already invited to this session


def home_link() -> str:
    return settings.CAREPATH_BASE_URL.rstrip("/") + reverse("family:home")


def session_open_for_invites(session, now=None) -> str:
    """Why the session cannot take invitations, or "" when it can."""
    now = now or timezone.now()
    if session.format != SessionFormat.FAMILY:
        return "Only family sessions can have supporters invited."
    if session.status == SessionStatus.CANCELLED:
        return "This session was cancelled; no one can be invited to it."
    if session.starts_at <= now:
        return "This session has already started or taken place; no one can be invited."
    return ""


def consent_refusal(consent, now=None) -> str:
    """Why ``consent`` does not allow inviting its supporter, in words for staff, or ""."""
    today = timezone.localdate(now)
    who = consent.recipient
    if consent.revoked_at is not None:
        return (f"{who} cannot be invited: the consent was withdrawn on "
                f"{timezone.localtime(consent.revoked_at):%d %b %Y}.")
    if consent.expires_on < today:
        return f"{who} cannot be invited: the consent expired on {consent.expires_on:%d %b %Y}."
    if consent.starts_on > today:
        return (f"{who} cannot be invited yet: the consent starts on "
                f"{consent.starts_on:%d %b %Y}.")
    if CATEGORY not in (consent.data_categories or []):
        return (f"{who} cannot be invited: the consent does not include upcoming "
                "appointments, and an invitation would disclose one.")
    return ""


def _deny(ctx, patient, reason):
    audit.denied(ctx, patient=patient, object_type=OBJECT_TYPE, reason=reason)


def invite_supporter(ctx: audit.Context, session, consent) -> InviteResult:
    """Invite the supporter ``consent`` names to ``session``. Refused (audited) unless the
    actor may manage the family session; refused with the reason when the session is past
    or cancelled, the patient does not attend, or the consent is not in force for
    appointments. Inviting the same supporter again returns the first invitation."""
    patient = consent.patient
    if not may_invite_supporters_to_session(ctx.user, session):
        _deny(ctx, patient, "may_not_invite_supporters")
        raise PermissionDenied(REFUSED)
    supporter = consent.recipient_user
    problem = session_open_for_invites(session)
    if not problem and (supporter is None or supporter.account_type != AccountType.SUPPORTER
                        or not supporter.is_active):
        problem = (f"{consent.recipient} has no active CarePath supporter account, so "
                   "cannot be invited here.")
    if not problem and not session.attendances.filter(patient=patient).exclude(
            status=AttendanceStatus.CANCELLED).exists():
        problem = "That person is not attending this session."
    problem = problem or consent_refusal(consent)
    # The policy has the last word: the same check a supporter's own pages make.
    if not problem and not supporter_access(supporter, patient, CATEGORY):
        problem = f"{consent.recipient} cannot be invited: no consent in force for appointments."
    if problem:
        _deny(ctx, patient, "invite_refused")
        raise ValidationError({"supporters": [problem]})
    earlier = FamilySessionInvite.objects.filter(session=session, supporter=supporter).first()
    if earlier is not None:
        return InviteResult(earlier, created=False)
    try:
        with transaction.atomic():
            invite = FamilySessionInvite.objects.create(
                session=session, patient=patient, supporter=supporter, consent=consent,
                invited_by=ctx.user)
            audit.record(ctx, Action.CREATE, patient=patient, obj=invite,
                         object_type=OBJECT_TYPE,
                         details={"session": str(session.uuid), "consent": str(consent.uuid),
                                  "supporter": supporter.username})
    except IntegrityError:  # a double submission raced us: the first one stands
        return InviteResult(FamilySessionInvite.objects.get(session=session,
                                                            supporter=supporter), False)
    _notify(ctx, invite)
    return InviteResult(invite, created=True)


def _notify(ctx, invite) -> None:
    """After the commit of the invitation: a missing address does not undo it."""
    address = invite.supporter.email
    if not address:
        return
    notify.send_email(address, SUBJECT, MESSAGE.format(link=home_link()))
    audit.record(ctx, Action.NOTIFY, patient=invite.patient, obj=invite,
                 object_type=OBJECT_TYPE, details={"channel": "email"})
