"""The chart's Assessment tab: book, record, complete, then place. Thin: parse, call the
actions or queries, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse

from carepath.access.guards import patient_view
from carepath.access.policy import patient_change_access
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.views import _render_chart
from carepath.ui.forms import add_action_errors

from . import actions_assessment as actions
from . import placement as rules
from . import queries_assessment as queries
from . import substances
from .forms_assessment import AssessmentForm, BookingForm, PlacementForm, default_booking_time
from .models import AssessmentStatus

TAB = "assessment"


def _ctx(request):
    return audit.Context.from_request(request)


def _audit_redisplay(request, patient, object_type: str) -> None:
    """A refused POST shows the record again: that is a read, so it is audited too."""
    audit.record(_ctx(request), Action.READ, patient=patient, object_type=object_type,
                 details={"redisplay": True})


def _assessment(patient, assessment_id):
    assessment = queries.assessment_for(patient, assessment_id)
    if assessment is None:
        raise Http404("No such assessment")
    assessment.patient = patient  # already loaded by the guard
    return assessment


@patient_view("intake.assessment")
def chart_assessments(request, patient):
    may_change = bool(patient_change_access(request.user, patient))
    if request.method == "POST":
        form = BookingForm(request.POST, organisation_id=patient.organisation_id)
        if form.is_valid():
            try:
                assessment = actions.book_assessment(
                    _ctx(request), patient, assessor=form.cleaned_data["assessor"],
                    booked_for=form.cleaned_data["booked_for"],
                    submission_key=form.cleaned_data.get("submission_key"))
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, "Assessment booked.")
                return redirect("intake:assessment", patient_id=patient.uuid,
                                assessment_id=assessment.uuid)
        status = 400
        _audit_redisplay(request, patient, "intake.assessment")
    else:
        status = 200
        initial = {"booked_for": default_booking_time()}
        if request.user.role in actions.ASSESSOR_ROLES:
            initial["assessor"] = request.user.pk
        form = BookingForm(initial=initial, organisation_id=patient.organisation_id)
    response = _render_chart(request, patient, TAB, "intake/assessment_list.html", {
        "assessments": queries.assessments_for(patient),
        "placements": queries.placement_history(patient), "form": form,
        "may_change": may_change, "level_names": rules.LEVEL_NAMES})
    response.status_code = status
    return response


@patient_view("intake.assessment")
def assessment_detail(request, patient, assessment_id):
    assessment = _assessment(patient, assessment_id)
    completed = assessment.status == AssessmentStatus.COMPLETED
    may_change = bool(patient_change_access(request.user, patient))
    status = 200
    draft_saved = False
    if request.method == "POST":
        form = AssessmentForm(request.POST)
        if completed:
            messages.error(request, "This assessment is completed and can no longer be "
                                    "changed. Book a new assessment to record a change.")
            return redirect("intake:assessment", patient_id=patient.uuid,
                            assessment_id=assessment.uuid)
        if form.is_valid():
            try:
                actions.update_assessment(_ctx(request), assessment, form.to_data())
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                if request.POST.get("action") != "complete":
                    messages.success(request, "Draft saved.")
                    return redirect("intake:assessment", patient_id=patient.uuid,
                                    assessment_id=assessment.uuid)
                try:
                    actions.complete_assessment(_ctx(request), assessment)
                except ValidationError as exc:
                    add_action_errors(form, exc)
                    draft_saved = True
                else:
                    messages.success(request, "Assessment completed. Review the placement "
                                              "recommendation below.")
                    return redirect("intake:placement", patient_id=patient.uuid,
                                    assessment_id=assessment.uuid)
        status = 400
        _audit_redisplay(request, patient, "intake.assessment")
    else:
        form = AssessmentForm(initial=AssessmentForm.initial_for(assessment))
    responses = queries.latest_responses(assessment)
    response = _render_chart(request, patient, TAB, "intake/assessment_form.html", {
        "assessment": assessment, "form": form, "completed": completed,
        "may_change": may_change and not completed,
        "instruments": queries.instrument_rows(assessment, responses),
        "warnings": _warnings(assessment, form),
        "dimension_6_label": rules.DIMENSION_6_LABEL,
        "red_flag_labels": rules.RED_FLAG_LABELS, "draft_saved": draft_saved,
    })
    response.status_code = status
    return response


def _warnings(assessment, form):
    """Co-dependence warnings for what is on screen: as typed, or as stored."""
    if not form.is_bound:
        return substances.withdrawal_warnings(assessment.other_substances)
    typed = {key: {"frequency": form.data.get(substances.field_name(key, "frequency"), "")}
             for key, _ in substances.SUBSTANCES}
    return substances.withdrawal_warnings(typed)


@patient_view("intake.placement")
def placement_page(request, patient, assessment_id):
    assessment = _assessment(patient, assessment_id)
    completed = assessment.status == AssessmentStatus.COMPLETED
    recommendation, _results, responses = queries.recommendation_for(assessment)
    status = 200
    if request.method == "POST":
        form = PlacementForm(request.POST)
        if form.is_valid():
            chosen = (recommendation.level if request.POST.get("decision") == "accept"
                      else form.cleaned_data["chosen_level"])
            service = None
            if form.cleaned_data.get("service"):
                service = queries.service_by_uuid(form.cleaned_data["service"])
                if service is None:
                    form.add_error("service", "Choose a service from the list.")
            if not form.errors:
                try:
                    decision = actions.decide_placement(
                        _ctx(request), assessment, chosen_level=chosen,
                        override_reason=form.cleaned_data.get("override_reason", ""),
                        service=service,
                        submission_key=form.cleaned_data.get("submission_key"))
                except ValidationError as exc:
                    add_action_errors(form, exc)
                else:
                    text = f"Placement recorded: {rules.LEVEL_NAMES[decision.chosen_level]}."
                    if decision.waitlist_entry_id:
                        text += " The patient is on the service's waiting list."
                    messages.success(request, text)
                    return redirect(reverse("intake:placement", kwargs={
                        "patient_id": patient.uuid, "assessment_id": assessment.uuid})
                        + "#placement-history")
        status = 400
        _audit_redisplay(request, patient, "intake.placement")
    else:
        form = PlacementForm(initial={"chosen_level": recommendation.level})
    response = _render_chart(request, patient, TAB, "intake/placement.html", {
        "assessment": assessment, "completed": completed, "recommendation": recommendation,
        "form": form, "levels": rules.LEVELS, "level_names": rules.LEVEL_NAMES,
        "instruments": queries.instrument_rows(assessment, responses),
        "services": queries.services_for(patient.organisation_id),
        "history": queries.placement_history(patient),
        "may_change": bool(patient_change_access(request.user, patient))
        and request.user.role in actions.ASSESSOR_ROLES,
        "rules_version": rules.RULES_VERSION,
    })
    response.status_code = status
    return response
