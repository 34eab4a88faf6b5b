"""The service directory: the public read-only search and detail, and the staff pages.

Public pages use GET forms only: nothing is stored, no session is touched and no
cookie is set. The search terms (a postcode, filters) are not health data, so they
may sit in the URL, which lets a result page be bookmarked and paged without script.
"""

from __future__ import annotations

import copy
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from carepath.access.policy import may_edit_directory
from carepath.alerts import crisis
from carepath.audit import log as audit

from . import actions_services, search
from .forms_services import (
    ServiceForm,
    ServiceManageFilterForm,
    ServiceSearchForm,
    search_form_is_used,
)
from .models import Service


def _query_prefix(request) -> str:
    """The current query without the page number, ready for "?{prefix}page=N"."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode() + "&" if query else ""


def _service(service_id, **filters) -> Service:
    try:
        return Service.objects.get(uuid=service_id, **filters)
    except Service.DoesNotExist:
        raise Http404("No such service") from None


def _run_search(request, form_class, page_size: int):
    used = search_form_is_used(request.GET)
    data = request.GET.copy()
    data.setdefault("radius", str(search.DEFAULT_RADIUS_MILES))  # shown as chosen when absent
    form = form_class(data if used else None)
    results = None
    if used and form.is_valid():
        results = search.search(form.params(page=request.GET.get("page"), page_size=page_size))
    return form, results, 400 if used and form.errors else 200


def _emergency_lines() -> list[tuple[str, dict]]:
    """The emergency numbers of alerts.crisis (sourced from CLINICAL.md), UK and US."""
    return [(country, line) for country in ("GB", "US")
            for line in crisis.DEFAULT_LINES[country] if line["href"] in ("tel:999", "tel:911")]


def search_page(request):
    form, results, status = _run_search(request, ServiceSearchForm, 20)
    return render(request, "directory/search.html", {
        "emergency_lines": _emergency_lines(),
        "form": form, "results": results, "page": results.page if results else None,
        "query_prefix": _query_prefix(request), "query": request.GET.urlencode(),
        "stale_days": settings.CAREPATH_DIRECTORY_STALE_DAYS,
    }, status=status)


def service_detail(request, service_id):
    service = _service(service_id, active=True)
    distance = None
    form = ServiceSearchForm(request.GET) if search_form_is_used(request.GET) else None
    if form is not None and form.is_valid() and form.place is not None:
        distance = search.haversine_miles(form.place.latitude, form.place.longitude,
                                          service.latitude, service.longitude)
    return render(request, "directory/service_detail.html", {
        "hit": search.hit_for(service, distance), "service": service,
        "stale_days": settings.CAREPATH_DIRECTORY_STALE_DAYS,
        "origin": form.place if form is not None else None,
        "query": request.GET.urlencode()})


# -- Staff ------------------------------------------------------------------------------

def _require_editor(request) -> None:
    if not may_edit_directory(request.user):
        raise PermissionDenied("Only administrators, supervisors and intake advisors edit "
                               "the service directory.")


def _ctx(request):
    return audit.Context.from_request(request)


@login_required
def manage(request):
    _require_editor(request)
    used = search_form_is_used(request.GET)
    data = request.GET.copy()
    data.setdefault("radius", str(search.DEFAULT_RADIUS_MILES))
    form = ServiceManageFilterForm(data if used else None)
    params = None
    if not used:
        params = search.SearchParams(include_inactive=False, page=request.GET.get("page") or 1,
                                     page_size=50)
    elif form.is_valid():
        params = form.params(page=request.GET.get("page") or 1, page_size=50)
    results = (search.search(params, queryset=Service.objects.select_related("operated_by"))
               if params else None)
    return render(request, "directory/manage.html", {
        "form": form, "results": results, "page": results.page if results else None,
        "query_prefix": _query_prefix(request), "query": request.GET.urlencode(),
        "stale_days": settings.CAREPATH_DIRECTORY_STALE_DAYS},
        status=400 if used and form.errors else 200)


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


@login_required
def service_new(request):
    _require_editor(request)
    organisation = request.user.organisation
    if request.method == "POST":
        form = ServiceForm(request.POST, organisation=organisation)
        if form.is_valid():
            try:
                service = actions_services.create_service(
                    _ctx(request), form.service_data(), operated_by=form.operated_by(),
                    confirm_capacity=form.cleaned_data.get("confirm_capacity", False),
                    submission_key=form.cleaned_data.get("submission_key") or None)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, f"{service.name} was added to the directory.")
                return redirect("directory:service_edit", service_id=service.uuid)
    else:
        form = ServiceForm(organisation=organisation,
                           initial={"submission_key": uuid.uuid4().hex, "languages": "English",
                                    "country": getattr(organisation, "country", "GB")})
    return render(request, "directory/service_form.html", {
        "form": form, "service": None, "sections": _sections(form)},
        status=400 if form.errors else 200)


@login_required
def service_edit(request, service_id):
    _require_editor(request)
    service = _service(service_id)
    if not actions_services.may_change(request.user, service):
        raise PermissionDenied(actions_services.OTHER_ORGANISATION_MESSAGE)
    organisation = request.user.organisation
    if request.method == "POST":
        # The form validates a copy, so the action still sees what is stored and can
        # tell which fields changed.
        form = ServiceForm(request.POST, instance=copy.copy(service), organisation=organisation)
        if form.is_valid():
            try:
                actions_services.update_service(
                    _ctx(request), service, form.service_data(),
                    operated_by=(form.operated_by() if service.operated_by_id in
                                 (None, getattr(organisation, "pk", None)) else ...),
                    confirm_capacity=form.cleaned_data.get("confirm_capacity", False))
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, f"Changes to {service.name} were saved.")
                return redirect("directory:service_edit", service_id=service.uuid)
    else:
        form = ServiceForm(instance=service, organisation=organisation)
    return render(request, "directory/service_form.html", {
        "form": form, "service": service, "hit": search.hit_for(service),
        "sections": _sections(form), "stale_days": settings.CAREPATH_DIRECTORY_STALE_DAYS},
        status=400 if form.errors else 200)


@login_required
@require_POST
def service_confirm(request, service_id):
    _require_editor(request)
    service = _service(service_id)
    actions_services.confirm_capacity(_ctx(request), service)
    messages.success(request, f"Capacity of {service.name} confirmed today.")
    if request.POST.get("back") == "list":
        # Back to the same filtered list; re-encoded, so only a query string can come back.
        query = QueryDict(request.POST.get("query", "")[:1000]).urlencode()
        return redirect(reverse("directory:manage") + (f"?{query}" if query else ""))
    return redirect("directory:service_edit", service_id=service.uuid)


SECTIONS = [
    ("The service", ["name", "provider", "description", "active", "operated_by_us"]),
    ("Where it is", ["address_line1", "town", "postcode", "country", "latitude",
                     "longitude"]),
    ("Contact", ["phone", "email", "website"]),
    ("Levels of care offered", ["offers_withdrawal", "offers_residential",
                                "offers_intensive_outpatient", "offers_outpatient",
                                "offers_aftercare"]),
    ("Recovery housing", ["offers_sober_living"]),
    ("Ketamine-specific support", ["urology_liaison", "young_adult_programme",
                                   "dual_diagnosis"]),
    ("Who it is for", ["min_age", "max_age", "languages"]),
    ("Payment", ["accepts_nhs", "accepts_insurance", "accepts_self_pay", "free_of_charge"]),
    ("Capacity", ["places_available", "waiting_days", "confirm_capacity"]),
]


def _sections(form):
    return [(title, [form[name] for name in names]) for title, names in SECTIONS]
