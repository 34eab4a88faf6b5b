"""Family sessions: the link on the treatment session page, and the page where whoever
manages a family session invites the attendees' consenting supporters. Thin: parse, call
the actions or queries, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from carepath.access.policy import may_invite_supporters_to_session
from carepath.audit import log as audit
from carepath.patients.models import Consent
from carepath.treatment import queries_sessions as treatment_queries
from carepath.treatment.models import SessionFormat, SessionStatus

from . import actions_sessions as actions
from . import queries_sessions as queries
from .forms_sessions import InviteSupportersForm

LINK_LABEL = "Invite family supporters"


def session_page_link(session, user):
    """(label, href) for the treatment session page, or None: only on a family session
    that is neither cancelled nor past, for whoever may invite supporters to it."""
    if (session.format != SessionFormat.FAMILY or session.status == SessionStatus.CANCELLED
            or session.starts_at <= timezone.now()
            or not may_invite_supporters_to_session(user, session)):
        return None
    return LINK_LABEL, reverse("family:session_invite", args=[session.uuid])


def _ctx(request):
    return audit.Context.from_request(request)


def _session(request, session_id):
    """The session, for whoever may invite supporters to it. Someone who may not even see
    it gets 404 (existence is not revealed); someone who sees but may not manage it, 403.
    Both refusals are audited."""
    session = treatment_queries.session_for(request.user, session_id)
    if session is None:
        audit.denied(_ctx(request), object_type=actions.OBJECT_TYPE, reason="no_such_session")
        raise Http404("No such session")
    if not may_invite_supporters_to_session(request.user, session):
        audit.denied(_ctx(request), object_type=actions.OBJECT_TYPE,
                     reason="may_not_invite_supporters")
        raise PermissionDenied(actions.REFUSED)
    return session


def _page(request, session, form, *, status=200):
    rows, hidden = queries.attendee_rows(request.user, session)
    audit.record_list(_ctx(request), actions.OBJECT_TYPE,
                      [row.attendance.patient.uuid for row in rows], session=str(session.uuid))
    return render(request, "family/sessions/invite.html", {
        "session": session, "rows": rows, "hidden": hidden, "form": form,
        "closed_reason": actions.session_open_for_invites(session),
        "chosen": set(form.data.getlist("supporters")) if form.is_bound else set(),
    }, status=status)


def _invite_chosen(request, session, form) -> bool:
    """Invite each chosen supporter; successes are kept even if another is refused.
    True when every one went through."""
    chosen = form.chosen()
    rows, _ = queries.attendee_rows(request.user, session)
    patient_ids = [row.attendance.patient_id for row in rows]
    consents = list(Consent.objects.filter(uuid__in=chosen, patient_id__in=patient_ids)
                    .select_related("patient", "recipient_user"))
    form.add_unknown(len(chosen) - len(consents))
    for consent in consents:
        try:
            result = actions.invite_supporter(_ctx(request), session, consent)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("supporters", message)
            continue
        name = consent.recipient_user.display_name
        if result.created:
            how = ("They have been emailed to sign in to CarePath for the details."
                   if consent.recipient_user.email else
                   "Their account has no email address: tell them to sign in to CarePath.")
            messages.success(request, f"{name} is invited. {how}")
        else:
            when = timezone.localtime(result.invite.invited_at)
            messages.info(request, f"{name} was already invited on {when:%d %b %Y}; "
                                   "nothing more was sent.")
    return not form.errors


@login_required
def session_invite(request, session_id):
    session = _session(request, session_id)
    if request.method != "POST":
        return _page(request, session, InviteSupportersForm())
    form = InviteSupportersForm(request.POST)
    if form.is_valid() and _invite_chosen(request, session, form):
        return redirect("family:session_invite", session_id=session.uuid)
    return _page(request, session, form, status=400)
