"""The intake advisors' pages: list, board, overdue, log an enquiry, its detail page
with the stage and next-action forms, convert, book an assessment, refer elsewhere.

Thin: parse input, call queries and actions, render. Every page that shows enquiries
writes an audit record; filters travel in GET as stages, sources and staff UUIDs only,
never a name."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.directory.search import PICKER_LIMIT, services_for_picker
from carepath.pagination import page_number, paginate
from carepath.patients.actions import PossibleDuplicate
from carepath.patients.queries import DEFAULT_PAGE_SIZE, clamp_page_size
from carepath.ui.forms import add_action_errors

from . import actions_enquiries as actions
from . import queries_enquiries as queries
from .forms_enquiries import (
    BookForm,
    ConvertForm,
    EnquiryForm,
    FilterForm,
    NextActionForm,
    StageForm,
)
from .models.enquiries import Stage


def _ctx(request):
    return audit.Context.from_request(request)


def _require(request):
    actions.require_intake(_ctx(request))


def _audit_list(request, view: str, enquiries, **details) -> None:
    audit.record(_ctx(request), Action.LIST, object_type=actions.OBJECT_TYPE, details={
        "view": view, "enquiries_shown": [str(e.uuid) for e in enquiries],
        "patients_shown": [str(e.patient.uuid) for e in enquiries if e.patient_id], **details})


def _filters(request):
    form = FilterForm(request.GET or None, organisation_id=request.user.organisation_id)
    return form, form.filters()


# --- list, board, overdue --------------------------------------------------------------

@login_required
def enquiry_list(request):
    _require(request)
    form, filters = _filters(request)
    size = clamp_page_size(request.GET.get("page_size"))
    page = paginate(queries.enquiry_list(request.user, filters).select_related("patient"),
                    page_number(request.GET.get("page")), size)
    rows = list(page.object_list)
    queries.mark(rows)
    _audit_list(request, "list", rows, page=page.number, filters=filters.as_query())
    query = filters.as_query()
    if size != DEFAULT_PAGE_SIZE:
        query["page_size"] = size
    return render(request, "intake/enquiry_list.html", {
        "form": form, "page": page, "enquiries": rows, "filtered": bool(filters.as_query()),
        "query_prefix": urlencode(query) + "&" if query else "",
        "board_query": urlencode(filters.as_query())})


@login_required
def board(request):
    _require(request)
    form, filters = _filters(request)
    columns = queries.board(request.user, filters)
    shown = [card for column in columns for card in column["cards"]]
    queries.mark(shown)
    _audit_list(request, "board", shown, filters=filters.as_query())
    return render(request, "intake/board.html", {
        "form": form, "columns": columns, "limit": queries.BOARD_COLUMN_LIMIT,
        "list_query": urlencode(filters.as_query())})


@login_required
def overdue(request):
    _require(request)
    late = list(queries.overdue(request.user).select_related("patient")[:200])
    unplanned = list(queries.without_next_action(request.user).select_related("patient")[:200])
    queries.mark(late + unplanned)
    _audit_list(request, "overdue", late + unplanned)
    return render(request, "intake/overdue.html", {"late": late, "unplanned": unplanned,
                                                   "limit": 200})


# --- logging an enquiry ----------------------------------------------------------------

@login_required
def enquiry_new(request):
    _require(request)
    org_id = request.user.organisation_id
    form = EnquiryForm(request.POST or None, organisation_id=org_id)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()
                if k not in ("source", "submission_key")}
        try:
            enquiry = actions.create_enquiry(
                _ctx(request), request.user.organisation, data,
                source=form.cleaned_data["source"],
                submission_key=form.cleaned_data["submission_key"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, f"Enquiry logged for {enquiry.display_name}.")
            return redirect("intake:enquiry_detail", enquiry_id=enquiry.uuid)
    response = render(request, "intake/enquiry_new.html", {"form": form})
    if form.errors:
        response.status_code = 400
    return response


# --- one enquiry -----------------------------------------------------------------------

def _detail(request, enquiry, *, stage_form=None, next_form=None, status=200):
    org_id = enquiry.organisation_id
    stage_form = stage_form or StageForm(current_stage=enquiry.stage)
    next_form = next_form or NextActionForm(organisation_id=org_id, initial={
        "next_action": enquiry.next_action, "next_action_due": enquiry.next_action_due,
        "assigned_to": enquiry.assigned_to.uuid if enquiry.assigned_to_id else None})
    queries.mark([enquiry])
    actions.record_read(_ctx(request), enquiry, view="detail")
    assessments = list(enquiry.assessments.select_related("assessor")
                       .order_by("-booked_for")) if hasattr(enquiry, "assessments") else []
    return render(request, "intake/enquiry_detail.html", {
        "enquiry": enquiry, "history": queries.stage_history(enquiry),
        "stage_form": stage_form, "next_form": next_form, "assessments": assessments,
        "selfcheck": _selfcheck_rows(enquiry.selfcheck_summary),
        "can_book": enquiry.stage in (Stage.NEW, Stage.CONTACTED, Stage.SCREENED,
                                      Stage.NURTURE),
        "can_refer": Stage.REFERRED_ELSEWHERE in actions.allowed_next_stages(enquiry.stage)
        and not enquiry.referral_id}, status=status)


def _selfcheck_rows(summary) -> list[tuple[str, str]]:
    """The self-check summary the person chose to share, as label/value rows."""
    if not isinstance(summary, dict):
        return []
    rows = []
    for key, value in summary.items():
        label = str(key).replace("_", " ").capitalize()
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = "; ".join(f"{str(k).replace('_', ' ')}: {v}" for k, v in value.items())
        elif isinstance(value, bool):
            value = "Yes" if value else "No"
        rows.append((label, str(value)))
    return rows


@login_required
def enquiry_detail(request, enquiry_id):
    _require(request)
    enquiry = queries.get_enquiry(request.user, enquiry_id)
    return _detail(request, enquiry)


@login_required
@require_POST
def enquiry_stage(request, enquiry_id):
    _require(request)
    enquiry = queries.get_enquiry(request.user, enquiry_id)
    form = StageForm(request.POST, current_stage=enquiry.stage)
    if form.is_valid():
        try:
            actions.change_stage(_ctx(request), enquiry, form.cleaned_data["stage"],
                                 note=form.cleaned_data["note"],
                                 outcome_reason=form.cleaned_data["outcome_reason"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, f"Stage changed to {Stage(enquiry.stage).label.lower()}.")
            return redirect("intake:enquiry_detail", enquiry_id=enquiry.uuid)
    return _detail(request, enquiry, stage_form=form, status=400)


@login_required
@require_POST
def enquiry_next_action(request, enquiry_id):
    _require(request)
    enquiry = queries.get_enquiry(request.user, enquiry_id)
    form = NextActionForm(request.POST, organisation_id=enquiry.organisation_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_next_action(_ctx(request), enquiry, next_action=data["next_action"],
                                       next_action_due=data["next_action_due"],
                                       assigned_to=data["assigned_to"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "Next action saved.")
            return redirect("intake:enquiry_detail", enquiry_id=enquiry.uuid)
    return _detail(request, enquiry, next_form=form, status=400)


# --- convert, book, refer --------------------------------------------------------------

@login_required
def enquiry_convert(request, enquiry_id):
    _require(request)
    enquiry = queries.get_enquiry(request.user, enquiry_id)
    if enquiry.patient_id:
        messages.info(request, f"This enquiry is already a patient: {enquiry.patient.display_name}"
                               f" (MRN {enquiry.patient.mrn}).")
        return redirect("intake:enquiry_detail", enquiry_id=enquiry.uuid)
    form = ConvertForm(request.POST or None, initial=ConvertForm.initial_from(enquiry))
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            patient = actions.convert_to_patient(
                _ctx(request), enquiry, form.extra(),
                confirm_duplicate=form.cleaned_data["confirm_duplicate"])
        except PossibleDuplicate as dup:
            duplicates = dup.matches
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, f"{patient.display_name} registered with MRN {patient.mrn},"
                                      " with an episode of care at assessment.")
            return redirect("intake:enquiry_detail", enquiry_id=enquiry.uuid)
    # Shown (first, or again after a refusal): a read of the enquiry.
    actions.record_read(_ctx(request), enquiry, view="convert")
    response = render(request, "intake/convert.html", {
        "enquiry": enquiry, "form": form, "duplicates": duplicates})
    if form.errors or duplicates:
        response.status_code = 400 if form.errors else 409
    return response


@login_required
def enquiry_book(request, enquiry_id):
    _require(request)
    enquiry = queries.get_enquiry(request.user, enquiry_id)
    org_id = enquiry.organisation_id
    needs_patient = not enquiry.patient_id
    data = request.POST if request.method == "POST" else None
    form = BookForm(data, organisation_id=org_id)
    patient_form = ConvertForm(data, initial=ConvertForm.initial_from(enquiry)) \
        if needs_patient else None
    duplicates = []
    if request.method == "POST" and form.is_valid() and (
            patient_form is None or patient_form.is_valid()):
        try:
            actions.book_assessment(
                _ctx(request), enquiry, assessor=form.cleaned_data["assessor"],
                booked_for=form.cleaned_data["booked_for"],
                extra=patient_form.extra() if patient_form else None,
                confirm_duplicate=bool(patient_form and
                                       patient_form.cleaned_data["confirm_duplicate"]),
                submission_key=form.cleaned_data.get("submission_key"))
        except PossibleDuplicate as dup:
            duplicates = dup.matches
        except ValidationError as exc:
            for name, errors in getattr(exc, "message_dict", {"booked_for": exc.messages}).items():
                target = patient_form if patient_form and name in patient_form.fields else form
                target.add_error(name if name in target.fields else None, errors)
        else:
            messages.success(request, "Assessment booked with "
                                      f"{form.cleaned_data['assessor'].display_name}.")
            return redirect("intake:enquiry_detail", enquiry_id=enquiry.uuid)
    actions.record_read(_ctx(request), enquiry, view="book")  # shown, or shown again
    has_errors = form.errors or (patient_form is not None and patient_form.errors)
    response = render(request, "intake/enquiry_book.html", {
        "enquiry": enquiry, "form": form, "patient_form": patient_form,
        "duplicates": duplicates, "has_errors": has_errors})
    if has_errors or duplicates:
        response.status_code = 400 if has_errors else 409
    return response


@login_required
def enquiry_refer(request, enquiry_id):
    from carepath.directory.forms_referrals import ReferralForm

    _require(request)
    enquiry = queries.get_enquiry(request.user, enquiry_id)
    if enquiry.referral_id:
        messages.info(request, f"This enquiry was already referred to "
                               f"{enquiry.referral.service.name}.")
        return redirect("intake:enquiry_detail", enquiry_id=enquiry.uuid)
    # The service search is by service name, town or postcode: no personal data.
    q = request.GET.get("q", "").strip()[:100]
    level = request.GET.get("level", "")
    searched = "q" in request.GET or "level" in request.GET
    options = services_for_picker(q, level) if searched else []
    if request.method == "POST":
        form = ReferralForm(request.POST, service_options=options)
        if form.is_valid():
            try:
                referral = actions.refer_elsewhere(_ctx(request), enquiry,
                                                   form.referral_fields())
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, f"Referral to {referral.service.name} recorded; "
                                          "the enquiry is now referred elsewhere.")
                return redirect("intake:enquiry_detail", enquiry_id=enquiry.uuid)
    else:
        form = ReferralForm(service_options=options, initial={"level_of_care": level})
    actions.record_read(_ctx(request), enquiry, view="refer")  # shown, or shown again
    response = render(request, "intake/enquiry_refer.html", {
        "enquiry": enquiry, "form": form, "q": q, "level": level, "searched": searched,
        "levels": ReferralForm.base_fields["level_of_care"].choices,
        "search_limit": PICKER_LIMIT,
        "action_url": reverse("intake:enquiry_refer", kwargs={"enquiry_id": enquiry.uuid})
        + (f"?{urlencode({'q': q, 'level': level})}" if searched else "")})
    if form.errors:
        response.status_code = 400
    return response
