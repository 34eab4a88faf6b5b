"""Supervised-withdrawal pages: the chart tab, the shift handover and the ward board.
Thin: parse, call the actions or queries, render."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from carepath.access.guards import patient_view
from carepath.access.policy import may_record_withdrawal_medication, patient_change_access
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.views import _render_chart
from carepath.ui.forms import add_action_errors

from . import actions, queries, redflags, schedule, symptoms, vitals
from .forms import EnteredInErrorForm, MedicationForm, ObservationForm, PlanForm
from .models import Observation

TAB = "withdrawal"


def _ctx(request):
    return audit.Context.from_request(request)


def _audit_redisplay(request, patient, object_type=actions.OBSERVATION) -> None:
    """A refused POST shows the record again: that is a read, so it is audited too."""
    audit.record(_ctx(request), Action.READ, patient=patient, object_type=object_type,
                 details={"redisplay": True})


def _plan_initial(plan):
    if plan is None or plan.ended_at is not None:
        return schedule.default_plan_values()
    return {k: getattr(plan, k) for k in schedule.default_plan_values()}


def _tab(request, patient, *, observation_form=None, plan_form=None, medication_form=None,
         status=200):
    now = timezone.now()
    plan, due = queries.plan_status(patient, now)
    hours = queries.window_hours(request.GET.get("window"))
    rules = redflags.rules_for(patient.organisation_id)
    page = queries.observations_page(patient, request.GET.get("page"))
    trend = queries.observations_between(patient, now - timedelta(hours=hours), now)
    queries.decorate(page.object_list, rules)
    queries.decorate(trend, rules)
    response = _render_chart(request, patient, TAB, "withdrawal/chart.html", {
        "plan": plan, "due": due, "now": now,
        "page": page, "query_prefix": f"window={hours}&",
        "trend": trend, "spec": queries.trend_spec(trend, hours), "window": hours,
        "windows": queries.WINDOWS, "trend_limit": queries.TREND_MAX_POINTS,
        "medication": queries.medication_notes(patient),
        "open_alerts": queries.open_red_flag_alerts(patient),
        "rules": rules, "symptom_list": symptoms.SYMPTOMS, "vitals": vitals.VITALS,
        "not_validated": symptoms.NOT_VALIDATED,
        "may_change": bool(patient_change_access(request.user, patient)),
        "may_medicate": bool(may_record_withdrawal_medication(request.user, patient)),
        "observation_form": observation_form or ObservationForm(),
        "plan_form": plan_form or PlanForm(initial=_plan_initial(plan)),
        "medication_form": medication_form or MedicationForm(),
    })
    response.status_code = status
    return response


@patient_view(actions.OBSERVATION)
def chart_withdrawal(request, patient):
    if request.method != "POST":
        return _tab(request, patient)
    form = ObservationForm(request.POST)
    if form.is_valid():
        try:
            observation = actions.record_observation(
                _ctx(request), patient, form.to_data(),
                submission_key=form.cleaned_data.get("submission_key"))
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            if observation.alert is not None:
                labels = "; ".join(r.label for r in observation.met_rules)
                messages.warning(request, f"Red flags met: {labels}. An urgent alert was "
                                          "raised to the care team; act on it now.")
            else:
                messages.success(request, "Observations recorded.")
            return redirect("withdrawal:chart_withdrawal", patient_id=patient.uuid)
    _audit_redisplay(request, patient)
    return _tab(request, patient, observation_form=form, status=400)


@require_POST
@patient_view(actions.PLAN)
def plan(request, patient):
    form = PlanForm(request.POST)
    current = queries.plan_for(patient)
    what = request.POST.get("action", "start")
    if form.is_valid():
        ctx = _ctx(request)
        try:
            if what == "end" and current is not None:
                actions.end_plan(ctx, current)
                messages.success(request, "Observation plan ended.")
            elif what == "adjust" and current is not None and current.ended_at is None:
                actions.adjust_plan(ctx, current, **form.to_values())
                messages.success(request, "Observation plan changed; the next due time "
                                          "follows the new intervals.")
            else:
                actions.start_plan(ctx, patient, **form.to_values())
                messages.success(request, "Observation plan started: the first "
                                          "observations are due now.")
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            return redirect("withdrawal:chart_withdrawal", patient_id=patient.uuid)
    _audit_redisplay(request, patient, actions.PLAN)
    return _tab(request, patient, plan_form=form, status=400)


@require_POST
@patient_view(actions.MEDICATION)
def medication(request, patient):
    form = MedicationForm(request.POST)
    if form.is_valid():
        try:
            actions.record_medication(_ctx(request), patient, form.cleaned_data,
                                      submission_key=form.cleaned_data.get("submission_key"))
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "Medication note recorded.")
            return redirect("withdrawal:chart_withdrawal", patient_id=patient.uuid)
    _audit_redisplay(request, patient, actions.MEDICATION)
    return _tab(request, patient, medication_form=form, status=400)


@patient_view(actions.OBSERVATION)
def entered_in_error(request, patient, observation_id):
    observation = (Observation.objects.filter(patient=patient, uuid=observation_id)
                   .select_related("recorded_by", "entered_in_error_by").first())
    if observation is None:
        raise Http404("No such observation")
    observation.patient = patient
    queries.decorate([observation], redflags.rules_for(patient.organisation_id))
    status = 200
    if request.method == "POST":
        form = EnteredInErrorForm(request.POST)
        if form.is_valid():
            try:
                actions.mark_entered_in_error(_ctx(request), observation,
                                              form.cleaned_data["reason"])
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, "Observation marked entered in error. It stays "
                                          "on the chart, struck through, with your reason.")
                return redirect("withdrawal:chart_withdrawal", patient_id=patient.uuid)
        status = 400
        _audit_redisplay(request, patient)
    else:
        form = EnteredInErrorForm()
    response = _render_chart(request, patient, TAB, "withdrawal/entered_in_error.html", {
        "observation": observation, "form": form, "vitals": vitals.VITALS,
        "may_change": bool(patient_change_access(request.user, patient))})
    response.status_code = status
    return response


@patient_view("withdrawal.handover")
def handover(request, patient):
    now = timezone.now()
    report = queries.handover(patient, now)
    return _render_chart(request, patient, TAB, "withdrawal/handover.html", {
        "report": report, "hours": queries.HANDOVER_HOURS, "now": now,
        "not_validated": symptoms.NOT_VALIDATED})


@login_required
def board(request):
    now = timezone.now()
    rows = queries.board(request.user, now)
    audit.record_list(_ctx(request), "withdrawal.board", [r.patient.uuid for r in rows])
    return render(request, "withdrawal/board.html", {
        "rows": rows, "now": now, "limit": queries.BOARD_LIMIT,
        "overdue": sum(1 for r in rows if r.status.overdue)})
