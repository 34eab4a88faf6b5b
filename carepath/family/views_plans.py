"""Starting a plan, its overview, and joining one from an invitation link. Thin: parse,
call the action, render."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache

from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.audit.models import Action, Outcome
from carepath.ui.forms import add_action_errors

from . import actions_plan_join as joining
from . import actions_plans as actions
from . import steps as plan_steps
from .forms_plans import PlanNewForm, new_submission_key
from .plan_guard import plan_view

JOIN_STATUS = {"unknown": 404, "used": 410, "expired": 410}


def _ctx(request):
    return audit.Context.from_request(request)


@login_required
def plan_new(request):
    if request.user.account_type != AccountType.SUPPORTER:
        audit.record(_ctx(request), Action.CREATE, object_type=actions.OBJECT_TYPE,
                     outcome=Outcome.DENIED, details={"reason": "not_a_supporter"})
        raise Http404("Only supporter accounts can create an intervention plan.")
    status = 200
    if request.method == "POST":
        form = PlanNewForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = actions.create_plan(
                    _ctx(request), loved_one_name=data["loved_one_name"],
                    setting=data["setting"], intervention_date=data["intervention_date"],
                    submission_key=data["submission_key"])
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, "Your plan is started. Next, build the team.")
                return redirect("family:step_plan", plan_id=plan.uuid)
        status = 400
    else:
        form = PlanNewForm(initial={"submission_key": new_submission_key()})
    return TemplateResponse(request, "family/plans/new.html", {"form": form}, status=status)


@plan_view
def plan_overview(request, plan, member):
    states = plan_steps.states(plan)
    next_slug = plan_steps.next_step(plan)
    members = list(plan.members.all())
    return TemplateResponse(request, "family/plans/overview.html", {
        "plan": plan, "member": member, "steps": states,
        "next": next(s for s in states if s.slug == next_slug),
        "all_done": all(s.done for s in states),
        "joined": sum(1 for m in members if m.has_accepted),
        "invited": sum(1 for m in members if not m.has_accepted)})


def _unusable(request, reason: str):
    return TemplateResponse(request, "family/plans/join_unusable.html", {"reason": reason},
                            status=JOIN_STATUS.get(reason, 410))


@never_cache
def plan_join(request, token):
    """The invitation link. Signed out: to sign in (or register) and back. Signed in as
    the invited supporter: a page to confirm joining (a POST, so a link preview or a
    forged request cannot join anyone). Anyone else: refused, audited, nothing joined."""
    member = joining.invitation_for_token(token)
    reason = joining.why_unusable(member)
    user = request.user
    if reason == "used" and user.is_authenticated and member.user_id == user.pk:
        return redirect("family:plan", plan_id=member.plan.uuid)
    if reason:
        return _unusable(request, reason)
    if not user.is_authenticated:
        messages.info(request, "You have been invited to join a private family plan. Sign in "
                               "with your supporter account to accept. New to CarePath? "
                               f"Register first at {reverse('family:register')} with the "
                               "email address the invitation was sent to, then open the "
                               "link again.")
        return redirect(reverse("accounts:login") + "?" + urlencode({"next": request.path}))
    ctx = _ctx(request)
    try:
        if request.method == "POST":
            member = joining.accept_invitation(ctx, token)
            messages.success(request, f"You have joined the plan for "
                                      f"{member.plan.loved_one_name}.")
            return redirect("family:plan", plan_id=member.plan.uuid)
        joining.refuse_if_not_invitee(ctx, member)
        audit.record(ctx, Action.READ, obj=member, object_type=actions.MEMBER_TYPE,
                     details={"plan": str(member.plan.uuid), "page": "plan_join"})
    except joining.InvitationUnusable as exc:
        return _unusable(request, exc.reason)
    except joining.InvitationRefused as exc:
        return TemplateResponse(request, "family/plans/join_refused.html",
                                {"reason": exc.reason}, status=403)
    return TemplateResponse(request, "family/plans/join.html", {"invitation": member})
