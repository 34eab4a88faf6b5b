"""Referral pages: the chart's Referrals tab and new-referral page, the organisation's
referral list, the anti-brokering report and a service's waitlist."""

from __future__ import annotations

import csv
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carepath.access.guards import patient_view
from carepath.access.policy import (
    may_edit_directory,
    may_read_referral_report,
    may_refer,
    may_work_intake,
    patient_change_access,
)
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.pagination import page_number, paginate
from carepath.patients.views import _render_chart
from carepath.ui.forms import add_action_errors

from . import actions_referrals as actions
from . import queries_referrals as queries
from . import search
from .forms_referrals import ReferralForm, StatusForm, WaitlistRemoveForm
from .models import Referral, ReferralStatus, Service, WaitlistEntry


def _ctx(request):
    return audit.Context.from_request(request)


def _audit_redisplay(request, patient, **details) -> None:
    """A refused POST shows the record again: a read, audited as the guard audits a GET."""
    audit.record(_ctx(request), Action.READ, patient=patient, object_type="directory.referral",
                 details={"redisplay": True, **details})


def _status_choices(referral):
    """The statuses this referral may be given next, then the current one (a check)."""
    current = (referral.status, f"No change: still {referral.get_status_display().lower()} "
                                "(record a check)")
    return [(s, ReferralStatus(s).label) for s in actions.next_statuses(referral)] + [current]


def _decorate(referrals, user, now):
    for referral in referrals:
        referral.is_open = actions.is_open(referral)
        referral.check_overdue = actions.is_check_overdue(referral, now)
        referral.status_choices = _status_choices(referral) if referral.is_open else []
    return referrals


# --- the chart tab ----------------------------------------------------------------------

def _chart_context(request, patient, *, failed=None):
    """``failed``: (referral uuid, bound StatusForm with errors), shown beside that referral."""
    now = timezone.now()
    referrals = list(Referral.objects.filter(patient=patient)
                     .select_related("service", "referred_by").order_by("-sent_at", "-pk"))
    queries.with_history(referrals)
    _decorate(referrals, request.user, now)
    for referral in referrals:
        referral.status_form = failed[1] if failed and failed[0] == referral.uuid else None
    waitlist = list(WaitlistEntry.objects.filter(patient=patient).select_related(
        "service", "added_by").order_by("removed_at", "-added_at"))
    _attach_waitlist_errors(request, waitlist)
    may_change = bool(patient_change_access(request.user, patient)) and may_refer(request.user)
    return {"referrals": referrals, "waitlist": waitlist, "may_change": may_change,
            "may_change_waitlist": bool(patient_change_access(request.user, patient))}


def _attach_waitlist_errors(request, entries):
    errors = request.session.pop("waitlist_errors", {})
    for entry in entries:
        kept = errors.get(str(entry.uuid), {})
        entry.remove_error = kept.get("message", "")
        entry.kept_reason = kept.get("reason", "")


@login_required
@patient_view("directory.referral")
def chart_referrals(request, patient):
    return _render_chart(request, patient, "referrals", "directory/referral_chart.html",
                         _chart_context(request, patient))


@login_required
@patient_view("directory.referral")
def referral_new(request, patient):
    if not (may_refer(request.user) and patient_change_access(request.user, patient)):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:100]
    level = request.GET.get("level", "")
    searched = "q" in request.GET or "level" in request.GET
    options = search.services_for_picker(q, level) if searched else []
    if request.method == "POST":
        form = ReferralForm(request.POST, service_options=options)
        if form.is_valid():
            try:
                referral, created = actions.create_referral_with_key(
                    _ctx(request), key=form.cleaned_data.get("submission_key", ""),
                    organisation=patient.organisation, patient=patient,
                    **form.referral_fields())
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                if created:
                    due_on = timezone.localtime(referral.check_due_at)
                    messages.success(request, f"Referral to {referral.service.name} recorded "
                                              "as sent. Its status is due for a check on "
                                              f"{due_on:%d %b %Y}.")
                return redirect(reverse("directory:chart_referrals",
                                        kwargs={"patient_id": patient.uuid})
                                + f"#referral-{referral.uuid}")
        _audit_redisplay(request, patient)
    else:
        form = ReferralForm(service_options=options,
                            initial={"level_of_care": level if level else ""})
    response = _render_chart(request, patient, "referrals", "directory/referral_new.html", {
        "form": form, "q": q, "level": level, "searched": searched,
        "levels": ReferralForm.base_fields["level_of_care"].choices,
        "search_limit": search.PICKER_LIMIT})
    if form.errors:
        response.status_code = 400
    return response


