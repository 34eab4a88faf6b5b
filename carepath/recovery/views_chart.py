"""The clinician's Recovery tab: the person's check-in trends beside their plan, the
latest check-ins, risk times coming up and whether they use the portal.

Every read is bounded (at most a year of days, ten check-ins, two weeks of risk times), so
the tab costs the same few queries with ten days of check-ins or a year of them."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from carepath.access.guards import patient_view
from carepath.access.policy import patient_change_access
from carepath.patients.views import _render_chart

from . import actions_plans, charts, queries_plans, windows
from .models import CheckIn, PortalInvitation

OBJECT_TYPE = "recovery.checkin"
LATEST_CHECKINS = 10
WINDOW_HOURS = 14 * 24


def _invite_url(patient) -> str:
    return reverse("recovery:portal_invite", args=[patient.uuid])


def _portal_status(patient) -> dict:
    account = None
    if patient.user_id:
        from django.contrib.auth import get_user_model

        account = (get_user_model().objects.only("is_active", "last_login", "date_joined")
                   .filter(pk=patient.user_id).first())
    invitation = (PortalInvitation.objects.filter(patient=patient)
                  .only("created_at", "expires_at", "accepted_at", "revoked_at", "channel")
                  .order_by("-created_at").first())
    return {"account": account, "invitation": invitation,
            "invitation_usable": bool(invitation and invitation.usable())}


def _latest_checkins(patient) -> list[CheckIn]:
    checkins = list(CheckIn.objects.filter(patient=patient)
                    .order_by("-checkin_date", "-submitted_at", "-pk")[:LATEST_CHECKINS])
    for c in checkins:
        c.flags = (["Red flag: blood in urine"] if c.blood_in_urine else []) + (
            ["Lapse: ketamine use reported"] if c.used_ketamine else [])
    return checkins


def _plan_summary(plan) -> list[dict]:
    if plan is None:
        return []
    rows = [{"label": label, "items": getattr(plan, key)}
            for key, label in actions_plans.LISTS.items()]
    rows.insert(3, {"label": "Coping strategies",
                    "items": [f"{s['text']} ({actions_plans.COPING_KINDS[s['kind']]})"
                              for s in plan.coping_strategies]})
    rows.append({"label": "People to contact",
                 "items": [f"{p['name']}{', ' + p['relationship'] if p['relationship'] else ''}"
                           f": {p['phone']}" for p in plan.people]})
    return rows


@login_required
@patient_view(OBJECT_TYPE)
def chart_recovery(request, patient):
    access = getattr(request, "patient_access", None)
    if access is not None and access.basis == "own_record":
        return redirect("recovery:my_plan")
    days = charts.days_choice(request.GET.get("days"))
    tz = windows.zone(patient.organisation)
    now = timezone.now()
    until = timezone.localdate(now, timezone=tz)
    since = until - timedelta(days=days - 1)
    series = charts.daily(patient, since, until)
    plan = queries_plans.plan_with_authors(patient)
    return _render_chart(request, patient, "recovery", "recovery/chart_recovery.html", {
        "days": days, "day_choices": charts.DAY_CHOICES, "since": since, "until": until,
        "series": series, "spec": charts.spec(series, since, until),
        "used_days": sum(d.used for d in series),
        "plan": plan, "plan_summary": _plan_summary(plan),
        "may_change": bool(patient_change_access(request.user, patient)),
        "checkins": _latest_checkins(patient),
        "upcoming": windows.upcoming(patient, now, within_hours=WINDOW_HOURS),
        "window_days": WINDOW_HOURS // 24, "org_tz": tz,
        "portal": _portal_status(patient), "invite_url": _invite_url(patient),
        "aftercare_url": f"/patients/{patient.uuid}/recovery/aftercare/"})
