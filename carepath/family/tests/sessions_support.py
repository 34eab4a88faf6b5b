"""Helpers for the family-session invitation tests (no tests here)."""

from datetime import timedelta

from django.utils import timezone

from carepath.accounts.models import AccountType
from carepath.audit.models import AuditEvent, Outcome
from carepath.conftest import ctx_for
from carepath.patients.models import Consent, ConsentRegime
from carepath.treatment import actions_sessions
from carepath.treatment.models import SessionFormat, SessionType

ALL_BUT_APPOINTMENTS = ["attendance", "milestones", "encouragement"]


def family_session(lead, patients, *, starts_in=timedelta(days=3), fmt=SessionFormat.FAMILY):
    """A session led by ``lead`` with ``patients`` attending (the first schedules it)."""
    first, *others = patients
    session = actions_sessions.schedule_session(
        ctx_for(lead), first, session_type=SessionType.FAMILY_SESSION, format=fmt,
        starts_at=timezone.now() + starts_in, duration_minutes=90, clinician=lead,
        capacity=None if fmt != SessionFormat.INDIVIDUAL else 1, confirm_overlap=True)
    for patient in others:
        actions_sessions.add_attendee(ctx_for(lead), session, patient)
    return session


def supporter(make_user, first="Jamie"):
    user = make_user(account_type=AccountType.SUPPORTER)
    user.first_name = first
    user.save(update_fields=["first_name"])
    return user


def grant(patient, to, categories=("appointments", "attendance"), *, days=90, **fields):
    """A consent from ``patient`` naming the supporter ``to`` (written directly: the
    sharing actions are another area's)."""
    today = timezone.localdate()
    data = {"patient": patient, "regime": ConsentRegime.UK_GDPR, "recipient": to.display_name,
            "recipient_user": to, "purpose": "Keeping my supporter informed",
            "data_categories": list(categories), "starts_on": today,
            "expires_on": today + timedelta(days=days), **fields}
    return Consent.objects.create(**data)


def denied_events(object_type="family.session_invite"):
    return AuditEvent.objects.filter(outcome=Outcome.DENIED, object_type=object_type)
