"""Inviting a person to the portal (a chart page for the care team) and the page the
invitation link opens (for the person, before they have an account)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from carepath.access.guards import patient_view
from carepath.access.policy import may_invite_to_portal
from carepath.audit import log as audit
from carepath.patients.views import _render_chart
from carepath.ui.forms import add_action_errors

from . import actions_invitations as invitations
from .forms_portal import InviteForm, JoinForm, new_submission_key
from .models import PortalInvitation

CHART_TAB = "recovery"
LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _portal_status(patient) -> dict:
    latest = (PortalInvitation.objects.filter(patient=patient).select_related("created_by")
              .order_by("-created_at").first())
    return {"has_account": invitations.has_active_account(patient),
            "account_username": patient.user.username if patient.user_id else "",
            "latest": latest,
            "latest_state": (invitations.why_unusable(latest) or "waiting") if latest else ""}


@patient_view(invitations.OBJECT_TYPE)
def invite(request, patient):
    """The care team's page: the person's portal status and the invitation form."""
    if not request.user.is_staff_member:
        raise PermissionDenied
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = invitations.invite_patient(
                audit.Context.from_request(request), patient,
                channel=form.cleaned_data["channel"],
                submission_key=request.POST.get("submission_key") or None)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            how = invitation.get_channel_display().lower()
            messages.success(request, (
                f"Invitation sent by {how} to {invitation.sent_to}. The link works once "
                f"and expires {invitation.expires_at:%d %b %Y %H:%M}." if token else
                "That invitation was already sent; nothing more was sent."))
            return redirect("recovery:portal_invite", patient_id=patient.uuid)
    response = _render_chart(request, patient, CHART_TAB, "recovery/portal/invite.html", {
        "form": form, "submission_key": new_submission_key(),
        "may_invite": bool(may_invite_to_portal(request.user, patient)),
        **_portal_status(patient)})
    if form.errors:
        response.status_code = 400
    return response


UNUSABLE_STATUS = {"unknown": 404}


@never_cache
@sensitive_post_parameters("password1", "password2")
def join(request, token):
    """The invitation link: choose a username and password, then straight into the
    portal. The token is the only credential; a used, revoked or expired one says so."""
    invitation = invitations.invitation_for_token(token)
    if invitation is not None and request.user.is_authenticated \
            and invitation.patient.user_id == request.user.pk:
        return redirect("recovery:home")  # a retried submission after it worked
    reason = "unknown" if invitation is None else invitations.why_unusable(invitation)
    if reason:
        return _unusable(request, reason, invitation)
    patient = invitation.patient
    initial = {"username": patient.email} if patient.email else {}
    form = JoinForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.accept_invitation(
                token, username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                client_address=request.META.get("REMOTE_ADDR"))
        except invitations.InvitationUnusable as unusable:
            return _unusable(request, unusable.reason, invitation)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            login(request, user, backend=LOGIN_BACKEND)
            messages.success(request, "Welcome to CarePath. Your account is ready.")
            return redirect("recovery:home")
    return render(request, "recovery/portal/join.html",
                  {"form": form, "expires_at": invitation.expires_at},
                  status=400 if form.errors else 200)


def _unusable(request, reason: str, invitation):
    if request.user.is_authenticated and invitation is not None \
            and invitation.patient.user_id == request.user.pk:
        return redirect("recovery:home")
    return render(request, "recovery/portal/join_unusable.html", {
        "reason": reason, "expired_at": getattr(invitation, "expires_at", None)},
        status=UNUSABLE_STATUS.get(reason, 410))
