"""Every change to aftercare records: the support meetings log and follow-up answers.

Both may be written by the person themselves (``own_record_access``) or by their care
team on their behalf (a phone call): permission checked, one transaction, audited.
A retried submission with the same submission key returns the first result.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.access import guards
from carepath.access.policy import own_record_access, patient_change_access
from carepath.accounts.idempotency import KeyReused, digest_of, run_once
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.treatment.models import OutreachUrgency
from carepath.treatment.outreach import raise_outreach

from .followups import closes_on
from .models import FollowUp, FollowUpStatus, MeetingKind, SupportMeeting
from .portal_guard import local_today

MEETING_OBJECT = "recovery.supportmeeting"
FOLLOW_UP_OBJECT = "recovery.followup"
MEETING_ENDPOINT = "recovery.meetings.create"
FOLLOW_UP_ENDPOINT = "recovery.follow_ups.answer"
MEETING_NAME_MAX = 120
MEETING_NOTE_MAX = 2000
MEETING_OLDEST_DAYS = 366  # a design choice: a log of the past year, not a life history
DAYS_MAX = 30
WELLBEING_MAX = 20
USE_OUTREACH_REASON = "follow_up_use"
REFUSED = "You may not change this person's aftercare record."


def _decision(user, patient):
    """The person themselves, or someone who may change their record."""
    own = own_record_access(user, patient)
    return own if own else patient_change_access(user, patient)


def _require(ctx, patient, object_type):
    return guards.require_change(ctx, patient, object_type,
                                 decision=_decision(ctx.user, patient), message=REFUSED)


def _on_behalf(decision) -> bool:
    return decision.basis != "own_record"


# -- Support meetings ---------------------------------------------------------------------

def check_meeting(met_on: date | None, kind: str, name: str, note: str,
                  today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    oldest = today - timedelta(days=MEETING_OLDEST_DAYS)
    if met_on is None:
        errors["met_on"] = [f"Enter the date of the meeting, such as {today:%Y-%m-%d}."]
    elif met_on > today:
        errors["met_on"] = [f"The meeting date ({met_on:%d %b %Y}) cannot be in the future: "
                            f"today is {today:%d %b %Y}."]
    elif met_on < oldest:
        errors["met_on"] = [f"The meeting date ({met_on:%d %b %Y}) is more than a year ago: "
                            f"enter a date from {oldest:%d %b %Y} on."]
    if kind not in MeetingKind.values:
        errors["kind"] = ["Choose the kind of meeting: 12-step, SMART Recovery or other."]
    if len(name) > MEETING_NAME_MAX:
        errors["name"] = [f"Keep the meeting name under {MEETING_NAME_MAX} characters "
                          f"(it has {len(name)})."]
    if len(note) > MEETING_NOTE_MAX:
        errors["note"] = [f"Keep the note under {MEETING_NOTE_MAX} characters "
                          f"(it has {len(note)})."]
    return errors


def log_meeting(ctx: audit.Context, patient, *, met_on: date | None, kind: str,
                name: str = "", note: str = "", submission_key: str | None = None,
                today: date | None = None) -> SupportMeeting:
    """Log one support meeting. A retry with the same submission key returns the first."""
    decision = _require(ctx, patient, MEETING_OBJECT)
    today = today or local_today(patient)
    name, note = (name or "").strip(), (note or "").strip()
    errors = check_meeting(met_on, kind, name, note, today)
    if errors:
        raise ValidationError(errors)

    def create() -> SupportMeeting:
        with transaction.atomic():
            meeting = SupportMeeting.objects.create(
                organisation_id=patient.organisation_id, patient=patient, met_on=met_on,
                kind=kind, name=name, note=note, entered_by=ctx.user)
            audit.record(ctx, Action.CREATE, patient=patient, obj=meeting,
                         details={"kind": kind, "on_behalf": _on_behalf(decision)})
        return meeting

    digest = digest_of({"patient": str(patient.uuid), "met_on": met_on, "kind": kind,
                        "name": name, "note": note})
    try:
        made, earlier = run_once(ctx.user, MEETING_ENDPOINT, submission_key, digest, create)
    except KeyReused:
        raise ValidationError({"note": ["This form was already sent with different "
                                        "answers: reload the page to log another "
                                        "meeting."]}) from None
    return made if made is not None else SupportMeeting.objects.get(uuid=earlier)


# -- Follow-up answers --------------------------------------------------------------------

def check_answers(used_since_discharge, days_abstinent_past_30,
                  wellbeing) -> dict[str, list[str]]:
    """Each answer required and in range; the message names the question."""
    errors: dict[str, list[str]] = {}
    if used_since_discharge not in (True, False):
        errors["used_since_discharge"] = ["Answer yes or no: have you used ketamine since "
                                          "you were discharged?"]
    if days_abstinent_past_30 is None:
        errors["days_abstinent_past_30"] = ["Enter the number of days without ketamine in "
                                            "the past 30 days, from 0 to 30."]
    elif not 0 <= days_abstinent_past_30 <= DAYS_MAX:
        errors["days_abstinent_past_30"] = [
            f"Days without ketamine in the past 30 days must be from 0 to {DAYS_MAX} "
            f"(you entered {days_abstinent_past_30})."]
    elif used_since_discharge is False and days_abstinent_past_30 < DAYS_MAX:
        errors["days_abstinent_past_30"] = [
            "You answered that you have not used ketamine since discharge, so all of the "
            f"past 30 days were without it: enter {DAYS_MAX}, or change the first answer."]
    if wellbeing is None:
        errors["wellbeing"] = ["Enter your overall well-being from 0 (poor) to 20 (good)."]
    elif not 0 <= wellbeing <= WELLBEING_MAX:
        errors["wellbeing"] = [f"Overall well-being must be from 0 (poor) to {WELLBEING_MAX} "
                               f"(good) (you entered {wellbeing})."]
    return errors


def state_error(follow_up: FollowUp, today: date) -> str | None:
    """Why this follow-up cannot be answered now, or None when it can."""
    if follow_up.status == FollowUpStatus.COMPLETED:
        when = timezone.localtime(follow_up.completed_at)
        return (f"This follow-up was already answered on {when:%d %b %Y}. The answers given "
                "then are kept; nothing was changed.")
    if follow_up.status == FollowUpStatus.CANCELLED:
        return "This follow-up was cancelled; there is nothing to answer."
    if follow_up.status == FollowUpStatus.MISSED or closes_on(follow_up) < today:
        return (f"This follow-up closed on {closes_on(follow_up):%d %b %Y} without an "
                "answer. The next one will open on its own date.")
    if follow_up.due_on > today:
        return (f"This follow-up opens on {follow_up.due_on:%d %b %Y}: please come back "
                "then.")
    return None


def answer_follow_up(ctx: audit.Context, follow_up: FollowUp, *, used_since_discharge,
                     days_abstinent_past_30, wellbeing, submission_key: str | None = None,
                     today: date | None = None) -> FollowUp:
    """Record the answers once. A second submission is refused (already answered); a
    retry with the same submission key returns the follow-up as first completed.

    Use since discharge raises no alert: it raises an outreach task (urgency soon) so
    someone offers supportive re-engagement. A design choice, in docs/aftercare.md."""
    patient = follow_up.patient
    decision = _require(ctx, patient, FOLLOW_UP_OBJECT)
    today = today or local_today(patient)
    errors = check_answers(used_since_discharge, days_abstinent_past_30, wellbeing)
    if errors:
        raise ValidationError(errors)

    def complete() -> FollowUp:
        with transaction.atomic():
            locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
            refused = state_error(locked, today)
            if refused:
                raise ValidationError({"__all__": [refused]})
            locked.used_since_discharge = used_since_discharge
            locked.days_abstinent_past_30 = days_abstinent_past_30
            locked.wellbeing = wellbeing
            locked.status = FollowUpStatus.COMPLETED
            locked.completed_at = timezone.now()
            locked.entered_by = ctx.user
            locked.save(update_fields=["used_since_discharge", "days_abstinent_past_30",
                                       "wellbeing", "status", "completed_at", "entered_by"])
            # Which fields, not the answers: the audit log holds no outcome values.
            audit.record(ctx, Action.UPDATE, patient=patient, obj=locked, details={
                "completed": True, "day_offset": locked.day_offset,
                "on_behalf": _on_behalf(decision)})
            if used_since_discharge:
                raise_outreach(
                    ctx, patient, reason=USE_OUTREACH_REASON, source_type=FOLLOW_UP_OBJECT,
                    source_uuid=locked.uuid, urgency=OutreachUrgency.SOON,
                    explanation=(f"At the {locked.day_offset}-day follow-up after discharge "
                                 "the person said they have used ketamine since. Offer "
                                 "supportive contact and a way back into care if wanted."))
        return locked

    digest = digest_of({"follow_up": str(follow_up.uuid), "used": used_since_discharge,
                        "days": days_abstinent_past_30, "wellbeing": wellbeing})
    try:
        made, earlier = run_once(ctx.user, FOLLOW_UP_ENDPOINT, submission_key, digest,
                                 complete)
    except KeyReused:
        raise ValidationError({"__all__": [state_error(FollowUp.objects.get(
            pk=follow_up.pk), today) or "This form was already sent: reload the page."]}
        ) from None
    result = made if made is not None else FollowUp.objects.get(uuid=earlier)
    for field in ("used_since_discharge", "days_abstinent_past_30", "wellbeing", "status",
                  "completed_at", "entered_by_id"):
        setattr(follow_up, field, getattr(result, field))
    return result
