"""Measures in the chart and the portal, and the one-time link page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carepath.access.guards import patient_view
from carepath.access.policy import patient_change_access
from carepath.accounts.models import AccountType
from carepath.alerts import crisis
from carepath.alerts.models import Alert
from carepath.audit import log as audit
from carepath.pagination import paginate
from carepath.patients.models import LevelOfCare
from carepath.patients.views import TABS, _render_chart

from . import actions, catalogue, due, presentation
from .models import Link, Mode, Response, Schedule


def _ctx(request):
    return audit.Context.from_request(request)


def _is_patient(request) -> bool:
    return request.user.account_type == AccountType.PATIENT


def _definition(patient, instrument_id):
    try:
        return actions.available(patient.organisation_id, instrument_id)
    except ValidationError:
        raise Http404("No such instrument") from None


def _response(patient, response_id) -> Response:
    try:
        return Response.objects.select_related("amends", "entered_by").get(
            uuid=response_id, patient=patient)
    except (Response.DoesNotExist, ValueError):
        raise Http404("No such response") from None


@patient_view("measures.response")
def chart_measures(request, patient):
    patient_mode = _is_patient(request)
    submitted = (Response.objects.filter(patient=patient, status=Response.Status.SUBMITTED)
                 .select_related("entered_by", "amends").order_by("-submitted_at", "-pk"))
    page = paginate(submitted, request.GET.get("page"), 20)
    rows = list(page.object_list)
    amended = set(Response.objects.filter(amends__in=[r.pk for r in rows])
                  .values_list("amends_id", flat=True))
    drafts = list(Response.objects.filter(patient=patient, status=Response.Status.DRAFT)
                  .order_by("-created_at")[:10])
    level = due.current_levels([patient.pk]).get(patient.pk, "")
    schedule = due.due_for([patient], {patient.pk: level}).get(patient.pk, [])
    instruments = actions.enabled_instruments(patient.organisation_id)
    if patient_mode:
        instruments = [d for d in instruments if d.self_report]
    titles = {d.id: d.title for d in catalogue.load_all().values()}
    for r in rows + drafts:
        r.title = titles.get(r.instrument_id, r.instrument_id)
        r.is_amended = r.pk in amended
    open_alerts = [] if patient_mode else list(Alert.objects.open().filter(patient=patient))
    return _render_chart(request, patient, "measures", "measures/chart_measures.html", {
        "page": page, "responses": rows, "drafts": drafts, "schedule": schedule,
        "instruments": instruments, "patient_mode": patient_mode, "open_alerts": open_alerts,
        "may_change": bool(patient_change_access(request.user, patient)),
        "levels": LevelOfCare.choices, "self_report_ids": {d.id for d in instruments
                                                            if d.self_report},
        "query_prefix": "", "kept": request.session.pop(FORM_KEY, {})})


def _mode(request) -> str:
    return Mode.SELF_REPORT if _is_patient(request) else Mode.CLINICIAN


@patient_view("measures.response")
def respond(request, patient, instrument_id):
    defn = _definition(patient, instrument_id)
    draft = amends = None
    if request.GET.get("draft") or request.POST.get("draft"):
        draft = _response(patient, request.GET.get("draft") or request.POST.get("draft"))
        if draft.is_submitted:
            return redirect("measures:response", patient_id=patient.uuid, response_id=draft.uuid)
    if request.GET.get("amends") or request.POST.get("amends"):
        amends = _response(patient, request.GET.get("amends") or request.POST.get("amends"))
    answers = (draft or amends).answers if (draft or amends) else {}
    errors, raw = {}, {}
    reason = ""
    if request.method == "POST":
        answers, raw, errors = presentation.answers_from_post(defn, request.POST)
        reason = request.POST.get("amendment_reason", "")
        if not errors:
            try:
                if request.POST.get("action") == "draft":
                    saved = actions.save_draft(_ctx(request), patient, defn.id, answers,
                                               mode=_mode(request), draft=draft)
                    messages.success(request, "Draft saved. Nothing is scored until you submit.")
                    return redirect(reverse("measures:respond", kwargs={
                        "patient_id": patient.uuid, "instrument_id": defn.id})
                        + f"?draft={saved.uuid}")
                response = actions.submit(_ctx(request), patient, defn.id, answers,
                                          mode=_mode(request), draft=draft, amends=amends,
                                          amendment_reason=reason)
                return redirect(reverse("measures:response", kwargs={
                    "patient_id": patient.uuid, "response_id": response.uuid}) + "?submitted=1")
            except ValidationError as exc:
                errors = exc.message_dict
            except PermissionDenied as exc:
                errors = {"__all__": [str(exc)]}
    status = 400 if errors else 200
    return render(request, "measures/respond.html", {
        "patient": patient, "defn": defn, "draft": draft, "amends": amends,
        "items": presentation.form_items(defn, answers, errors, raw), "errors": errors,
        "general_errors": [m for k, ms in errors.items() if not k.startswith("item_")
                           for m in ms],
        "error_count": len(errors), "amendment_reason": reason,
        "patient_mode": _is_patient(request), "tab": "measures", "tabs": TABS,
        "access": getattr(request, "patient_access", None)}, status=status)


def _result_context(defn, response, organisation, *, for_person: bool):
    flags = presentation.flag_messages(defn, response.flags)
    urgent = any(f["urgent"] for f in flags)
    return {
        "defn": defn, "response": response, "flags": flags, "urgent": urgent,
        "band_label": presentation.band_label(defn, response.band),
        "plain_language": defn.plain_language.get(response.band or "", "")
        if for_person else "",
        "crisis_lines": crisis.lines_for(organisation) if urgent else [],
    }


@patient_view("measures.response")
def response_detail(request, patient, response_id):
    response = _response(patient, response_id)
    defn = catalogue.get(response.instrument_id)
    context = _result_context(defn, response, patient.organisation,
                              for_person=_is_patient(request))
    context.update({
        "answers": presentation.labelled_answers(defn, response.answers),
        "amendments": list(response.amendments.order_by("submitted_at")),
        "just_submitted": request.GET.get("submitted") == "1",
        "patient_mode": _is_patient(request),
        "alerts": list(Alert.objects.filter(source_type="measures.response",
                                            source_uuid=response.uuid)),
    })
    return _render_chart(request, patient, "measures", "measures/response.html", context)


FORM_KEY = "measures_refused_form"


def _keep_form(request) -> None:
    """A refused schedule or link form comes back with what was chosen (the session holds
    it across the redirect; the values are an instrument id, a number and a channel)."""
    request.session[FORM_KEY] = {k: request.POST.get(k, "")[:40]
                                 for k in ("instrument", "every_days", "channel")}


@require_POST
@patient_view("measures.schedule")
def schedule_add(request, patient):
    try:
        actions.add_schedule(_ctx(request), patient=patient,
                             instrument_id=request.POST.get("instrument", ""),
                             every_days=int(request.POST.get("every_days") or 0))
        messages.success(request, "Schedule added.")
    except (ValidationError, ValueError) as exc:
        messages.error(request, "The schedule was not added: " + " ".join(
            getattr(exc, "messages", ["choose an instrument and a number of days"])))
        _keep_form(request)
    return redirect("measures:chart", patient_id=patient.uuid)


@require_POST
@patient_view("measures.schedule")
def schedule_stop(request, patient, schedule_id):
    schedule = Schedule.objects.filter(uuid=schedule_id, patient=patient).first()
    if schedule is None:
        raise Http404("No such schedule")
    actions.stop_schedule(_ctx(request), schedule)
    messages.success(request, "Schedule stopped.")
    return redirect("measures:chart", patient_id=patient.uuid)


@require_POST
@patient_view("measures.link")
def link_create(request, patient):
    try:
        link, _token = actions.create_link(_ctx(request), patient,
                                           request.POST.get("instrument", ""),
                                           request.POST.get("channel", Link.Channel.EMAIL))
        messages.success(request, f"A one-time link was sent by {link.get_channel_display()}. "
                                  f"It expires {link.expires_at:%d %b %Y %H:%M}.")
    except ValidationError as exc:
        messages.error(request, "No link was sent: " + " ".join(exc.messages))
        _keep_form(request)
    return redirect("measures:chart", patient_id=patient.uuid)


def by_link(request, token):
    """Complete one measure without an account. The token is the only credential."""
    link = actions.link_for_token(token)
    if link is None or not link.usable():
        return render(request, "measures/link_unusable.html", status=410 if link else 404)
    defn = catalogue.get(link.instrument_id)
    answers, errors, raw = {}, {}, {}
    if request.method == "POST":
        answers, raw, errors = presentation.answers_from_post(defn, request.POST)
        if not errors:
            try:
                response = actions.submit_by_link(link, answers,
                                                  request.META.get("REMOTE_ADDR", ""))
            except ValidationError as exc:
                errors = exc.message_dict
            else:
                return render(request, "measures/link_done.html", _result_context(
                    defn, response, link.patient.organisation, for_person=True))
    return render(request, "measures/link_form.html", {
        "defn": defn, "items": presentation.form_items(defn, answers, errors, raw),
        "errors": errors, "error_count": len(errors),
        "general_errors": [m for k, ms in errors.items() if not k.startswith("item_")
                           for m in ms]}, status=400 if errors else 200)


@login_required
def programme_schedules(request):
    """Supervisors set schedules per programme (level of care) for the organisation."""
    user = request.user
    if user.account_type != AccountType.STAFF or user.role != "supervisor":
        raise PermissionDenied
    if request.method == "POST":
        if request.POST.get("stop"):
            schedule = Schedule.objects.filter(uuid=request.POST["stop"], patient__isnull=True,
                                               organisation_id=user.organisation_id).first()
            if schedule:
                actions.stop_schedule(_ctx(request), schedule)
                messages.success(request, "Programme schedule stopped.")
        else:
            try:
                actions.add_schedule(_ctx(request),
                                     instrument_id=request.POST.get("instrument", ""),
                                     every_days=int(request.POST.get("every_days") or 0),
                                     level_of_care=request.POST.get("level_of_care", ""))
                messages.success(request, "Programme schedule added.")
            except (ValidationError, ValueError) as exc:
                messages.error(request, "Not added: " + " ".join(
                    getattr(exc, "messages", ["check the fields"])))
        return redirect("measures:programme_schedules")
    schedules = list(Schedule.objects.filter(organisation_id=user.organisation_id,
                                             patient__isnull=True, active=True)
                     .order_by("level_of_care", "instrument_id"))
    titles = {d.id: d.title for d in catalogue.load_all().values()}
    for s in schedules:
        s.title = titles.get(s.instrument_id, s.instrument_id)
    return render(request, "measures/programme_schedules.html", {
        "schedules": schedules, "levels": LevelOfCare.choices,
        "instruments": actions.enabled_instruments(user.organisation_id)})
