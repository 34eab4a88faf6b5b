"""Reads for family-session invitations: who may be invited (staff side) and the
supporter's own upcoming invitations."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from carepath.access.policy import supporter_access
from carepath.accounts.models import AccountType
from carepath.patients.models import Consent
from carepath.treatment.models import AttendanceStatus, SessionStatus
from carepath.treatment.queries_sessions import visible_attendances

from .actions_sessions import CATEGORY, consent_refusal
from .models import FamilySessionInvite


@dataclass
class Supporter:
    consent: Consent
    invite: FamilySessionInvite | None = None  # already invited to this session
    refusal: str = ""  # why they cannot be invited ("" when they can)


@dataclass
class AttendeeRow:
    attendance: object
    invitable: list[Supporter] = field(default_factory=list)
    not_invitable: list[Supporter] = field(default_factory=list)


def attendee_rows(user, session) -> tuple[list[AttendeeRow], int]:
    """Each attending patient ``user`` may see, with the supporters a consent in force
    names: those whose consent covers appointments (invitable) and those whose consent
    does not (shown with the reason). Also the number of attendees not shown. A fixed
    number of queries however many attend."""
    attendances = [a for a in visible_attendances(user, session)
                   if a.status != AttendanceStatus.CANCELLED]
    total = session.attendances.exclude(status=AttendanceStatus.CANCELLED).count()
    today = timezone.localdate()
    consents = (Consent.objects
                .filter(patient__in=[a.patient_id for a in attendances],
                        recipient_user__isnull=False,
                        recipient_user__account_type=AccountType.SUPPORTER,
                        revoked_at__isnull=True, starts_on__lte=today, expires_on__gte=today)
                .select_related("recipient_user", "patient")
                .order_by("recipient", "-recorded_at", "pk"))
    # One invitation per supporter per session, whichever patient it came through.
    invites = {i.supporter_id: i for i in FamilySessionInvite.objects.filter(session=session)}
    rows = {a.patient_id: AttendeeRow(a) for a in attendances}
    grouped: dict[tuple, list[Consent]] = {}
    for consent in consents:
        grouped.setdefault((consent.patient_id, consent.recipient_user_id), []).append(consent)
    for (patient_id, supporter_id), group in grouped.items():
        covering = [c for c in group if not consent_refusal(c)]
        invite = invites.get(supporter_id)
        if covering:
            rows[patient_id].invitable.append(Supporter(covering[0], invite=invite))
        else:
            rows[patient_id].not_invitable.append(
                Supporter(group[0], invite=invite, refusal=consent_refusal(group[0])))
    return list(rows.values()), max(total - len(attendances), 0)


def invitable_consents(user, session) -> dict:
    """{consent uuid (str): consent} the invite form may offer."""
    rows, _ = attendee_rows(user, session)
    return {str(s.consent.uuid): s.consent for row in rows for s in row.invitable}


def upcoming_invites(user) -> list:
    """The supporter's invitations to family sessions that have not ended and are not
    cancelled, and whose consent still covers appointments: a list of FamilySessionInvite
    with session loaded. The consent is checked afresh (access.policy.supporter_access,
    once per patient), so a revoked or expired consent hides them at once."""
    if not user.is_authenticated or user.account_type != AccountType.SUPPORTER:
        return []
    invites = (FamilySessionInvite.objects
               .filter(supporter=user, session__ends_at__gt=timezone.now())
               .filter(~Q(session__status=SessionStatus.CANCELLED))
               .select_related("session", "session__room", "patient")
               .order_by("session__starts_at", "pk"))
    allowed: dict[int, bool] = {}
    shown = []
    for invite in invites:
        if invite.patient_id not in allowed:
            allowed[invite.patient_id] = bool(supporter_access(user, invite.patient, CATEGORY))
        if allowed[invite.patient_id]:
            shown.append(invite)
    return shown
