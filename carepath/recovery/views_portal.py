"""The portal shell: the person's home (/my/), their account page, the offline page, and
what makes the portal installable (the web app manifest and the service worker)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from carepath.alerts import crisis

from . import counter, queries_plans, windows
from .portal_guard import local_today, local_zone, portal_view
from .queries_tasks import WINDOW_LOOKAHEAD_HOURS, checkin_url, latest_checkin, tasks_for

THEME_COLOUR = "#1a4480"  # USWDS primary-dark: white text on it passes WCAG AA
SERVICE_WORKER = Path(__file__).parent / "static" / "recovery" / "sw.js"


# Downstream apps (family) add (label, url name, hint) here in their ready().
EXTRA_PORTAL_LINKS: list[tuple[str, str, str]] = []


def portal_links() -> list[tuple[str, str, str]]:
    """(label, href, hint) for the home page's list of the person's pages."""
    return [(label, reverse(name), hint) for label, name, hint in EXTRA_PORTAL_LINKS] + [
        ("My plan", reverse("recovery:my_plan"),
         "Your relapse-prevention plan: readable offline too"),
        ("My risk windows", reverse("recovery:my_windows"),
         "Times you know are risky, and a reminder before each"),
        ("My check-ins", reverse("recovery:checkin_history"),
         "What you have told us day by day"),
        ("Support meetings and follow-ups",
         reverse("recovery:my_aftercare_log"),
         "Meetings you go to, and questions after treatment"),
        ("Reminders", reverse("recovery:my_reminders"),
         "When and how we remind you, and quiet hours"),
        ("My account", reverse("recovery:account"),
         "Password, two-step sign-in, signing out everywhere"),
    ]


@portal_view("recovery.portal_home")
def home(request, patient):
    today = local_today(patient)
    latest = latest_checkin(patient)
    plan = queries_plans.current_plan(patient)
    upcoming = windows.upcoming(patient, timezone.now(), within_hours=WINDOW_LOOKAHEAD_HOURS)
    return render(request, "recovery/portal/home.html", {
        "patient": patient, "today": today, "zone": local_zone(patient),
        "checked_in_today": latest is not None and latest[0] >= today,
        "checkin_url": checkin_url(),
        "count": counter.recovery_count(patient, today),
        "tasks": tasks_for(patient, today, latest=latest, upcoming=upcoming),
        "windows": upcoming,
        "coping": queries_plans.coping_reminder(plan) if (plan and upcoming) else None,
        "links": portal_links(),
    })


@portal_view("accounts.user", audit_read=False)
def account(request, patient):
    """My account: the person's sign-in settings (no health data, so not audited as a
    read of the record)."""
    from carepath.accounts import mfa

    return render(request, "recovery/portal/account.html", {
        "patient": patient, "mfa_on": mfa.confirmed_totp(request.user) is not None,
        "app_url": reverse("recovery:app")})


@portal_view("recovery.offline", audit_read=False)
def offline(request, patient):
    """Shown by the service worker when a page is not available offline. Holds the
    organisation's crisis lines (not health data), so it is not an audited read."""
    return render(request, "recovery/portal/offline.html", {
        "crisis_lines": crisis.lines_for(patient.organisation)})


@require_GET
def manifest(request):
    """The web app manifest. Browsers fetch it without cookies, so it is public and says
    nothing about anyone."""
    data = {
        "id": "/my/",
        "name": "CarePath",
        "short_name": "CarePath",
        "description": "Your recovery companion: check-ins, your plan and crisis help.",
        "start_url": "/my/",
        "scope": "/my/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOUR,
        "icons": [
            {"src": static("recovery/icon-192.png"), "sizes": "192x192", "type": "image/png",
             "purpose": "any"},
            {"src": static("recovery/icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "any"},
            {"src": static("recovery/icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
            {"src": static("recovery/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = HttpResponse(json.dumps(data, indent=1),
                            content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@cache
def _service_worker_source() -> bytes:
    return SERVICE_WORKER.read_bytes()


@require_GET
@never_cache
def service_worker(request):
    """The service worker, served from /my/ so its scope is /my/ without a
    Service-Worker-Allowed header. Public: it holds no data, and the browser re-checks it
    in the background, signed in or not. Never cached, so a fix reaches phones at once."""
    response = HttpResponse(_service_worker_source(), content_type="application/javascript")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@portal_view("patients.patient", audit_read=False)
def my_record(request, patient):
    """The menu's "My record": the chart, which audits the read itself."""
    return redirect("patients:chart", patient_id=patient.uuid)
