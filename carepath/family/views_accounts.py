"""Supporter accounts: registration, the confirmation link, and the supporter's home.

Registration pages are public (no sign-in). The home page is for supporters only: anyone
else gets a 404 and a denied event in the audit log.
"""

from __future__ import annotations

import hashlib
from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from carepath.access.policy import patients_sharing_with
from carepath.accounts.models import AccountType
from carepath.audit import log as audit
from carepath.audit.models import Action, Outcome
from carepath.patients.models import Patient
from carepath.ui.forms import add_action_errors

from . import actions_accounts as accounts
from .forms_accounts import NewLinkForm, RegisterForm, new_submission_key
from .models import PlanMember
from .queries_sessions import upcoming_invites

HOME_OBJECT_TYPE = "family.home"
# Each public form below can send an email to any address: a design-choice cap per client
# address stops it being used to flood someone's inbox. The address is hashed in the cache.
EMAILS_PER_HOUR = 10
TOO_MANY = ("Too many requests from this connection. Wait an hour and try again, or call "
            "the service.")


def supporter_view(object_type: str, *, audit_read: bool = True):
    """Supporters only. Anyone else (staff, patients) gets a 404 and a denied event."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            ctx = audit.Context.from_request(request)
            if request.user.account_type != AccountType.SUPPORTER:
                audit.record(ctx, Action.READ, object_type=object_type,
                             outcome=Outcome.DENIED, details={"reason": "not_a_supporter"})
                raise Http404("This page is for family members and friends.")
            if audit_read and request.method in ("GET", "HEAD"):
                audit.record(ctx, Action.READ, object_type=object_type,
                             object_id=str(request.user.uuid), details={"page": view.__name__})
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def zone_for(user) -> ZoneInfo:
    organisation = getattr(user, "organisation", None)
    return ZoneInfo(getattr(organisation, "time_zone", "") or settings.TIME_ZONE)


def _rate_key(request) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    return "family:emails:" + hashlib.sha256(address.encode()).hexdigest()


def _over_limit(request) -> bool:
    key = _rate_key(request)
    if cache.add(key, 1, 3600):
        return False
    try:
        return cache.incr(key) > EMAILS_PER_HOUR
    except ValueError:  # expired between add and incr
        cache.add(key, 1, 3600)
        return False


@never_cache
@sensitive_post_parameters("password1", "password2")
def register(request):
    if request.user.is_authenticated:
        return redirect("ui:home")
    form = RegisterForm(request.POST or None,
                        initial={"submission_key": new_submission_key()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _over_limit(request):
            form.add_error(None, TOO_MANY)
        else:
            try:
                accounts.register_supporter(
                    audit.Context.from_request(request, via="registration"),
                    given_name=data["given_name"], family_name=data["family_name"],
                    email=data["email"], password=data["password1"],
                    submission_key=str(data["submission_key"] or "") or None)
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                return redirect("family:register_sent")
    return render(request, "family/accounts/register.html", {"form": form},
                  status=400 if form.errors else 200)


def register_sent(request):
    return render(request, "family/accounts/register_sent.html",
                  {"hours": settings.CAREPATH_SUPPORTER_VERIFY_HOURS})


@never_cache
def register_resend(request):
    """Ask for a fresh confirmation link. Says the same whether or not one was sent."""
    form = NewLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _over_limit(request):
            form.add_error(None, TOO_MANY)
        else:
            try:
                accounts.send_new_link(audit.Context.from_request(request, via="registration"),
                                       form.cleaned_data["email"])
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                return redirect("family:register_sent")
    return render(request, "family/accounts/register_resend.html", {"form": form},
                  status=400 if form.errors else 200)


@never_cache
def verify(request, token):
    user = accounts.verify_email(token, client_address=request.META.get("REMOTE_ADDR"))
    if user is None:
        # Unknown, used, replaced or expired: the page does not say which.
        return render(request, "family/accounts/verify_unusable.html",
                      {"form": NewLinkForm()}, status=410)
    return render(request, "family/accounts/verified.html", {"username": user.username})


@supporter_view(HOME_OBJECT_TYPE, audit_read=False)
def home(request):
    user = request.user
    memberships = list(PlanMember.objects.filter(user=user, accepted_at__isnull=False)
                       .select_related("plan").order_by("-plan__created_at"))
    people = list(patients_sharing_with(user, Patient.objects.all())
                  .only("uuid", "preferred_name", "legal_given_name")
                  .order_by("preferred_name", "legal_given_name"))
    invites = list(upcoming_invites(user))
    audit.record_list(audit.Context.from_request(request), HOME_OBJECT_TYPE,
                      [p.uuid for p in people],
                      plans_shown=[str(m.plan.uuid) for m in memberships],
                      invites_shown=len(invites))
    return render(request, "family/home.html", {
        "memberships": memberships, "people": people, "invites": invites,
        "mfa_on": user.requires_mfa, "zone": zone_for(user)})
