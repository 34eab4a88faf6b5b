"""Break-glass: the reason form, and the supervisors' review list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from carepath.audit import log as audit
from carepath.pagination import paginate
from carepath.patients.models import Patient

from . import actions
from .guards import break_glass_entry
from .models import BreakGlassAccess
from .policy import may_break_glass, may_review_break_glass


@login_required
@break_glass_entry
def break_glass(request, patient_id):
    """Ask for the reason. Shows nothing of the record until a grant exists."""
    patient = Patient.objects.filter(uuid=patient_id).first()
    if patient is None or not may_break_glass(request.user, patient):
        raise Http404
    reason, errors = request.POST.get("reason", ""), []
    if request.method == "POST":
        try:
            actions.open_break_glass(audit.Context.from_request(request), patient, reason)
            return redirect("patients:chart", patient_id=patient.uuid)
        except ValidationError as exc:
            errors = exc.message_dict.get("reason", exc.messages)
    return render(request, "access/break_glass_form.html",
                  {"patient_uuid": patient.uuid, "reason": reason, "errors": errors},
                  status=400 if errors else 200)


@login_required
def break_glass_review(request):
    if not may_review_break_glass(request.user):
        raise PermissionDenied
    show_all = request.GET.get("show") == "all"
    grants = (BreakGlassAccess.objects.filter(patient__organisation_id=request.user.organisation_id)
              .select_related("user", "patient", "reviewed_by").order_by("-opened_at"))
    if not show_all:
        grants = grants.awaiting_review()
    page = paginate(grants, request.GET.get("page"), 25)
    audit.record_list(audit.Context.from_request(request), "break_glass_review",
                      [g.patient.uuid for g in page.object_list])
    return render(request, "access/break_glass_review.html",
                  {"page": page, "show_all": show_all,
                   "query_prefix": "show=all&" if show_all else ""})


@login_required
@require_POST
def break_glass_mark_reviewed(request, grant_id):
    grant = get_object_or_404(BreakGlassAccess, uuid=grant_id,
                              patient__organisation_id=request.user.organisation_id)
    actions.review_break_glass(audit.Context.from_request(request), grant,
                               request.POST.get("note", ""))
    messages.success(request, "Marked as reviewed.")
    return redirect("access:break_glass_review")
