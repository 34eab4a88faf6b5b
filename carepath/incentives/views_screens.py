"""The chart's Drug screens tab, recording a screen (or a missed one), a screen's page and
amending a result. Thin: parse, call the actions or queries, render. Times are shown and
typed in the organisation's time zone."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone

from carepath.access import guards
from carepath.access.guards import patient_view
from carepath.accounts.models import AccountType, Role
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.pagination import paginate
from carepath.patients.views import _render_chart
from carepath.recovery.portal_guard import local_zone
from carepath.ui.forms import add_action_errors

from . import actions_screens as actions
from . import queries_screens as queries
from .forms_screens import AmendForm, ChoosePanelForm, MissedForm, ScreenForm

TAB = "screens"
OBJECT_TYPE = actions.OBJECT_TYPE


def _ctx(request):
    return audit.Context.from_request(request)


def _audit_redisplay(request, patient) -> None:
    """A refused POST shows the record again: that is a read, so it is audited too."""
    audit.record(_ctx(request), Action.READ, patient=patient, object_type=OBJECT_TYPE,
                 details={"redisplay": True})


def _require_recorder(request, patient):
    guards.require_change(_ctx(request), patient, OBJECT_TYPE,
                          decision=actions.may_record_screens(request.user, patient))


def _staff(patient):
    return get_user_model().objects.filter(
        organisation_id=patient.organisation_id, account_type=AccountType.STAFF,
        is_active=True).exclude(role__in=[Role.ADMINISTRATOR, Role.ANALYST]).order_by(
        "last_name", "first_name")


def _render(request, patient, template, extra, status=200):
    with timezone.override(local_zone(patient)):
        response = _render_chart(request, patient, TAB, f"incentives/screens/{template}",
                                 extra)
    response.status_code = status
    return response


@patient_view(OBJECT_TYPE)
def chart_screens(request, patient):
    page = paginate(queries.screens_for(patient), request.GET.get("page"), queries.PAGE_SIZE)
    return _render(request, patient, "tab.html", {
        "page": page, "rows": [queries.describe(s) for s in page.object_list],
        "may_record": bool(actions.may_record_screens(request.user, patient))})


def _chosen_panel(request, panels):
    key = request.POST.get("panel") or request.GET.get("panel")
    if key:
        try:
            return panels.filter(uuid=key).first()
        except ValidationError:
            return None
    only = list(panels[:2])
    return only[0] if len(only) == 1 else None


@patient_view(OBJECT_TYPE)
def record_screen(request, patient):
    _require_recorder(request, patient)
    panels = actions.active_panels(patient.organisation_id)
    panel = _chosen_panel(request, panels)
    if panel is None:
        return _render(request, patient, "choose_panel.html", {
            "form": ChoosePanelForm(panels=panels), "has_panels": panels.exists()},
            400 if request.method == "POST" else 200)
    with timezone.override(local_zone(patient)):
        form = ScreenForm(request.POST or None, panel=panel, panels=panels,
                          staff=_staff(patient), earlier=queries.confirmable(patient),
                          user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                screen = actions.record_screen(_ctx(request), patient, **form.values())
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                row = queries.describe(queries.screen_for(patient, screen.uuid))
                messages.success(request, f"Screen recorded: {row.outcome_words}.")
                return redirect("incentives:chart_screens", patient_id=patient.uuid)
    status = 200
    if request.method == "POST":
        _audit_redisplay(request, patient)
        status = 400
    return _render(request, patient, "record.html", {"form": form, "panel": panel}, status)


@patient_view(OBJECT_TYPE)
def record_missed(request, patient):
    _require_recorder(request, patient)
    panels = actions.active_panels(patient.organisation_id)
    with timezone.override(local_zone(patient)):
        form = MissedForm(request.POST or None, panels=panels)
        if request.method == "POST" and form.is_valid():
            try:
                actions.record_missed(_ctx(request), patient, **form.cleaned_data)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, "Missed screen recorded.")
                return redirect("incentives:chart_screens", patient_id=patient.uuid)
    status = 200
    if request.method == "POST":
        _audit_redisplay(request, patient)
        status = 400
    return _render(request, patient, "missed.html", {"form": form}, status)


def _screen(patient, screen_id):
    screen = queries.screen_for(patient, screen_id)
    if screen is None:
        raise Http404("No such screen")
    return screen


def _detail(request, patient, screen, form=None, status=200):
    row = queries.describe(screen)
    may_record = bool(actions.may_record_screens(request.user, patient))
    if form is None and may_record and row.analytes:
        form = AmendForm(analytes=row.analytes)
    return _render(request, patient, "detail.html", {
        "row": row, "screen": screen, "form": form, "may_record": may_record,
        "confirmations": screen.confirmations.select_related("panel").order_by("pk")},
        status)


@patient_view(OBJECT_TYPE)
def screen_detail(request, patient, screen_id):
    return _detail(request, patient, _screen(patient, screen_id))


@patient_view(OBJECT_TYPE)
def amend_screen(request, patient, screen_id):
    screen = _screen(patient, screen_id)
    if request.method != "POST":
        return redirect("incentives:screen_detail", patient_id=patient.uuid,
                        screen_id=screen.uuid)
    _require_recorder(request, patient)
    form = AmendForm(request.POST, analytes=queries.describe(screen).analytes)
    if form.is_valid():
        try:
            actions.amend_screen(_ctx(request), screen, **form.cleaned_data)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "Result amended; the original stays on the record.")
            return redirect("incentives:screen_detail", patient_id=patient.uuid,
                            screen_id=screen.uuid)
    _audit_redisplay(request, patient)
    return _detail(request, patient, screen, form, 400)
