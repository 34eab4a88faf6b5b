"""The ledger's pages: the chart's Rewards tab, the staff approval queue, and the
patient's own /my/rewards/. Thin: guards, forms, actions; every page costs the same few
queries however long the ledger is (rows carry their display text, set here)."""

from __future__ import annotations

import uuid
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from carepath.access.guards import patient_view
from carepath.access.policy import visible_patients
from carepath.accounts.models import AccountType, Role
from carepath.audit import log as audit
from carepath.patients.models import Patient
from carepath.patients.views import _render_chart
from carepath.recovery.portal_guard import local_zone, portal_view
from carepath.ui.forms import add_action_errors

from . import actions_enrol, actions_redemptions, ledger
from .forms_rewards import DecisionForm, EnrolForm, RedemptionForm
from .models import LedgerEntry, LedgerKind, Redemption, RedemptionStatus
from .rewards import OBJECT_TYPE

QUEUE_MAX = 200


def _ctx(request):
    return audit.Context.from_request(request)


def _fresh_redemption_form():
    return RedemptionForm(initial={"submission_key": uuid.uuid4()})


def _dress(account, rows, redemptions):
    """Display text on each row, so templates need no money filter."""
    for e in rows:
        e.amount_text = account.text(e.amount)
        e.slips = [f"{d['label']} ({account.text(d['value'])})" for d in e.draws or []]
    for r in redemptions:
        r.amount_text = account.text(r.amount)


def _redemptions(patient):
    return list(Redemption.objects.filter(patient=patient)
                .select_related("requested_by", "decided_by")[:QUEUE_MAX])


def _page(patient):
    account = ledger.account(patient)
    rows, redemptions = ledger.entries(patient), _redemptions(patient)
    _dress(account, rows, redemptions)
    return {"account": account, "entries": rows, "redemptions": redemptions,
            "zone": local_zone(patient)}


# --- The chart's Rewards tab ----------------------------------------------------------

def _patients_see_404(view):
    """A patient account reaching another person's chart URL gets 404, not 403: the page
    does not confirm that the record exists (the guard has already audited the refusal)."""
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            if getattr(request.user, "account_type", "") == AccountType.PATIENT:
                raise Http404("No such record") from None
            raise
    return wrapped


def _chart(request, patient, *, status=200, enrol_form=None, redeem_form=None,
           decision=None):
    access = getattr(request, "patient_access", None)
    may_change = bool(access) and access.basis in ("care_team", "supervision", "break_glass")
    may_decide = bool(access) and access.basis in ("care_team", "supervision")
    context = _page(patient)
    for r in context["redemptions"]:
        if may_decide and r.status == RedemptionStatus.REQUESTED \
                and r.requested_by_id != request.user.pk:
            r.form = decision[1] if decision and decision[0] == r.pk \
                else DecisionForm(initial={"back": "chart"})
    if may_change and context["account"].enrolment is None and enrol_form is None:
        enrol_form = EnrolForm(schedules=actions_enrol.schedules_for(patient))
    context.update({"may_change": may_change, "enrol_form": enrol_form,
                    "redeem_form": redeem_form or _fresh_redemption_form()})
    response = _render_chart(request, patient, "rewards", "incentives/rewards/chart.html",
                             context)
    response.status_code = status
    return response


@login_required
@_patients_see_404
@patient_view(OBJECT_TYPE)
def chart_rewards(request, patient):
    access = getattr(request, "patient_access", None)
    if access is not None and access.basis == "own_record":
        return redirect("incentives:my_rewards")
    return _chart(request, patient)


