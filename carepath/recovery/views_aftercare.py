"""Aftercare pages: the person's meetings log and follow-up questions under /my/ (behind
the portal guard), and the care team's aftercare page on the chart (behind
``patient_view``). Thin: parse, call the actions, render."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carepath.access.guards import patient_view
from carepath.access.policy import may_refer, patient_change_access
from carepath.accounts.models import AccountType
from carepath.alerts.crisis import lines_for
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.views import _render_chart
from carepath.ui.forms import add_action_errors

from . import actions_aftercare as actions
from . import queries_aftercare as queries
from .followups import closes_on, offsets
from .forms_aftercare import FollowUpForm, MeetingForm
from .portal_guard import local_today, portal_view

TAB = "recovery"
SOBER_LIVING_QUERY = "?sober_living=on"


def _ctx(request):
    return audit.Context.from_request(request)


def _key() -> str:
    return uuid.uuid4().hex


def sober_living_url() -> str:
    return reverse("directory:search") + SOBER_LIVING_QUERY


def _follow_up_rows(follow_ups, today):
    for follow_up in follow_ups:
        follow_up.closes_on = closes_on(follow_up)
        follow_up.blocked = actions.state_error(follow_up, today)
    return follow_ups


# -- The person's pages -------------------------------------------------------------------

@portal_view(actions.MEETING_OBJECT)
def my_aftercare_log(request, patient):
    today = local_today(patient)
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                actions.log_meeting(_ctx(request), patient, **form.action_kwargs())
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, "Meeting saved. Well done for going.")
                return redirect("recovery:my_aftercare_log")
    else:
        form = MeetingForm(initial={"met_on": today, "submission_key": _key()})
    return render(request, "recovery/aftercare/my_log.html", {
        "patient": patient, "form": form, "meetings": queries.meetings_for(patient),
        "meetings_30_days": queries.meetings_count(patient, today - timedelta(days=29)),
        "due": queries.follow_ups_due(patient, today),
        "next_follow_up": queries.next_follow_up(patient, today),
        "sober_living_url": sober_living_url(),
    }, status=400 if form.errors else 200)


@portal_view(actions.FOLLOW_UP_OBJECT)
def my_follow_up(request, patient, follow_up_id):
    follow_up = queries.follow_up_for(patient, follow_up_id)
    if follow_up is None:
        raise Http404("No such follow-up")
    today = local_today(patient)
    if request.method == "POST":
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                follow_up = actions.answer_follow_up(_ctx(request), follow_up,
                                                     **form.action_kwargs())
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                return redirect("recovery:my_follow_up", follow_up_id=follow_up.uuid)
    else:
        form = FollowUpForm(initial={"submission_key": _key()})
    return render(request, "recovery/aftercare/my_follow_up.html", {
        "patient": patient, "follow_up": follow_up, "form": form,
        "blocked": actions.state_error(follow_up, today), "closes_on": closes_on(follow_up),
        "crisis_lines": lines_for(patient.organisation),
    }, status=400 if form.errors else 200)


# -- The care team's page -----------------------------------------------------------------

def _chart_page(request, patient, *, meeting_form=None, answer_forms=None, status=200):
    today = local_today(patient)
    follow_ups = _follow_up_rows(queries.follow_ups_for(patient), today)
    answer_forms = answer_forms or {}
    for follow_up in follow_ups:
        follow_up.form = answer_forms.get(follow_up.uuid) or (
            None if follow_up.blocked else FollowUpForm(
                prefix=str(follow_up.uuid), initial={"submission_key": _key()}))
    may_change = bool(patient_change_access(request.user, patient))
    response = _render_chart(request, patient, TAB, "recovery/aftercare/chart.html", {
        "meetings": queries.meetings_for(patient),
        "meetings_30_days": queries.meetings_count(patient, today - timedelta(days=29)),
        "follow_ups": follow_ups, "may_change": may_change, "offsets": offsets(),
        "today": today,
        "meeting_form": meeting_form or MeetingForm(
            initial={"met_on": today, "submission_key": _key()}),
        "sober_living_url": sober_living_url(),
        "referral_url": (reverse("directory:referral_new", kwargs={"patient_id": patient.uuid})
                         + "?level=aftercare") if may_change and may_refer(request.user)
        else None,
    })
    response.status_code = status
    return response


def _redisplay(request, patient) -> None:
    """A refused POST shows the record again: that is a read, so it is audited too."""
    audit.record(_ctx(request), Action.READ, patient=patient,
                 object_type=actions.FOLLOW_UP_OBJECT, details={"redisplay": True})


def _patient_redirect(request):
    return request.user.account_type == AccountType.PATIENT


@login_required
@patient_view(actions.FOLLOW_UP_OBJECT)
def chart_aftercare(request, patient):
    if _patient_redirect(request):
        return redirect("recovery:my_aftercare_log")
    return _chart_page(request, patient)


@login_required
@require_POST
@patient_view(actions.MEETING_OBJECT)
def chart_meeting_add(request, patient):
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            actions.log_meeting(_ctx(request), patient, **form.action_kwargs())
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "Meeting logged on the person's behalf.")
            return redirect("recovery:chart_aftercare", patient_id=patient.uuid)
    _redisplay(request, patient)
    return _chart_page(request, patient, meeting_form=form, status=400)


@login_required
@require_POST
@patient_view(actions.FOLLOW_UP_OBJECT)
def chart_follow_up_answer(request, patient, follow_up_id):
    follow_up = queries.follow_up_for(patient, follow_up_id)
    if follow_up is None:
        raise Http404("No such follow-up")
    form = FollowUpForm(request.POST, prefix=str(follow_up.uuid))
    if form.is_valid():
        try:
            actions.answer_follow_up(_ctx(request), follow_up, **form.action_kwargs())
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, f"Answers to the {follow_up.day_offset}-day follow-up "
                                      "recorded.")
            return redirect(reverse("recovery:chart_aftercare",
                                    kwargs={"patient_id": patient.uuid})
                            + f"#follow-up-{follow_up.uuid}")
    _redisplay(request, patient)
    return _chart_page(request, patient, answer_forms={follow_up.uuid: form}, status=400)
