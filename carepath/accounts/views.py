"""Sign-in with a second factor, enrolment, sign-out everywhere, tokens, session status."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp import match_token

from carepath.audit import log as audit
from carepath.audit.models import Action, Outcome

from . import mfa, tokens
from .forms import ApiTokenForm, EnrolForm, TokenForm
from .middleware import LAST_SEEN_KEY, idle_limit_seconds
from .models import new_session_salt


def _next_url(request):
    return request.session.pop("carepath_next", None) or settings.LOGIN_REDIRECT_URL


@login_required
def mfa_verify(request):
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if mfa.confirmed_totp(user) is None:
        return redirect("accounts:mfa_enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(user, mfa.normalise_token(form.cleaned_data["otp_token"]))
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        audit.record(audit.Context.from_request(request), Action.LOGIN_FAILED,
                     object_type="accounts.user", object_id=str(user.uuid),
                     outcome=Outcome.DENIED, details={"factor": "otp"})
        form.add_error("otp_token", "That code did not match. Codes change every 30 seconds; "
                                    "check your device's clock, or use a recovery code.")
    return render(request, "accounts/mfa_verify.html", {"form": form})


@login_required
def mfa_enrol(request):
    user = request.user
    if mfa.confirmed_totp(user) is not None and not user.is_verified():
        return redirect("accounts:mfa_verify")
    device = mfa.pending_totp(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            codes = mfa.new_recovery_codes(user)
            audit.record(audit.Context.from_request(request), Action.SECURITY,
                         object_type="accounts.user", object_id=str(user.uuid),
                         details={"event": "mfa_enrolled"})
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error("otp_token", "That code did not match. Scan the QR code again and enter "
                                    "the code currently shown.")
    return render(request, "accounts/mfa_enrol.html", {
        "form": form, "qr": mfa.qr_code_data_uri(device), "secret": mfa.base32_secret(device)})


@login_required
@require_POST
def recovery_codes(request):
    codes = mfa.new_recovery_codes(request.user)
    audit.record(audit.Context.from_request(request), Action.SECURITY,
                 object_type="accounts.user", object_id=str(request.user.uuid),
                 details={"event": "recovery_codes_regenerated"})
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


@require_POST
def sign_out(request):
    logout(request)
    messages.info(request, "You have signed out.")
    return _clear_site_data(redirect("accounts:login"))


@login_required
@require_POST
def sign_out_everywhere(request):
    user = request.user
    user.session_salt = new_session_salt()
    user.save(update_fields=["session_salt"])
    audit.record(audit.Context.from_request(request), Action.SECURITY,
                 object_type="accounts.user", object_id=str(user.uuid),
                 details={"event": "signed_out_everywhere"})
    logout(request)
    messages.info(request, "You have been signed out on every device.")
    return _clear_site_data(redirect("accounts:login"))


def _clear_site_data(response):
    # The portal's service worker keeps the plan and crisis page for offline reading;
    # signing out removes them (and the worker) even with JavaScript off.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@login_required
def account(request):
    ctx = audit.Context.from_request(request)
    # API tokens here are for staff; a patient makes app keys at /my/app/, a supporter none.
    staff = request.user.is_staff_member
    form = ApiTokenForm(request.POST or None) if staff else None
    new_token = None
    if request.method == "POST" and not staff:
        return HttpResponseForbidden("Only staff make API tokens here.")
    if request.method == "POST" and form.is_valid():
        _, new_token = tokens.create_token(ctx, request.user, form.cleaned_data["name"],
                                           form.cleaned_data["expires_days"])
        form = ApiTokenForm()
    return render(request, "accounts/account.html", {
        "form": form, "new_token": new_token, "staff": staff,
        "tokens": request.user.api_tokens.order_by("-created_at") if staff else []})


@login_required
@require_POST
def revoke_api_token(request, token_id):
    token = get_object_or_404(request.user.api_tokens, uuid=token_id)
    tokens.revoke_token(audit.Context.from_request(request), token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:account")


@require_GET
def session_status(request):
    """Seconds of idle time left, for the warning banner. Does not count as activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "remaining": 0})
    limit = idle_limit_seconds(request.user)
    last_seen = request.session.get(LAST_SEEN_KEY, time.time())
    return JsonResponse({"signed_in": True,
                         "remaining": max(0, int(limit - (time.time() - last_seen)))})


@require_POST
def keep_alive(request):
    # The idle middleware has already recorded this request as activity.
    return JsonResponse({"signed_in": request.user.is_authenticated})