@login_required
@require_POST
@_patients_see_404
@patient_view(OBJECT_TYPE)
def enrol(request, patient):
    form = EnrolForm(request.POST, schedules=actions_enrol.schedules_for(patient))
    if form.is_valid():
        try:
            made, _ = actions_enrol.enrol(_ctx(request), patient, form.cleaned_data["schedule"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, f"Enrolled in “{made.schedule.name}”.")
            return redirect("incentives:chart_rewards", patient_id=patient.uuid)
    return _chart(request, patient, status=400, enrol_form=form)


def _redeem(request, patient, form) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        made, _ = actions_redemptions.request_redemption(
            _ctx(request), patient, amount=data["amount"], kind=data["kind"],
            description=data["description"], submission_key=data.get("submission_key"))
    except ValidationError as exc:
        add_action_errors(form, exc)
        return False
    text = ledger.money_text(made.amount, ledger.settings_for(patient.organisation).currency)
    messages.success(request, f"The request for {text} is waiting for staff approval.")
    return True


@login_required
@require_POST
@_patients_see_404
@patient_view(OBJECT_TYPE)
def request_redemption(request, patient):
    form = RedemptionForm(request.POST)
    if _redeem(request, patient, form):
        return redirect("incentives:chart_rewards", patient_id=patient.uuid)
    return _chart(request, patient, status=400, redeem_form=form)


# --- The approval queue ----------------------------------------------------------------

def _is_staff(user) -> bool:
    return (user.is_authenticated and user.account_type == AccountType.STAFF
            and user.role not in (Role.ADMINISTRATOR, Role.ANALYST, ""))


def _sum_of(kind):
    rows = (LedgerEntry.objects.filter(patient=OuterRef("patient"), kind=kind)
            .values("patient").annotate(total=Sum("amount")).values("total"))
    return Coalesce(Subquery(rows), Value(0), output_field=DecimalField())


def _queue(request, *, status=200, decision=None):
    patients = visible_patients(request.user, Patient.objects.all()).values("pk")
    rows = list(Redemption.objects.filter(status=RedemptionStatus.REQUESTED,
                                          patient_id__in=patients)
                .select_related("patient", "requested_by")
                .annotate(earned=_sum_of(LedgerKind.EARNED),
                          redeemed=_sum_of(LedgerKind.REDEEMED))
                .order_by("requested_at", "pk")[:QUEUE_MAX])
    currency = ledger.settings_for(request.user.organisation).currency
    for r in rows:
        r.amount_text = ledger.money_text(r.amount, currency)
        r.balance_text = ledger.money_text(max(r.earned - r.redeemed, 0), currency)
        if r.requested_by_id != request.user.pk:
            r.form = decision[1] if decision and decision[0] == r.pk \
                else DecisionForm(initial={"back": "queue"})
    audit.record_list(_ctx(request), OBJECT_TYPE, [r.patient.uuid for r in rows])
    zone = getattr(request.user.organisation, "time_zone", "") or settings.TIME_ZONE
    return render(request, "incentives/rewards/queue.html", {"rows": rows, "zone": zone},
                  status=status)


@login_required
def redemptions(request):
    if not _is_staff(request.user):
        audit.denied(_ctx(request), object_type=OBJECT_TYPE, reason="not_staff")
        raise PermissionDenied("The redemption queue is for staff.")
    return _queue(request)


@login_required
@require_POST
def decide(request, redemption_id):
    redemption = (Redemption.objects.select_related("patient", "patient__organisation")
                  .filter(uuid=redemption_id).first())
    if redemption is None:
        raise Http404("No such redemption")
    if not actions_redemptions.may_decide(request.user, redemption):
        audit.denied(_ctx(request), patient=redemption.patient, object_type=OBJECT_TYPE,
                     reason="may_not_decide")
        raise Http404("No such redemption")  # do not say whose it is
    form = DecisionForm(request.POST)
    back = request.POST.get("back") if request.POST.get("back") in ("queue", "chart") \
        else "queue"
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            actions_redemptions.decide(_ctx(request), redemption, approve=approve,
                                       note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "Approved: the balance is updated." if approve
                             else "Refused; the person will see the reason.")
            if back == "chart":
                return redirect("incentives:chart_rewards", patient_id=redemption.patient.uuid)
            return redirect("incentives:redemptions")
    if back == "chart":
        request.patient_access = actions_redemptions.patient_change_access(
            request.user, redemption.patient)
        return _chart(request, redemption.patient, status=400,
                      decision=(redemption.pk, form))
    return _queue(request, status=400, decision=(redemption.pk, form))


# --- The patient's own page --------------------------------------------------------------

@portal_view(OBJECT_TYPE)
def my_rewards(request, patient):
    form = RedemptionForm(request.POST) if request.method == "POST" else None
    if form is not None and _redeem(request, patient, form):
        return redirect("incentives:my_rewards")
    context = _page(patient)
    context.update({"patient": patient, "form": form or _fresh_redemption_form()})
    return render(request, "incentives/rewards/mine.html", context,
                  status=400 if form is not None else 200)
