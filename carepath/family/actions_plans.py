"""Creating an intervention plan and managing its team: basics (setting, date), invitations
by email, the chairperson and removing members (joining by invitation: actions_plan_join).

Every change checks who is asking, runs in a transaction and is audited. Audit details
hold identifiers and field names only, never what was typed.

Design choices (docs/intervention-planner.md): any accepted member may invite; only the
chair hands the chair over (any member may choose one when nobody chairs); the chair
removes members, and anyone but the chair may leave.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from carepath import notify
from carepath.access.policy import plan_membership
from carepath.accounts.idempotency import run_once
from carepath.accounts.link_tokens import link_digest, new_link_token
from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.audit.models import Action, Outcome
from carepath.intake.actions_enquiries import front_door_organisation

from .models import InterventionPlan, MemberRole, PlanMember

OBJECT_TYPE = "family.plan"
MEMBER_TYPE = "family.planmember"
INVITE_ENDPOINT = "family.plan_invite"
PAST_DATE = "The intervention date cannot be in the past. Choose today or a later date."
# The invitation says who invited them and nothing about the person or their health: it may
# be read on a shared screen or by someone else who opens the mail.
INVITE_SUBJECT = "You are invited to join a private family plan on CarePath"
INVITE_BODY = ("{inviter} has invited you to join a private family plan on CarePath.\n\n"
               "Open this link to join: {link}\n\n"
               "The link works once and expires in {days} days. You need a CarePath "
               "supporter account with this email address ({email}); you can create one "
               "from the link. If you were not expecting this, you can ignore this message.")


def _denied(ctx, obj, object_type: str, reason: str, message: str):
    audit.record(ctx, Action.UPDATE, obj=obj, object_type=object_type,
                 outcome=Outcome.DENIED, details={"reason": reason})
    raise PermissionDenied(message)


def require_member(ctx, plan) -> PlanMember:
    """The caller's accepted membership, or a denied audit event and PermissionDenied."""
    member = plan_membership(ctx.user, plan)
    if member is None:
        _denied(ctx, plan, OBJECT_TYPE, "not_on_plan_team", "Only the plan's team can do this.")
    return member


def check_date(value, *, unchanged=None) -> None:
    # A stored date left as it is stays valid after the day has passed (the plan is kept).
    if value is not None and value != unchanged and value < timezone.localdate():
        raise ValidationError({"intervention_date": [PAST_DATE]})


def create_plan(ctx, *, loved_one_name: str, setting: str = "", intervention_date=None,
                submission_key=None) -> InterventionPlan:
    """A new plan; the creator joins as its first accepted member and chair. A retried
    form (same submission key) returns the plan it made the first time."""
    user = ctx.user
    if user is None or getattr(user, "account_type", None) != AccountType.SUPPORTER:
        audit.record(ctx, Action.CREATE, object_type=OBJECT_TYPE, outcome=Outcome.DENIED,
                     details={"reason": "not_a_supporter"})
        raise PermissionDenied("Only supporter accounts can create an intervention plan.")
    if submission_key:
        earlier = InterventionPlan.objects.filter(submission_key=submission_key,
                                                  created_by=user).first()
        if earlier is not None:
            return earlier
    name = (loved_one_name or "").strip()
    if not name:
        raise ValidationError({"loved_one_name": [
            "Enter the name you use for the person you are worried about."]})
    check_date(intervention_date)
    organisation = user.organisation or front_door_organisation()
    now = timezone.now()
    try:
        with transaction.atomic():
            plan = InterventionPlan.objects.create(
                organisation=organisation, created_by=user, created_at=now, updated_at=now,
                submission_key=submission_key or None, loved_one_name=name[:100],
                setting=(setting or "").strip()[:300], intervention_date=intervention_date)
            member = PlanMember.objects.create(
                plan=plan, user=user, name=(user.get_full_name() or user.username)[:150],
                email=(user.email or "").lower(), role=MemberRole.FAMILY, is_chair=True,
                invited_by=user, invited_at=now, accepted_at=now)
            audit.record(ctx, Action.CREATE, obj=plan, object_type=OBJECT_TYPE)
            audit.record(ctx, Action.CREATE, obj=member, object_type=MEMBER_TYPE,
                         details={"plan": str(plan.uuid), "chair": True})
    except IntegrityError:
        if not submission_key:
            raise
        return InterventionPlan.objects.get(submission_key=submission_key)
    return plan


def update_basics(ctx, plan, *, setting: str, intervention_date) -> InterventionPlan:
    require_member(ctx, plan)
    check_date(intervention_date, unchanged=plan.intervention_date)
    with transaction.atomic():
        locked = InterventionPlan.objects.select_for_update().get(pk=plan.pk)
        changed = []
        if locked.setting != setting.strip():
            locked.setting = setting.strip()[:300]
            changed.append("setting")
        if locked.intervention_date != intervention_date:
            locked.intervention_date = intervention_date
            changed.append("intervention_date")
        if changed:
            locked.updated_at = timezone.now()
            locked.save(update_fields=[*changed, "updated_at"])
            audit.record(ctx, Action.UPDATE, obj=locked, object_type=OBJECT_TYPE,
                         details={"fields": changed})
    return locked


def join_link(token: str) -> str:
    path = reverse("family:plan_join", kwargs={"token": token})
    return settings.CAREPATH_BASE_URL.rstrip("/") + path


