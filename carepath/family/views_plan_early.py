"""Steps 1 to 3 of the planner: plan and team, consult a professional, prepare statements.

Each page has several small forms; the POST's ``form`` field says which one was sent. A
refused form is shown again with what was typed (400), a refused permission with the
reason (403, audited by the action). Successful posts redirect (post/redirect/get)."""

from __future__ import annotations

from django import forms as forms_lib
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from carepath.access.policy import plan_membership
from carepath.audit import log as audit
from carepath.directory.search import confirmed_text
from carepath.ui.forms import add_action_errors

from . import actions_consult, actions_plans, actions_statements
from .forms_consult import ChooseServiceForm, NotesForm, RequestAdvisorForm
from .forms_plans import InviteForm, MemberChoiceForm, PlanBasicsForm, new_submission_key
from .forms_statements import StatementForm
from .plan_guard import plan_view
from .step_pages import step_context

SERVICES_SHOWN = 50  # the directory's family-support services, by name


def _ctx(request):
    return audit.Context.from_request(request)


def _run(request, form, call):
    """Run ``call`` (an action) for a valid form. Returns (done, status)."""
    if not form.is_valid():
        return False, 400
    try:
        call(form.cleaned_data)
    except ValidationError as exc:
        add_action_errors(form, exc)
        return False, 400
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return False, 403
    return True, 200


def _redirect(slug, plan):
    return redirect(f"family:step_{slug}", plan_id=plan.uuid)


# --- Step 1: plan and team ---------------------------------------------------------------

@plan_view
def step_plan(request, plan, member):
    ctx = _ctx(request)
    forms = {
        "basics": PlanBasicsForm(initial={"setting": plan.setting,
                                          "intervention_date": plan.intervention_date}),
        "invite": InviteForm(initial={"submission_key": new_submission_key()}),
        "chair": MemberChoiceForm(prefix="chair"),
        "remove": MemberChoiceForm(prefix="remove"),
    }
    status = 200
    if request.method == "POST":
        which = request.POST.get("form", "")
        calls = {
            "basics": (PlanBasicsForm, {}, lambda d: actions_plans.update_basics(
                ctx, plan, setting=d["setting"], intervention_date=d["intervention_date"]),
                "Saved the setting and date."),
            "invite": (InviteForm, {}, lambda d: actions_plans.invite_member(
                ctx, plan, name=d["name"], email=d["email"], role=d["role"],
                relationship=d["relationship"], submission_key=d["submission_key"]),
                "Invitation sent. They join when they open the link and sign in."),
            "chair": (MemberChoiceForm, {"prefix": "chair"}, lambda d: actions_plans.set_chair(
                ctx, plan, d["member"]), "The chairperson is changed."),
            "remove": (MemberChoiceForm, {"prefix": "remove"},
                       lambda d: actions_plans.remove_member(ctx, plan, d["member"]),
                       "Removed from the team."),
        }
        if which in calls:
            form_class, kwargs, call, done_message = calls[which]
            form = forms[which] = form_class(request.POST, **kwargs)
            done, status = _run(request, form, call)
            if done:
                messages.success(request, done_message)
                if which == "remove" and plan_membership(request.user, plan) is None:
                    return redirect("family:home")  # they left the plan
                return _redirect("plan", plan)
        else:
            status = 400
    team = list(plan.members.all())
    current_chair = next((m for m in team if m.is_chair), None)
    return TemplateResponse(request, "family/plans/step_plan.html", step_context(
        plan, member, "plan", forms=forms, team=team, chair=current_chair,
        may_choose_chair=current_chair is None or current_chair.pk == member.pk,
        chair_choices=[m for m in team if m.has_accepted and not m.is_chair]),
        status=status)


# --- Step 2: consult a professional ------------------------------------------------------

@plan_view
def step_consult(request, plan, member):
    ctx = _ctx(request)
    forms = {
        "choose": ChooseServiceForm(),
        "request": RequestAdvisorForm(initial={"submission_key": new_submission_key()}),
        "notes": NotesForm(initial={"notes": plan.consult_notes}),
    }
    status = 200
    if request.method == "POST":
        which = request.POST.get("form", "")
        calls = {
            "choose": (ChooseServiceForm, lambda d: actions_consult.choose_service(
                ctx, plan, d["service"]), "Saved your choice of professional."),
            "clear": (forms_lib.Form, lambda d: actions_consult.clear_service(ctx, plan),
                      "Your choice of professional is cleared."),
            "request": (RequestAdvisorForm, lambda d: actions_consult.request_advisor(
                ctx, plan, question=d["question"], submission_key=d["submission_key"]),
                "Your request is with CarePath's intake team. They will contact you."),
            "notes": (NotesForm, lambda d: actions_consult.save_notes(ctx, plan, d["notes"]),
                      "Notes saved."),
        }
        if which in calls:
            form_class, call, done_message = calls[which]
            form = form_class(request.POST)
            if which != "clear":
                forms[which] = form
            done, status = _run(request, form, call)
            if done:
                messages.success(request, done_message)
                return _redirect("consult", plan)
        else:
            status = 400
    services = list(actions_consult.advisor_services()[:SERVICES_SHOWN])
    for service in services:
        service.confirmed = confirmed_text(service)
    chosen = plan.consult_service if plan.consult_service_id else None
    return TemplateResponse(request, "family/plans/step_consult.html", step_context(
        plan, member, "consult", forms=forms, services=services, chosen=chosen,
        enquiry_requested=plan.consult_enquiry_id is not None), status=status)


# --- Step 3: prepare statements ----------------------------------------------------------

@plan_view
def step_statements(request, plan, member):
    ctx = _ctx(request)
    team = list(plan.members.all())
    own = next((m.statement for m in team if m.pk == member.pk
                and hasattr(m, "statement")), None)
    form = StatementForm(initial={name: getattr(own, name, "")
                                  for name in actions_statements.FIELDS})
    status, share_error = 200, ""
    if request.method == "POST":
        which = request.POST.get("form", "")
        if which == "save":
            form = StatementForm(request.POST)
            done, status = _run(request, form, lambda d: actions_statements.save_statement(
                ctx, plan, d))
            if done:
                messages.success(request, "Your statement is saved." + (
                    " The team sees the new version." if own and own.is_shared else
                    " Only you can see it until you share it."))
                return _redirect("statements", plan)
        elif which in ("share", "unshare"):
            try:
                actions_statements.set_shared(ctx, plan, which == "share")
            except ValidationError as exc:
                share_error = " ".join(exc.messages)
                status = 400
            else:
                messages.success(request, "Your statement is shared with the team." if
                                 which == "share" else "Your statement is private again.")
                return _redirect("statements", plan)
        else:
            status = 400
    # Only shared statements of others reach the template: a draft never leaves the server.
    joined = [m for m in team if m.has_accepted]
    for m in joined:
        m.has_shared = getattr(m, "statement", None) is not None and m.statement.is_shared
    shared = [m for m in joined if m.pk != member.pk and m.has_shared]
    return TemplateResponse(request, "family/plans/step_statements.html", step_context(
        plan, member, "statements", form=form, own=own, shared=shared, team=joined,
        share_error=share_error), status=status)
