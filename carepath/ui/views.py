"""The staff home (my caseload), the patient's landing page and /healthz."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from carepath.accounts.models import AccountType, Role
from carepath.alerts.models import Alert
from carepath.alerts.views import open_alerts_for
from carepath.audit import log as audit
from carepath.measures import due
from carepath.pagination import paginate
from carepath.patients.models import LevelOfCare, Patient
from carepath.patients.queries import DEFAULT_PAGE_SIZE, caseload, clamp_page_size
from carepath.treatment.queries_outreach import open_outreach
from carepath.treatment.queries_plans import reviews_overdue

SEARCH_KEY = "caseload_search"
TASK_LIMIT = 20  # outreach tasks and overdue plan reviews shown on the caseload


def home(request):
    user = request.user
    if not user.is_authenticated:
        # The public front door: no account, no session, no cookie.
        from carepath.intake import selfcheck

        return render(request, "ui/public_home.html", {
            "crisis_lines": selfcheck.crisis_lines(selfcheck.front_door())})
    if user.account_type == AccountType.PATIENT:
        # A person with a linked record lands on their portal home (the recovery companion).
        if Patient.objects.filter(user=user).exists():
            return redirect("recovery:home")
        return render(request, "ui/no_record.html")
    if user.account_type == AccountType.SUPPORTER:
        return redirect("family:home")
    if user.account_type != AccountType.STAFF:
        return render(request, "ui/no_record.html")
    if user.role in (Role.ADMINISTRATOR, Role.ANALYST):
        return render(request, "ui/admin_home.html")
    # The search term is health data (a name or birth date), so it travels in a
    # POST body and waits in the session, never in the URL.
    if request.method == "POST":
        request.session[SEARCH_KEY] = request.POST.get("q", "").strip()[:100]
        return redirect("ui:home")
    q = request.session.get(SEARCH_KEY, "")
    size = clamp_page_size(request.GET.get("page_size"))
    page = paginate(caseload(user, q), request.GET.get("page"), size)
    patients = list(page.object_list)
    _attach_alerts_and_due(patients)
    alerts = open_alerts_for(user, limit=20)
    # Work waiting beside the list: who to contact (most urgent first) and plans past
    # their review date. Bounded, like the alert panel.
    outreach = list(open_outreach(user)[:TASK_LIMIT])
    reviews = list(reviews_overdue(user)[:TASK_LIMIT])
    shown = ([p.uuid for p in patients] + [a.patient.uuid for a in alerts]
             + [t.patient.uuid for t in outreach] + [r.patient.uuid for r in reviews])
    audit.record_list(audit.Context.from_request(request), "caseload", shown,
                      page=page.number, searched=bool(q))
    return render(request, "ui/caseload.html", {
        "page": page, "patients": patients, "q": q, "alerts": alerts,
        "outreach": outreach, "reviews": reviews, "task_limit": TASK_LIMIT,
        "query_prefix": f"page_size={size}&" if size != DEFAULT_PAGE_SIZE else ""})


def _attach_alerts_and_due(patients) -> None:
    """Open-alert counts and due measures for one page of the caseload: three queries."""
    ids = [p.pk for p in patients]
    counts = dict(Alert.objects.open().filter(patient_id__in=ids).values("patient_id")
                  .annotate(n=Count("pk")).values_list("patient_id", "n"))
    dues = due.due_for(patients, {p.pk: p.current_level for p in patients}, only_due=True)
    labels = dict(LevelOfCare.choices)
    for p in patients:
        p.current_level_label = labels.get(p.current_level, p.current_level)
        p.open_alerts = counts.get(p.pk, 0)
        p.due_measures = dues.get(p.pk, [])


@login_required
def open_by_mrn(request):
    """Open a record outside the caseload by its exact MRN; the chart's guard decides."""
    mrn = request.POST.get("mrn", "").strip().upper() if request.method == "POST" else ""
    found = Patient.objects.filter(organisation_id=request.user.organisation_id,
                                   mrn=mrn).values_list("uuid", flat=True).first() if mrn else None
    if found:
        return redirect("patients:chart", patient_id=found)
    return render(request, "ui/open_by_mrn.html", {"mrn": mrn, "not_found": bool(mrn)},
                  status=404 if mrn else 200)


@login_required
def users(request):
    if request.user.role != Role.ADMINISTRATOR:
        raise PermissionDenied
    return redirect(reverse("admin:accounts_user_changelist"))


@require_GET
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
