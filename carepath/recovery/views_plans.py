"""The relapse-prevention plan pages: the person's own under /my/plan/ (read first,
phone-first, readable offline), and the care team's editor on the chart. Thin: parse,
call the action or the queries, render."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from carepath.access.guards import patient_view
from carepath.accounts.idempotency import KeyReused
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.views import _render_chart

from . import actions_plans as actions
from . import queries_plans as queries
from .forms_plans import SOURCES, PlanForm
from .portal_guard import portal_view

TAB = "recovery"
OBJECT_TYPE = actions.OBJECT_TYPE
VERSION = re.compile(r"^v([1-9][0-9]{0,8})$")
KEY_REUSED = ("This form was already sent once with different words. Nothing more was "
              "saved. Open the plan again to start from the newest version.")


def _ctx(request):
    return audit.Context.from_request(request)


# --- The person's own pages (portal_view: their own record, reads audited) --------------

def _version_number(label: str) -> int:
    match = VERSION.match(label or "")
    if match is None:
        raise Http404("No such version")
    return int(match.group(1))


def _with_urls(versions: list, patient, *, own: bool) -> list:
    for v in versions:
        v.url = (reverse("recovery:my_plan_version", args=[f"v{v.version}"]) if own else
                 reverse("recovery:chart_plan_version", args=[patient.uuid, f"v{v.version}"]))
    return versions


def _plan_context(plan) -> dict:
    return {"plan": plan, "people": queries.people_with_links(plan),
            "coping": queries.coping_groups(plan),
            "lists": [(key, label, getattr(plan, key) if plan else [])
                      for key, label in actions.LISTS.items() if key != "reasons"]}


@portal_view(OBJECT_TYPE)
def my_plan(request, patient):
    plan = queries.plan_with_authors(patient)
    return TemplateResponse(request, "recovery/plans/my_plan.html", {
        "patient": patient, **_plan_context(plan),
        "versions": _with_urls(queries.versions(patient), patient, own=True),
        "loaded_at": timezone.now(), "is_latest": True})


@portal_view(OBJECT_TYPE)
def my_plan_version(request, patient, version):
    plan = queries.plan_with_authors(patient, _version_number(version))
    if plan is None:
        raise Http404("No such version")
    latest = queries.current_plan(patient)
    return TemplateResponse(request, "recovery/plans/my_plan.html", {
        "patient": patient, **_plan_context(plan), "versions": [],
        "loaded_at": timezone.now(), "is_latest": latest.version == plan.version,
        "latest_version": latest.version})


@portal_view(OBJECT_TYPE)
def my_plan_edit(request, patient):
    return _edit(request, patient, staff=False, done=reverse("recovery:my_plan"),
                 version_url=lambda n: reverse("recovery:my_plan_version", args=[f"v{n}"]),
                 render=lambda context, status: TemplateResponse(
                     request, "recovery/plans/my_plan_edit.html",
                     {"patient": patient, **context}, status=status))


# --- Shared: the editor ------------------------------------------------------------------

def _edit(request, patient, *, staff: bool, done: str, version_url, render):
    latest = queries.plan_with_authors(patient)
    conflict = None
    common = {"latest": latest, "sources": SOURCES, "people_max": actions.PEOPLE_MAX}
    if request.method != "POST":
        return render({"form": PlanForm.for_plan(latest, staff=staff), **common}, 200)
    form = PlanForm(request.POST, staff=staff)
    if form.is_valid():
        data = form.cleaned_data
        key = str(data["submission_key"]) if data.get("submission_key") else None
        try:
            plan, created = actions.save_plan_once(
                _ctx(request), patient, key=key, content=form.content(),
                change_note=data.get("change_note", ""),
                written_with=request.user if data.get("written_with_patient") else None,
                based_on_version=data.get("based_on_version"))
        except actions.PlanConflict as exc:
            conflict = exc.latest
            form = form.rebased(exc.latest.version)
            form.add_plan_errors(exc)
        except KeyReused:
            form.add_error(None, KEY_REUSED)
        except ValidationError as exc:
            form.add_plan_errors(exc)
        else:
            messages.success(request, f"Your plan is saved as version {plan.version}."
                             if not staff else f"Plan saved as version {plan.version}.")
            return redirect(done)
    audit.record(_ctx(request), Action.READ, patient=patient, object_type=OBJECT_TYPE,
                 details={"redisplay": True})
    return render({"form": form, "conflict": conflict, **common,
                   "conflict_url": version_url(conflict.version) if conflict else ""}, 400)


# --- The care team's pages on the chart ------------------------------------------------

def _own_record_viewer(request) -> bool:
    access = getattr(request, "patient_access", None)
    return access is not None and access.basis == "own_record"


@login_required
@patient_view(OBJECT_TYPE)
def chart_plan(request, patient):
    if _own_record_viewer(request):
        return redirect("recovery:my_plan")
    may_save = bool(actions.save_decision(request.user, patient))

    def render(context, status):
        response = _render_chart(request, patient, TAB, "recovery/plans/chart_plan.html", {
            **context, **_plan_context(context.get("latest")), "may_save": may_save,
            "versions": _with_urls(queries.versions(patient), patient, own=False)})
        response.status_code = status
        return response

    if not may_save:
        if request.method == "POST":
            actions.require_save(_ctx(request), patient)  # audited refusal, 403
        return render({"latest": queries.plan_with_authors(patient)}, 200)
    return _edit(request, patient, staff=True,
                 done=reverse("recovery:chart_plan", args=[patient.uuid]),
                 version_url=lambda n: reverse("recovery:chart_plan_version",
                                               args=[patient.uuid, f"v{n}"]),
                 render=render)


@login_required
@patient_view(OBJECT_TYPE)
def chart_plan_version(request, patient, version):
    if _own_record_viewer(request):
        return redirect("recovery:my_plan_version", version=version)
    plan = queries.plan_with_authors(patient, _version_number(version))
    if plan is None:
        raise Http404("No such version")
    latest = queries.current_plan(patient)
    return _render_chart(request, patient, TAB, "recovery/plans/chart_plan_version.html", {
        **_plan_context(plan), "latest_version": latest.version})
