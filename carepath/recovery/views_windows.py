"""Risk-time pages: the person's own under /my/risk-windows/ and the care team's on the
chart. Thin: parse, call the action or the queries, render."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carepath.access.guards import patient_view
from carepath.accounts.idempotency import KeyReused
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.views import _render_chart
from carepath.ui.forms import add_action_errors

from . import actions_windows as actions
from . import windows
from .forms_windows import SUGGESTIONS, RiskWindowForm
from .models import RiskWindow, WindowRepeat
from .portal_guard import portal_view

TAB = "recovery"
OBJECT_TYPE = actions.OBJECT_TYPE
UPCOMING_HOURS = 31 * 24
KEY_REUSED = ("This form was already sent once with different details. Nothing more was "
              "added: check the list below.")


def _ctx(request):
    return audit.Context.from_request(request)


def _listing(patient, now) -> dict:
    """What both pages show: occurrences in the next month and the windows themselves
    (repeating ones, and one-off ones not yet over), in the organisation's time zone."""
    tz = windows.zone(patient.organisation)
    current = list(RiskWindow.objects.filter(patient=patient, cancelled_at__isnull=True)
                   .exclude(repeats=WindowRepeat.NONE, ends_at__lte=now)
                   .order_by("starts_at", "pk"))
    upcoming = sorted(
        (o for w in current for o in windows.occurrences(
            w, tz, ending_after=now, starting_before=now + timedelta(hours=UPCOMING_HOURS))),
        key=lambda o: o.starts_at)
    return {"org_tz": tz, "upcoming": upcoming, "windows": current, "now": now,
            "suggestions": SUGGESTIONS, "upcoming_days": UPCOMING_HOURS // 24}


def _add(request, patient, *, done: str, render):
    tz = windows.zone(patient.organisation)
    if request.method != "POST":
        return render(RiskWindowForm(tz=tz), 200)
    form = RiskWindowForm(request.POST, tz=tz)
    if form.is_valid():
        data = form.cleaned_data
        key = str(data["submission_key"]) if data.get("submission_key") else None
        try:
            window, _ = actions.add_window_once(
                _ctx(request), patient, key=key, label=data["label"],
                starts_at=data["starts_at"], ends_at=data["ends_at"], repeats=data["repeats"],
                remind_hours_before=data["remind_hours_before"])
        except KeyReused:
            form.add_error(None, KEY_REUSED)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, f"“{window.label}” added to your risk times."
                             if request.user.pk == patient.user_id
                             else f"Risk time “{window.label}” added.")
            return redirect(done)
    audit.record(_ctx(request), Action.READ, patient=patient, object_type=OBJECT_TYPE,
                 details={"redisplay": True})
    return render(form, 400)


def _window(patient, window_id) -> RiskWindow:
    window = RiskWindow.objects.filter(uuid=window_id, patient=patient).first()
    if window is None:
        raise Http404("No such risk time")
    window.patient = patient
    return window


# --- The person's own page -----------------------------------------------------------------

@portal_view(OBJECT_TYPE)
def my_windows(request, patient):
    done = reverse("recovery:my_windows")

    def render(form, status):
        return TemplateResponse(request, "recovery/windows/my_windows.html", {
            "patient": patient, "form": form, **_listing(patient, timezone.now())},
            status=status)

    return _add(request, patient, done=done, render=render)


@require_POST
@portal_view(OBJECT_TYPE)
def my_window_cancel(request, patient, window_id):
    window = actions.cancel_window(_ctx(request), _window(patient, window_id))
    messages.success(request, f"“{window.label}” cancelled: no more reminders for it.")
    return redirect("recovery:my_windows")


# --- The care team's page on the chart --------------------------------------------------

@login_required
@patient_view(OBJECT_TYPE)
def chart_windows(request, patient):
    if getattr(request, "patient_access", None) and request.patient_access.basis == "own_record":
        return redirect("recovery:my_windows")
    may_change = bool(actions.save_decision(request.user, patient))
    if request.method == "POST" and not may_change:
        actions.require_window_change(_ctx(request), patient)  # audited refusal, 403

    def render(form, status):
        response = _render_chart(request, patient, TAB, "recovery/windows/chart_windows.html",
                                 {"form": form, "may_change": may_change,
                                  **_listing(patient, timezone.now())})
        response.status_code = status
        return response

    return _add(request, patient, done=reverse("recovery:chart_windows", args=[patient.uuid]),
                render=render)


@login_required
@require_POST
@patient_view(OBJECT_TYPE)
def chart_window_cancel(request, patient, window_id):
    window = actions.cancel_window(_ctx(request), _window(patient, window_id))
    messages.success(request, f"Risk time “{window.label}” cancelled.")
    return redirect("recovery:chart_windows", patient_id=patient.uuid)
