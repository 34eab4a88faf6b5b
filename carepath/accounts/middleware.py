"""Session rules for people at a screen: MFA before anything, and an idle timeout."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

# Paths a signed-in but not yet verified staff member may reach: only what it takes to
# pass the second factor or leave. Anything else under /accounts/ (recovery codes,
# API tokens) would let a stolen password skip the second factor.
OPEN_PREFIXES = ("/accounts/login/", "/accounts/logout/", "/accounts/mfa/enrol/",
                 "/accounts/password-reset/", "/accounts/session/", "/static/", "/healthz",
                 "/api/")
OPEN_EXACT = ("/accounts/mfa/",)
IDLE_EXEMPT_PREFIXES = ("/static/", "/healthz", "/api/")
LAST_SEEN_KEY = "carepath_last_seen"


def idle_limit_seconds(user) -> int:
    if getattr(user, "account_type", "staff") == "staff":
        return settings.CAREPATH_STAFF_IDLE_SECONDS
    return settings.CAREPATH_PATIENT_IDLE_SECONDS


class IdleTimeoutMiddleware:
    """Sign out a session left idle longer than the limit for its kind of user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(IDLE_EXEMPT_PREFIXES):
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY, now)
            limit = idle_limit_seconds(user)
            if now - last_seen > limit:
                logout(request)
                messages.info(request, f"You were signed out after {limit // 60} minutes "
                                       "without activity, to protect patient information.")
                return redirect(f"{reverse('accounts:login')}?idle=1")
            # The warning script polls this path; it must not count as activity.
            if request.path != reverse("accounts:session_status"):
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class StaffMustVerifyMiddleware:
    """Staff must pass a second factor (TOTP or a recovery code) before any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and user.requires_mfa and not user.is_verified()
                and not request.path.startswith(OPEN_PREFIXES)
                and request.path not in OPEN_EXACT):
            if request.method == "GET":
                request.session["carepath_next"] = request.path  # never the query string
            return redirect("accounts:mfa_verify")
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages for a signed-in person, and every API answer (bearer tokens carry no
    session), may hold health data: browsers and proxies must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        signed_in = request.user.is_authenticated or request.path.startswith("/api/")
        if signed_in and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store, private"
        return response