@login_required
@require_POST
@patient_view("directory.referral")
def referral_status(request, patient, referral_id):
    referral = Referral.objects.filter(uuid=referral_id, patient=patient).first()
    if referral is None:
        raise Http404("No such referral")
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            actions.change_referral_status(_ctx(request), referral, form.cleaned_data["status"],
                                           note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "Referral status recorded.")
            return redirect(reverse("directory:chart_referrals",
                                    kwargs={"patient_id": patient.uuid})
                            + f"#referral-{referral.uuid}")
    _audit_redisplay(request, patient, referral=str(referral.uuid))
    context = _chart_context(request, patient, failed=(referral.uuid, form))
    response = _render_chart(request, patient, "referrals", "directory/referral_chart.html",
                             context)
    response.status_code = 400
    return response


# --- the organisation's referral list -----------------------------------------------------

def _may_list(user) -> bool:
    return may_refer(user) or may_work_intake(user)


@login_required
def referral_list(request):
    if not _may_list(request.user):
        raise PermissionDenied
    status = request.GET.get("status", "")
    due = request.GET.get("due") == "1"
    qs = queries.referral_list(request.user, status=status, due=due)
    page = paginate(qs, page_number(request.GET.get("page")), 25)
    now = timezone.now()
    rows = _decorate(list(page.object_list), request.user, now)
    overdue_count = queries.overdue(queries.visible_referrals(request.user), now).count()
    ctx = _ctx(request)
    audit.record_list(ctx, "directory.referral", [r.patient.uuid for r in rows if r.patient],
                      page=page.number, status=status, due=due)
    enquiries = [str(r.enquiry.uuid) for r in rows if _enquiry(r) is not None]
    if enquiries:
        audit.record(ctx, Action.LIST, object_type="intake.enquiry",
                     details={"enquiries_shown": enquiries, "via_page": "referrals"})
    for r in rows:
        r.linked_enquiry = _enquiry(r)
    query_prefix = "".join(f"{k}={v}&" for k, v in (("status", status), ("due", "1" if due
                                                                         else "")) if v)
    return render(request, "directory/referral_list.html", {
        "page": page, "referrals": rows, "status": status, "due": due,
        "overdue_count": overdue_count, "statuses": ReferralStatus.choices,
        "query_prefix": query_prefix,
        "may_report": may_read_referral_report(request.user)})


def _enquiry(referral):
    try:
        return referral.enquiry
    except Referral.enquiry.RelatedObjectDoesNotExist:
        return None


@login_required
def referral_detail(request, referral_id):
    """A referral made for an enquiry (no patient): its record, history and status form.
    A patient's referral lives in their chart, behind the chart's guard."""
    referral = (Referral.objects.select_related("service", "referred_by", "patient")
                .filter(uuid=referral_id, organisation_id=request.user.organisation_id).first())
    if referral is None:
        raise Http404("No such referral")
    if referral.patient_id is not None:
        return redirect(reverse("directory:chart_referrals",
                                kwargs={"patient_id": referral.patient.uuid})
                        + f"#referral-{referral.uuid}")
    ctx = _ctx(request)
    if not queries.may_see(request.user, referral):
        audit.record(ctx, Action.READ, obj=referral, outcome="denied",
                     details={"reason": "may_not_see_enquiry"})
        raise PermissionDenied
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_referral_status(ctx, referral, form.cleaned_data["status"],
                                           note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "Referral status recorded.")
            return redirect("directory:referral_detail", referral_id=referral.uuid)
    enquiry = _enquiry(referral)  # shown, or shown again after a refusal
    audit.record(ctx, Action.READ, obj=referral, details={
        "enquiry": str(enquiry.uuid) if enquiry else None,
        **({"redisplay": True} if request.method == "POST" else {})})
    queries.with_history([referral])
    _decorate([referral], request.user, timezone.now())
    return render(request, "directory/referral_detail.html", {
        "referral": referral, "enquiry": _enquiry(referral), "form": form,
        "may_change": actions.may_change_referral(request.user, referral)},
        status=400 if form.errors else 200)


