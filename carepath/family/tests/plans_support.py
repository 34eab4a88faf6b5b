"""Test helpers for the intervention planner (used by the early and late step tests).

    plan, members = make_plan(org, make_user, members=3, setting="Mum's kitchen")

``members[0]`` is the creator and chair; every member is an accepted supporter with a user
account (``member.user``). Rows are made directly (no actions, no audit), so tests of the
actions themselves start from a known state.
"""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from carepath.accounts.models import AccountType
from carepath.family.models import InterventionPlan, MemberRole, PlanMember, Statement


def make_supporter(make_user, **kwargs):
    return make_user(None, account_type=AccountType.SUPPORTER, with_totp=False, **kwargs)


def supporter_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def add_member(plan, user, *, accepted=True, is_chair=False, role=MemberRole.FAMILY,
               relationship="", name=None, email=None, **fields) -> PlanMember:
    now = timezone.now()
    return PlanMember.objects.create(
        plan=plan, user=user if accepted else None,
        name=name or (user.get_full_name() if user else "Invited person"),
        email=(email or (user.email if user else "invited@example.org")).lower(),
        role=role, relationship=relationship, is_chair=is_chair,
        invited_by=plan.created_by, invited_at=now,
        accepted_at=now if accepted else None, **fields)


def make_plan(org, make_user, members: int = 2, *, creator=None,
              **fields) -> tuple[InterventionPlan, list[PlanMember]]:
    """A plan with ``members`` accepted members (the creator, as chair, is the first).

    ``fields`` are InterventionPlan fields (setting, intervention_date, ...). Defaults:
    loved one "Sam", no setting, no date."""
    creator = creator or make_supporter(make_user)
    data = {"loved_one_name": "Sam", **fields}
    plan = InterventionPlan.objects.create(organisation=org, created_by=creator, **data)
    team = [add_member(plan, creator, is_chair=True, relationship="parent")]
    for _ in range(members - 1):
        team.append(add_member(plan, make_supporter(make_user), relationship="sibling"))
    return plan, team


def complete_step_one(plan) -> InterventionPlan:
    """Give the plan a setting and a future date (with two accepted members, step 1 is done)."""
    plan.setting = plan.setting or "At home, in the kitchen"
    plan.intervention_date = plan.intervention_date or timezone.localdate() + timedelta(days=14)
    plan.save(update_fields=["setting", "intervention_date"])
    return plan


def write_statement(member, *, shared=False, **texts) -> Statement:
    data = {"behaviours": "I saw you miss work three times.", "impact": "I felt scared.",
            "care": "I love you.", "request": "Please come to an assessment.", **texts}
    return Statement.objects.create(member=member, shared_at=timezone.now() if shared else None,
                                    **data)
