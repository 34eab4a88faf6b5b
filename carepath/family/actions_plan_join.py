"""Joining an intervention plan by the one-time link an invitation email carries.

Only a supporter account whose email is the invited address may join; anyone else is
refused, audited, and nothing changes. Joining is a button press (a POST), so a link
preview cannot join anyone.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from carepath.accounts.link_tokens import link_digest
from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.audit.models import Action, Outcome

from .actions_plans import MEMBER_TYPE
from .models import PlanMember


class InvitationUnusable(Exception):
    """The link is unknown, already used or expired (``reason``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class InvitationRefused(PermissionDenied):
    """The signed-in account may not accept this invitation (``reason``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def invitation_for_token(token: str) -> PlanMember | None:
    if not token or len(token) > 200:
        return None
    return (PlanMember.objects.select_related("plan")
            .filter(invite_digest=link_digest(token)).first())


def why_unusable(member: PlanMember | None) -> str | None:
    """None while the link can be used; else unknown, used or expired."""
    if member is None:
        return "unknown"
    if member.accepted_at is not None:
        return "used"
    if member.invite_expires_at is None or member.invite_expires_at <= timezone.now():
        return "expired"
    return None


def refusal_reason(user, member: PlanMember) -> str | None:
    """Why this account may not accept the invitation, or None."""
    if getattr(user, "account_type", None) != AccountType.SUPPORTER:
        return "not_a_supporter"
    if (user.email or "").strip().lower() != member.email.lower():
        return "email_mismatch"
    if PlanMember.objects.filter(plan_id=member.plan_id, user=user).exists():
        return "already_member"
    return None


def refuse_if_not_invitee(ctx, member: PlanMember, action: str = Action.READ) -> None:
    """A denied audit event and InvitationRefused when the caller is not the invitee."""
    reason = refusal_reason(ctx.user, member)
    if reason:
        audit.record(ctx, action, obj=member, object_type=MEMBER_TYPE, outcome=Outcome.DENIED,
                     details={"plan": str(member.plan.uuid), "reason": reason})
        raise InvitationRefused(reason)


def accept_invitation(ctx, token: str) -> PlanMember:
    """The signed-in supporter whose account email is the invited address joins the plan.
    Anyone else is refused (audited) and nothing changes. The link then counts as used:
    ``accepted_at`` is set and the digest is only kept to say so."""
    member = invitation_for_token(token)
    reason = why_unusable(member)
    if reason:
        raise InvitationUnusable(reason)
    user = ctx.user
    refuse_if_not_invitee(ctx, member, Action.UPDATE)
    with transaction.atomic():
        locked = PlanMember.objects.select_for_update().get(pk=member.pk)
        reason = why_unusable(locked)  # a double click: the first one won
        if reason:
            raise InvitationUnusable(reason)
        locked.user = user
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["user", "accepted_at"])
        audit.record(ctx, Action.UPDATE, obj=locked, object_type=MEMBER_TYPE,
                     details={"plan": str(member.plan.uuid), "accepted": True})
    locked.plan = member.plan
    return locked