# --- the anti-brokering report ------------------------------------------------------------

def _date(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def referral_report(request):
    if not may_read_referral_report(request.user):
        raise PermissionDenied
    since, until = _date(request.GET.get("from")), _date(request.GET.get("to"))
    lines = queries.referral_report(request.user.organisation_id, since=since, until=until)
    as_csv = request.GET.get("format") == "csv"
    audit.record(_ctx(request), Action.EXPORT if as_csv else Action.READ,
                 object_type="directory.referral_report",
                 details={"from": str(since or ""), "to": str(until or ""),
                          "services": len(lines)})
    if as_csv:
        return _report_csv(lines)
    return render(request, "directory/referral_report.html", {
        "lines": lines, "since": since, "until": until,
        "any_affiliations": any(line.affiliations for line in lines),
        "statuses": ReferralStatus.choices,
        "csv_query": "&".join(p for p in (f"from={since}" if since else "",
                                          f"to={until}" if until else "", "format=csv") if p)})


def _report_csv(lines) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="referrals-by-service.csv"'
    writer = csv.writer(response)
    writer.writerow(["service_id", "service", "town", "provider", "referrals_sent",
                     *(f"now_{status}" for status in ReferralStatus.values),
                     "declared_affiliations", "affiliation_details", "all_attested_no_fee",
                     "median_days_sent_to_admitted"])
    for line in lines:
        writer.writerow([line.service_uuid, line.name, line.town, line.provider, line.sent,
                         *(line.count(s) for s in ReferralStatus.values), line.affiliated,
                         " | ".join(f"{label}: {details}" for label, details in line.affiliations),
                         "yes" if line.all_attested else "no",
                         "" if line.median_days_to_admission is None
                         else line.median_days_to_admission])
    return response


# --- a service's waitlist -----------------------------------------------------------------

@login_required
def service_waitlist(request, service_id):
    if not (may_refer(request.user) or may_edit_directory(request.user)):
        raise PermissionDenied
    service = Service.objects.filter(uuid=service_id).first()
    if service is None:
        raise Http404("No such service")
    shown, hidden = queries.open_waitlist(service, request.user)
    audit.record_list(_ctx(request), "directory.waitlistentry",
                      [e.patient.uuid for e in shown], service=str(service.uuid))
    _attach_waitlist_errors(request, shown)
    return render(request, "directory/waitlist.html", {
        "service": service, "entries": shown, "hidden": hidden})


@login_required
@require_POST
def waitlist_remove(request, entry_id):
    entry = (WaitlistEntry.objects.select_related("service", "patient")
             .filter(uuid=entry_id, patient__organisation_id=request.user.organisation_id)
             .first())
    if entry is None:
        raise Http404("No such waitlist entry")
    back_to_chart = request.POST.get("return_to") == "chart"
    target = (reverse("directory:chart_referrals", kwargs={"patient_id": entry.patient.uuid})
              + "#waitlist" if back_to_chart
              else reverse("directory:service_waitlist", kwargs={"service_id": entry.service.uuid}))
    form = WaitlistRemoveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.get("reason", ["Give a reason."])[0])
        actions.remove_from_waitlist(_ctx(request), entry, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        # Shown beside the entry on the page we go back to; the reason typed is kept.
        request.session["waitlist_errors"] = {
            str(entry.uuid): {"message": " ".join(exc.messages),
                              "reason": request.POST.get("reason", "")[:300]}}
        return redirect(target)
    messages.success(request, "Taken off the waitlist.")
    return redirect(target)
