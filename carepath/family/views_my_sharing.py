"""The patient's own sharing pages under /my/: who they share with (and the form to share
with someone new), who saw what, and the encouragement messages they received.
Thin: parse, call the action or the queries, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse

from carepath.accounts.idempotency import KeyReused
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.pagination import paginate
from carepath.patients.models import Consent
from carepath.recovery.portal_guard import local_today, local_zone, portal_view
from carepath.ui.forms import add_action_errors

from . import actions_sharing as actions
from . import queries_who_saw
from .forms_sharing import EncouragementSettingForm, GrantForm, RevokeForm
from .models import EncouragementMessage
from .queries_shared import label

KEY_REUSED = ("This form was already sent once with different details. Nothing more was "
              "saved: check the list below.")


def _ctx(request):
    return audit.Context.from_request(request)


def _status(consent, today) -> str:
    if consent.revoked_at is not None:
        return "stopped"
    if consent.expires_on < today:
        return "ended"
    if consent.starts_on > today:
        return "not started"
    return "active"


def _consents(patient, today) -> list:
    rows = list(Consent.objects.filter(patient=patient, recipient_user__isnull=False)
                .select_related("recipient_user").order_by("-recorded_at", "-pk"))
    for consent in rows:
        consent.status = _status(consent, today)
        consent.labels = [label(c) for c in consent.data_categories]
    return rows


def _page(request, patient, form, status):
    today = local_today(patient)
    return TemplateResponse(request, "family/sharing/my_sharing.html", {
        "patient": patient, "form": form, "consents": _consents(patient, today),
        "today": today, "org_tz": local_zone(patient),
        "encouragement_on": actions.encouragement_on(patient),
        "regime": actions.regime_for(patient.organisation),
    }, status=status)


@portal_view("family.my_sharing")
def my_sharing(request, patient):
    if request.method != "POST":
        return _page(request, patient, GrantForm(), 200)
    op = request.POST.get("op")
    if op == "revoke":
        return _revoke(request, patient)
    if op == "encouragement":
        return _encouragement(request, patient, "family:my_sharing")
    form = GrantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        key = str(data["submission_key"]) if data.get("submission_key") else None
        try:
            consent, _ = actions.grant_once(
                _ctx(request), patient, key=key, email=data["email"],
                categories=data["categories"], purpose=data["purpose"],
                expires_on=data["expires_on"], today=local_today(patient))
        except KeyReused:
            form.add_error(None, KEY_REUSED)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, f"You are now sharing with {consent.recipient} until "
                                      f"{consent.expires_on.day} {consent.expires_on:%B %Y}.")
            return redirect("family:my_sharing")
    audit.record(_ctx(request), Action.READ, patient=patient, object_type="family.my_sharing",
                 details={"basis": "own_record", "redisplay": True})
    return _page(request, patient, form, 400)


def _revoke(request, patient):
    form = RevokeForm(request.POST)
    if not form.is_valid():
        raise Http404("No such consent")
    ctx = _ctx(request)
    try:
        consent = actions.supporter_consent(ctx, patient, form.cleaned_data["consent"])
    except PermissionDenied:
        raise Http404("No such consent") from None
    consent = actions.revoke(ctx, patient, consent, reason=form.cleaned_data["reason"])
    messages.success(request, f"You have stopped sharing with {consent.recipient}. They can "
                              "no longer see anything you shared with them.")
    return redirect("family:my_sharing")


def _encouragement(request, patient, done):
    form = EncouragementSettingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether encouragement messages reach you.")
        return redirect(done)
    on = form.cleaned_data["encouragement_on"]
    actions.set_encouragement(_ctx(request), patient, on=on)
    messages.success(request, "Encouragement messages from your supporters will reach you."
                     if on else "Encouragement messages are turned off. Nobody can send you "
                                "one until you turn them back on.")
    return redirect(done)


@portal_view("family.my_who_saw")
def who_saw(request, patient):
    return TemplateResponse(request, "family/sharing/who_saw.html", {
        "patient": patient, "org_tz": local_zone(patient),
        "views": queries_who_saw.views(patient, request.GET.get("page")),
        "refused": queries_who_saw.refused(patient, request.GET.get("refused_page")),
    })


@portal_view("family.my_encouragement")
def my_encouragement(request, patient):
    if request.method == "POST":
        return _encouragement(request, patient, "family:my_encouragement")
    on = actions.encouragement_on(patient)
    page = None
    if on:
        page = paginate(EncouragementMessage.objects.filter(patient=patient)
                        .select_related("supporter").order_by("-sent_at", "-pk"),
                        request.GET.get("page"), 20)
    return TemplateResponse(request, "family/sharing/my_encouragement.html", {
        "patient": patient, "org_tz": local_zone(patient), "encouragement_on": on,
        "page": page})