def invite_member(ctx, plan, *, name: str, email: str, role: str = MemberRole.FAMILY,
                  relationship: str = "", submission_key=None) -> tuple[PlanMember, str | None]:
    """Invite someone by email. Returns the member row and the raw token (None for a retried
    form, which returns the first invitation without sending another email)."""
    inviter = require_member(ctx, plan)
    email = (email or "").strip().lower()
    if role not in MemberRole.values:
        raise ValidationError({"role": ["Choose a role from the list."]})
    token = new_link_token()

    def create() -> PlanMember:
        # Checked here, after run_once: a retried form returns its first invitation instead.
        existing = plan.members.filter(email__iexact=email).first()
        if existing is not None:
            raise ValidationError({"email": [f"{existing.name} ({email}) is already on this "
                                             "plan's team."]})
        now = timezone.now()
        with transaction.atomic():
            try:
                with transaction.atomic():
                    member = PlanMember.objects.create(
                        plan=plan, name=name.strip()[:150], email=email, role=role,
                        relationship=relationship.strip()[:60], invited_by=ctx.user,
                        invited_at=now, invite_digest=link_digest(token),
                        invite_expires_at=now + timedelta(
                            days=settings.CAREPATH_PLAN_INVITE_DAYS))
            except IntegrityError:
                # Someone invited the same address a moment ago.
                raise ValidationError({"email": [
                    f"{email} is already on this plan's team."]}) from None
            audit.record(ctx, Action.CREATE, obj=member, object_type=MEMBER_TYPE,
                         details={"plan": str(plan.uuid), "role": role})
        return member

    member, earlier = run_once(ctx.user, INVITE_ENDPOINT, str(submission_key or ""),
                               str(plan.uuid), create)
    if member is None:
        member = PlanMember.objects.filter(uuid=earlier).first()
        if member is None:
            raise ValidationError("That invitation could not be sent. Fill in the form again.")
        return member, None
    body = INVITE_BODY.format(inviter=inviter.name, link=join_link(token), email=email,
                              days=settings.CAREPATH_PLAN_INVITE_DAYS)
    try:
        notify.send_email(email, INVITE_SUBJECT, body)
    except Exception as exc:
        # Nobody can accept a link they never received: take the invitation back.
        member.delete()
        audit.record(ctx, Action.DELETE, object_type=MEMBER_TYPE, object_id=str(member.uuid),
                     details={"plan": str(plan.uuid), "reason": "message_not_sent"})
        raise ValidationError({"email": ["The invitation could not be sent, so nobody was "
                                         "added. Check the address and try again."]}) from exc
    audit.record(ctx, Action.NOTIFY, obj=member, object_type=MEMBER_TYPE,
                 details={"plan": str(plan.uuid), "channel": "email"})
    return member, token


def _team_member(plan, member_uuid) -> PlanMember:
    target = plan.members.filter(uuid=member_uuid).first()
    if target is None:
        raise ValidationError({"member": ["Choose someone on this plan's team."]})
    return target


def set_chair(ctx, plan, member_uuid) -> PlanMember:
    """The chair hands over to another accepted member; with no chair, any member chooses."""
    actor = require_member(ctx, plan)
    current = plan.members.filter(is_chair=True).first()
    if current is not None and current.pk != actor.pk:
        # Outside the transaction, so the denied event is kept.
        _denied(ctx, plan, OBJECT_TYPE, "not_chair",
                f"Only the chairperson ({current.name}) can hand the chair over.")
    with transaction.atomic():
        InterventionPlan.objects.select_for_update().filter(pk=plan.pk).first()
        if plan.members.filter(is_chair=True).exclude(pk=getattr(current, "pk", None)).exists():
            raise ValidationError("Someone else changed the chair just now. Try again.")
        target = _team_member(plan, member_uuid)
        if target.accepted_at is None:
            raise ValidationError({"member": [
                f"{target.name} has not joined yet; the chair goes to someone who has."]})
        if current is not None and current.pk == target.pk:
            return target
        if current is not None:
            PlanMember.objects.filter(pk=current.pk).update(is_chair=False)
        PlanMember.objects.filter(pk=target.pk).update(is_chair=True)
        audit.record(ctx, Action.UPDATE, obj=target, object_type=MEMBER_TYPE,
                     details={"plan": str(plan.uuid), "chair": True})
    target.is_chair = True
    return target


def remove_member(ctx, plan, member_uuid) -> None:
    """The chair removes a member (or cancels an invitation); anyone but the chair may
    leave. Their statement and boundaries go with them; if they had boundaries, everyone
    is asked to agree again (the set changed)."""
    actor = require_member(ctx, plan)
    target = _team_member(plan, member_uuid)
    if target.pk != actor.pk and not actor.is_chair:
        _denied(ctx, plan, OBJECT_TYPE, "not_chair",
                "Only the chairperson can remove someone else from the team.")
    if target.is_chair:
        raise ValidationError({"member": [
            "The chairperson cannot be removed. Hand the chair to someone else first."]})
    with transaction.atomic():
        locked_plan = InterventionPlan.objects.select_for_update().get(pk=plan.pk)
        if target.boundaries.filter(removed_at__isnull=True).exists():
            locked_plan.boundaries_changed_at = timezone.now()
            locked_plan.save(update_fields=["boundaries_changed_at"])
        target_uuid = str(target.uuid)
        target.delete()
        audit.record(ctx, Action.DELETE, object_type=MEMBER_TYPE, object_id=target_uuid,
                     details={"plan": str(plan.uuid), "left": target_uuid == str(actor.uuid)})
