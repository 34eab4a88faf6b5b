"""The patient's check-in pages under /my/: the form, the result, the history, and
"Connect a mobile app". Thin: the portal guard finds the person's own record (404 for
anyone else); reads are audited here with what was shown."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from carepath.accounts import tokens
from carepath.accounts.idempotency import KeyReused, digest_of
from carepath.alerts.crisis import lines_for
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.ui.forms import add_action_errors

from . import actions_checkins as actions
from . import queries_checkins as queries
from .counter import recovery_count
from .forms_checkins import CheckInForm, plan_triggers
from .models import CheckInSource
from .portal_guard import portal_view
from .queries_plans import current_plan

APP_KEY_LABEL = "Mobile app"
APP_KEY_DAYS = 365  # a lost phone's token stops working within a year at most


def own_record():
    """/my/ pages: the signed-in patient's own record (the portal's shared guard); each
    view audits its own read, naming the check-ins shown."""
    return portal_view(actions.OBJECT_TYPE, audit_read=False)


def _ctx(request):
    return audit.Context.from_request(request)


def _read(request, patient, action=Action.READ, object_id="", **details):
    audit.record(_ctx(request), action, patient=patient, object_type=actions.OBJECT_TYPE,
                 object_id=object_id, details=details)


def _form(request, patient, today, data=None):
    return CheckInForm(data, triggers=plan_triggers(current_plan(patient)), today=today)


@own_record()
def checkin(request, patient):
    today = actions.organisation_today(patient.organisation)
    if request.method != "POST":
        # The form shows the triggers from the person's plan: a read of their record.
        _read(request, patient, page="checkin_form")
        return render(request, "recovery/checkins/form.html",
                      {"form": _form(request, patient, today), "patient": patient})
    form = _form(request, patient, today, request.POST)
    if form.is_valid():
        data = form.to_data()
        key = form.cleaned_data.get("submission_key")
        try:
            made, _ = actions.submit_checkin(
                _ctx(request), patient, data, source=CheckInSource.WEB,
                idempotency_key=str(key) if key else None,
                digest=digest_of({k: data[k] for k in sorted(data)}))
        except ValidationError as exc:
            add_action_errors(form, exc)
        except KeyReused:
            # The same form came back with other answers (the back button, then edits):
            # keep what was typed and let it go as a new check-in on the next press.
            form = _rekeyed(form)
            form.add_error(None, "You already sent this check-in. Your changed answers are "
                                 "kept below: press “Send my check-in” to send them as a "
                                 "new check-in.")
        else:
            return redirect("recovery:checkin_result", checkin_id=made.uuid)
    else:
        _check_the_rest(form, today)
    return render(request, "recovery/checkins/form.html",
                  {"form": form, "patient": patient}, status=400)


def _check_the_rest(form: CheckInForm, today) -> None:
    """The form refused some answers: name the action's problems with the others too,
    so one send shows everything to fix."""
    data = {k: v for k, v in form.to_data().items() if k not in form.errors}
    try:
        actions.clean({**data, **dict.fromkeys(form.errors.keys() & set(actions.FIELDS))},
                      today)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            if field in form.fields and field not in form.errors:
                form.add_error(field, errors)


def _rekeyed(form: CheckInForm) -> CheckInForm:
    data = form.data.copy()
    data["submission_key"] = str(uuid.uuid4())
    fresh = CheckInForm(data, triggers=[c for c, _ in form.fields["triggers"].choices])
    fresh.is_valid()
    return fresh


def urgent_advice(organisation) -> dict:
    """What the blood-in-urine advice names: who to contact today, and the emergency
    number, from the organisation's crisis lines."""
    lines = lines_for(organisation)
    emergency = next((line for line in lines if "emergency" in line.get("name", "").lower()),
                     lines[0] if lines else None)
    uk = getattr(organisation, "country", "GB") == "GB"
    return {"emergency": emergency, "uk": uk,
            "others": [line for line in lines if line is not emergency]}


@own_record()
def checkin_result(request, patient, checkin_id):
    found = queries.get_checkin(patient, checkin_id)
    if found is None:
        raise Http404("No such check-in")
    today = actions.organisation_today(patient.organisation)
    _read(request, patient, object_id=str(found.uuid), page="result")
    return render(request, "recovery/checkins/result.html", {
        "checkin": found, "patient": patient, "count": recovery_count(patient, today),
        "advice": urgent_advice(patient.organisation) if found.blood_in_urine else None,
        "contact_asked": queries.outreach_requested(found)})


@own_record()
@require_POST
def checkin_contact(request, patient, checkin_id):
    found = queries.get_checkin(patient, checkin_id)
    if found is None:
        raise Http404("No such check-in")
    actions.ask_for_contact(_ctx(request), found)
    messages.success(request, "Your care team has been asked to contact you. They will be in "
                              "touch soon.")
    return redirect("recovery:checkin_result", checkin_id=found.uuid)


@own_record()
def checkin_history(request, patient):
    size = queries.clamp_page_size(request.GET.get("page_size"))
    page = queries.checkins_page(patient, request.GET.get("page"), size)
    today = actions.organisation_today(patient.organisation)
    _read(request, patient, Action.LIST, page=page.number,
          shown=[str(c.uuid) for c in page.object_list])
    return render(request, "recovery/checkins/history.html", {
        "page": page, "checkins": page.object_list, "patient": patient,
        "count": recovery_count(patient, today),
        "query_prefix": f"page_size={size}&" if size != queries.PAGE_SIZE else ""})


# --- Connect a mobile app ----------------------------------------------------------------

@own_record()
def app_tokens(request, patient):
    new_token = None
    if request.method == "POST":
        _, new_token = tokens.create_token(_ctx(request), request.user, APP_KEY_LABEL,
                                           APP_KEY_DAYS)
    listed = request.user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at")
    return render(request, "recovery/checkins/app.html", {
        "new_token": new_token, "tokens": [t for t in listed if t.is_usable],
        "patient": patient})


@own_record()
@require_POST
def app_token_revoke(request, patient, token_id):
    token = get_object_or_404(request.user.api_tokens, uuid=token_id)
    if token.user_id != request.user.pk:
        raise PermissionDenied
    tokens.revoke_token(_ctx(request), token)
    messages.success(request, "That app is disconnected: its key no longer works.")
    return redirect("recovery:app")
