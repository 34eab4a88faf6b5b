"""Planner steps 4 to 7 (options, boundaries, hold, follow up) and the printable run sheet.

Thin: the plan_view gate (team only, reads audited), parse the form, call the action,
redirect after a change (so a refresh never repeats it) or re-render the form with what was
typed (status 400). Each step page posts back to itself with an ``action`` naming the form.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from carepath.accounts.idempotency import KeyReused
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.directory.models import Service
from carepath.directory.search import hit_for, services_for_picker
from carepath.ui.forms import add_action_errors

from . import actions_boundaries, actions_follow_up, actions_hold, actions_options
from . import queries_plan_late as queries
from .forms_late import (
    AddOptionForm,
    AgreeForm,
    BoundaryForm,
    ChooseOptionsForm,
    FollowUpForm,
    HoldForm,
    PreBookForm,
    ServiceSearchForm,
)
from .models import InterventionOutcome
from .plan_guard import OBJECT_TYPE, plan_view
from .step_pages import step_context

KEY_REUSED = "This form was already sent once with different words. Check the list below."


def _ctx(request):
    return audit.Context.from_request(request)


def _page(request, plan, member, slug, status=200, **extra):
    if status != 200:  # a re-rendered form shows the plan again: audit the read
        audit.record(_ctx(request), Action.READ, obj=plan, object_type=OBJECT_TYPE,
                     details={"page": f"step_{slug}", "redisplay": True})
    org_tz = ZoneInfo(plan.organisation.time_zone or "UTC")
    return TemplateResponse(request, f"family/plans/step_{slug}.html",
                            step_context(plan, member, slug, org_tz=org_tz, **extra),
                            status=status)


def _again(slug, plan):
    return redirect(f"family:step_{slug}", plan_id=plan.uuid)


# --- Step 4: offer treatment options ----------------------------------------------------

@plan_view
def step_options(request, plan, member):
    search = ServiceSearchForm(request.GET or None)
    options = list(plan.treatment_options.all())
    forms = {"choose_form": ChooseOptionsForm(options=options), "prebook_form": PreBookForm(),
             "failed_add": None}
    if request.method == "POST":
        response = _options_post(request, plan, forms, options)
        if response is not None:
            return response
    hits = []
    if search.is_bound and search.is_valid():
        added = {o.service_id for o in options}
        hits = [hit_for(s) for s in services_for_picker(search.cleaned_data["q"],
                                                        search.cleaned_data["level"])]
        for hit in hits:
            hit.already_added = hit.service.pk in added
    status = 400 if request.method == "POST" else 200
    return _page(request, plan, member, "options", status, search=search, hits=hits,
                 options=options, enquiry=plan.enquiry, **forms)


def _options_post(request, plan, forms, options):
    """Run the posted action; a redirect when done, None to re-render with errors."""
    ctx, action = _ctx(request), request.POST.get("action")
    try:
        if action == "add":
            form = AddOptionForm(request.POST)
            forms["failed_add"] = form
            if not form.is_valid():
                return None
            service = Service.objects.filter(uuid=form.cleaned_data["service"]).first()
            option = actions_options.add_option(ctx, plan, service=service,
                                                support_note=form.cleaned_data["support_note"])
            messages.success(request, f"{option.service.name} added to your options.")
        elif action == "choose":
            form = forms["choose_form"] = ChooseOptionsForm(request.POST, options=options)
            if not form.is_valid():
                return None
            actions_options.set_chosen(ctx, plan, form.cleaned_data["chosen"])
            messages.success(request, "Your chosen option(s) are saved.")
        elif action == "remove":
            actions_options.remove_option(ctx, plan, request.POST.get("option", ""))
            messages.success(request, "Option removed.")
        elif action == "pre_book":
            form = forms["prebook_form"] = PreBookForm(request.POST)
            if not form.is_valid():
                return None
            _, created = actions_options.pre_book(ctx, plan, submission_key=form.key)
            messages.success(request, "Assessment pre-booked with CarePath's intake team."
                             if created else "An assessment is already pre-booked for this "
                             "plan; nothing new was sent. Its details are below.")
    except ValidationError as exc:
        # Each action raising here has validated its own bound form above.
        target = {"add": forms["failed_add"], "choose": forms["choose_form"]}.get(
            action, forms["prebook_form"])
        add_action_errors(target, exc)
        return None
    return _again("options", plan)


# --- Step 5: set boundaries ----------------------------------------------------------------

@plan_view
def step_boundaries(request, plan, member):
    add_form, agree_form = BoundaryForm(), AgreeForm()
    status = 200
    if request.method == "POST":
        ctx, action = _ctx(request), request.POST.get("action")
        try:
            if action == "add":
                add_form = BoundaryForm(request.POST)
                if add_form.is_valid():
                    actions_boundaries.add_boundary_once(ctx, plan, key=add_form.key,
                                                         text=add_form.cleaned_data["text"])
                    messages.success(request, "Boundary added. Everyone now needs to agree "
                                     "to the list again.")
                    return _again("boundaries", plan)
            elif action == "remove":
                actions_boundaries.remove_boundary(ctx, plan, request.POST.get("boundary", ""))
                messages.success(request, "Boundary removed. Everyone now needs to agree to "
                                 "the list again.")
                return _again("boundaries", plan)
            elif action == "agree":
                agree_form = AgreeForm(request.POST)
                agree_form.is_valid()
                actions_boundaries.agree_to_all(ctx, plan,
                                                seen_version=agree_form.cleaned_data["seen"])
                messages.success(request, "You have agreed to all of the boundaries.")
                return _again("boundaries", plan)
        except KeyReused:
            add_form.add_error(None, KEY_REUSED)
        except ValidationError as exc:
            add_action_errors(add_form if action == "add" else agree_form, exc)
        status = 400
    return _page(request, plan, member, "boundaries", status, add_form=add_form,
                 agree_form=agree_form, seen_version=actions_boundaries.version_of(plan),
                 **queries.boundary_listing(plan, member))


# --- Step 6: hold the intervention ----------------------------------------------------------

@plan_view
def step_hold(request, plan, member):
    accepted = queries.accepted_members(plan)
    form = HoldForm(request.POST or None, plan=plan, accepted=accepted)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions_hold.save_hold(
                    _ctx(request), plan, intervention_date=data["intervention_date"],
                    intervention_time=data["intervention_time"], place=data["place"],
                    rehearsal_date=data["rehearsal_date"], orders=form.orders(),
                    checklist=set(data["checklist"]))
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, "Saved.")
                return _again("hold", plan)
        status = 400
    return _page(request, plan, member, "hold", status, form=form)


@plan_view
def run_sheet(request, plan, member):
    org_tz = ZoneInfo(plan.organisation.time_zone or "UTC")
    return TemplateResponse(request, "family/plans/run_sheet.html", {
        "plan": plan, "member": member, "org_tz": org_tz, **queries.run_sheet(plan)})


# --- Step 7: follow up -----------------------------------------------------------------

@plan_view
def step_follow_up(request, plan, member):
    form = FollowUpForm(request.POST or None, plan=plan)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = actions_follow_up.record_outcome(
                    _ctx(request), plan, outcome=data["outcome"],
                    notes=data["outcome_notes"], review_date=data["review_date"])
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, "Outcome recorded.")
                if result["enquiry_moved"]:
                    messages.success(request, "The pre-booked assessment is now “assessment "
                                     "booked”: CarePath's intake team is asked to confirm "
                                     "the time with you today.")
                if result["enquiry_problem"]:
                    messages.warning(request, result["enquiry_problem"])
                return _again("follow_up", plan)
        status = 400
    listing = queries.boundary_listing(plan, member)
    return _page(request, plan, member, "follow_up", status, form=form,
                 enquiry=plan.enquiry, outcomes=InterventionOutcome,
                 boundaries=listing["boundaries"])
