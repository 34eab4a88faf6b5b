"""The Discharge tab, a discharge's page, its print view, readmission and the patient's
"My aftercare plan". Thin: parse, call the actions or queries, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from carepath.access.guards import patient_view
from carepath.access.policy import may_discharge
from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import Patient
from carepath.patients.views import _render_chart
from carepath.ui.forms import add_action_errors

from . import actions_discharge as actions
from . import queries_discharge as queries
from .forms_discharge import DischargeForm, ReadmitForm, StartDischargeForm
from .models import DischargeReason

TAB = "discharge"
OBJECT_TYPE = actions.OBJECT_TYPE


def _ctx(request):
    return audit.Context.from_request(request)


def _is_patient(request) -> bool:
    return request.user.account_type == AccountType.PATIENT


def _redisplay(request, patient) -> None:
    """A refused POST shows the record again: that is a read, so it is audited too."""
    audit.record(_ctx(request), Action.READ, patient=patient, object_type=OBJECT_TYPE,
                 details={"redisplay": True})


def _discharge(patient, discharge_id):
    discharge = queries.discharge_for(patient, discharge_id)
    if discharge is None:
        raise Http404("No such discharge")
    return discharge


def _tab(request, patient, *, start_form=None, readmit_form=None, status=200):
    discharges = queries.discharges_for(patient)
    by_episode = {d.episode_id: d for d in discharges}
    chain = queries.episode_chain(patient)
    for episode in chain:
        episode.discharge_row = by_episode.get(episode.pk)
    current = next((e for e in chain if e.is_open), None)
    response = _render_chart(request, patient, TAB, "treatment/discharge_tab.html", {
        "chain": chain, "current": current,
        "current_discharge": current.discharge_row if current else None,
        "may_readmit": current is None and any(not e.is_open for e in chain),
        "start_form": start_form or StartDischargeForm(),
        "readmit_form": readmit_form or ReadmitForm(),
        "may_change": bool(may_discharge(request.user, patient)),
    })
    response.status_code = status
    return response


@patient_view(OBJECT_TYPE)
def chart_discharge(request, patient):
    if _is_patient(request):
        return redirect("treatment:aftercare", patient_id=patient.uuid)
    if request.method == "POST":
        form = StartDischargeForm(request.POST)
        if form.is_valid():
            try:
                discharge = actions.start_discharge(
                    _ctx(request), patient, reason=form.cleaned_data["reason"],
                    discharged_on=form.cleaned_data["discharged_on"])
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, "Discharge started: the summary below was drafted "
                                          "from the record. Check it and write your own.")
                return redirect("treatment:discharge", patient_id=patient.uuid,
                                discharge_id=discharge.uuid)
        _redisplay(request, patient)
        return _tab(request, patient, start_form=form, status=400)
    return _tab(request, patient)


@require_POST
@patient_view("patients.episodeofcare")
def readmit(request, patient):
    form = ReadmitForm(request.POST)
    if form.is_valid():
        try:
            actions.readmit(_ctx(request), patient, reason=form.cleaned_data["reason"],
                            level_of_care=form.cleaned_data["level_of_care"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "Readmitted: a new episode of care is open, linked to "
                                      "the previous one.")
            return redirect("treatment:chart_discharge", patient_id=patient.uuid)
    _redisplay(request, patient)
    return _tab(request, patient, readmit_form=form, status=400)


def _initial(discharge) -> dict:
    return {"reason": discharge.reason, "discharged_on": discharge.discharged_on,
            "summary": discharge.summary, "aftercare_plan": discharge.aftercare_plan,
            "version": discharge.updated_at.isoformat()}


def _again(discharge):
    return redirect("treatment:discharge", patient_id=discharge.patient.uuid,
                    discharge_id=discharge.uuid)


@patient_view(OBJECT_TYPE)
def discharge_page(request, patient, discharge_id):
    if _is_patient(request):
        return redirect("treatment:aftercare", patient_id=patient.uuid)
    discharge = _discharge(patient, discharge_id)
    may_change = bool(may_discharge(request.user, patient)) and not discharge.is_signed
    status, saved_not_signed = 200, False
    if request.method == "POST":
        ctx, action = _ctx(request), request.POST.get("action", "save")
        form = DischargeForm(request.POST)
        if discharge.is_signed:
            messages.error(request, "This discharge is signed and read-only.")
            return _again(discharge)
        if action == "redraft":
            actions.redraft_summary(ctx, discharge)
            messages.success(request, "Summary drafted again from the record; the aftercare "
                                      "plan is unchanged.")
            return _again(discharge)
        if form.is_valid():
            data = form.cleaned_data
            try:
                discharge = actions.save_draft(
                    ctx, discharge, reason=data["reason"], discharged_on=data["discharged_on"],
                    summary=data["summary"], aftercare_plan=data["aftercare_plan"],
                    expected_updated_at=form.version_value())
                if action != "sign":
                    messages.success(request, "Draft saved. It is not signed yet.")
                    return _again(discharge)
                saved_not_signed = True
                # The next try starts from this saved version.
                form.data = form.data.copy()
                form.data["version"] = discharge.updated_at.isoformat()
                actions.sign_discharge(ctx, discharge, confirm_died=data["confirm_died"])
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, "Discharge signed. The episode of care is closed.")
                return _again(discharge)
        status = 400
        _redisplay(request, patient)
    else:
        form = DischargeForm(initial=_initial(discharge))
    response = _render_chart(request, patient, TAB, "treatment/discharge_detail.html", {
        "discharge": discharge, "form": form, "may_change": may_change,
        "digest_ok": actions.digest_matches(discharge) if discharge.is_signed else None,
        "saved_not_signed": saved_not_signed, "died": DischargeReason.DIED})
    response.status_code = status
    return response


@patient_view(OBJECT_TYPE, action=Action.PRINT)
def discharge_print(request, patient, discharge_id):
    if _is_patient(request):
        return redirect("treatment:aftercare", patient_id=patient.uuid)
    discharge = _discharge(patient, discharge_id)
    if not discharge.is_signed:
        messages.error(request, "Only a signed discharge summary is printed.")
        return redirect("treatment:discharge", patient_id=patient.uuid,
                        discharge_id=discharge.uuid)
    return _render_chart(request, patient, TAB, "treatment/discharge_print.html", {
        "discharge": discharge, "digest_ok": actions.digest_matches(discharge)})


@patient_view(OBJECT_TYPE)
def aftercare(request, patient):
    """The aftercare plan as the patient sees it on their own record."""
    plan = queries.aftercare_for(patient)
    open_episode = patient.episodes.filter(closed_at__isnull=True).order_by("-opened_at").first()
    return _render_chart(request, patient, TAB, "treatment/aftercare.html", {
        "plan": plan, "patient_mode": _is_patient(request),
        "back_in_treatment": plan is not None and open_episode is not None
        and open_episode.opened_at > plan.signed_at})


@login_required
def my_aftercare(request):
    """The patient's menu link: their own record's aftercare page (the guard there decides)."""
    record = Patient.objects.filter(user=request.user).values_list("uuid", flat=True).first()
    if record is None:
        raise Http404("No record is linked to this account")
    return redirect("treatment:aftercare", patient_id=record)
