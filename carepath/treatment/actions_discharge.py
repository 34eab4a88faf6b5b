"""Every change to discharges and readmissions: permission, one transaction, audit.

A discharge is started for the open episode with a reason and a date; its summary is
drafted from the record (``summary.py``) and edited by the clinician with the aftercare
plan. Signing stores a SHA-256 digest of the content, closes the episode, ends the
programme enrolments and cancels the patient's place in future sessions, all in one
transaction. A signed discharge is read-only: there are no amendments.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.access import guards
from carepath.access.policy import may_discharge
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients import actions as patient_actions
from carepath.patients.models import EpisodeOfCare, LevelOfCare

from . import summary as drafting
from .models import (
    Attendance,
    AttendanceStatus,
    Discharge,
    DischargeReason,
    Enrolment,
    EnrolmentStatus,
    OutreachOutcome,
    OutreachStatus,
    OutreachTask,
    Session,
    SessionFormat,
    SessionStatus,
)

OBJECT_TYPE = "treatment.discharge"
SUMMARY_MAX = 20000
AFTERCARE_MAX = 10000
CANCELLED_REASON = "discharged"
SIGNED_READ_ONLY = ("This discharge was signed on {when} and is read-only. A signed "
                    "discharge is not amended; open a readmission if the patient returns.")


def _require(ctx: audit.Context, patient, object_type: str = OBJECT_TYPE):
    return guards.require_change(ctx, patient, object_type,
                                 decision=may_discharge(ctx.user, patient),
                                 message="You may not discharge or readmit this patient.")


def _local(value) -> str:
    return f"{timezone.localtime(value):%d %b %Y %H:%M}"


def check_details(episode: EpisodeOfCare, reason: str, discharged_on: date | None,
                  today: date | None = None) -> dict[str, list[str]]:
    """Errors in the reason and date, each naming the field and the limit."""
    today = today or timezone.localdate()
    errors: dict[str, list[str]] = {}
    if reason not in DischargeReason.values:
        errors["reason"] = ["Choose the reason for discharge: completed, left against advice, "
                            "transferred, administrative or died."]
    opened = timezone.localtime(episode.opened_at).date()
    if discharged_on is None:
        errors["discharged_on"] = ["Enter the discharge date, such as "
                                   f"{today:%Y-%m-%d}."]
    elif discharged_on > today:
        errors["discharged_on"] = [f"The discharge date ({discharged_on:%d %b %Y}) cannot be "
                                   f"in the future: today is {today:%d %b %Y}."]
    elif discharged_on < opened:
        errors["discharged_on"] = [f"The discharge date ({discharged_on:%d %b %Y}) cannot be "
                                   f"before the episode opened on {opened:%d %b %Y}."]
    return errors


def _check_texts(reason: str, summary: str, aftercare_plan: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = [f"Keep the summary under {SUMMARY_MAX} characters "
                             f"(it has {len(summary)})."]
    if len(aftercare_plan) > AFTERCARE_MAX:
        errors["aftercare_plan"] = [f"Keep the aftercare plan under {AFTERCARE_MAX} "
                                    f"characters (it has {len(aftercare_plan)})."]
    if reason == DischargeReason.DIED and aftercare_plan:
        errors["aftercare_plan"] = ["A discharge because the patient died has no aftercare "
                                    "plan: clear the aftercare plan, or choose another "
                                    "reason."]
    return errors


def start_discharge(ctx: audit.Context, patient, *, reason: str,
                    discharged_on: date | None) -> Discharge:
    """Start a discharge of the open episode, with a summary drafted from the record.

    One discharge per episode: starting again (a retried form) returns the draft that
    exists, unchanged."""
    _require(ctx, patient)
    episode = patient.episodes.filter(closed_at__isnull=True).order_by("-opened_at").first()
    if episode is None:
        raise ValidationError({"reason": ["This patient has no open episode of care to "
                                          "discharge from."]})
    existing = Discharge.objects.filter(episode=episode).first()
    if existing is not None:
        return existing
    errors = check_details(episode, reason, discharged_on)
    if errors:
        raise ValidationError(errors)
    text = drafting.draft(episode, reason=reason, discharged_on=discharged_on)
    with transaction.atomic():
        EpisodeOfCare.objects.select_for_update().get(pk=episode.pk)
        existing = Discharge.objects.filter(episode=episode).first()
        if existing is not None:
            return existing
        discharge = Discharge.objects.create(
            patient=patient, episode=episode, reason=reason, discharged_on=discharged_on,
            summary=text, created_by=ctx.user)
        audit.record(ctx, Action.CREATE, patient=patient, obj=discharge,
                     details={"episode": str(episode.uuid), "reason": reason})
    return discharge


def _locked_draft(discharge: Discharge) -> Discharge:
    current = Discharge.objects.select_for_update().select_related("episode").get(
        pk=discharge.pk)
    if current.is_signed:
        raise ValidationError({"summary": [SIGNED_READ_ONLY.format(
            when=_local(current.signed_at))]})
    return current


def save_draft(ctx: audit.Context, discharge: Discharge, *, reason: str,
               discharged_on: date | None, summary: str, aftercare_plan: str,
               expected_updated_at=None) -> Discharge:
    """Save what the clinician wrote. Nothing is required yet except a valid reason and
    date. ``expected_updated_at`` (the version the form was opened on) refuses to
    overwrite someone else's later save."""
    patient = discharge.patient
    _require(ctx, patient)
    summary = (summary or "").strip()
    aftercare_plan = (aftercare_plan or "").strip()
    errors = check_details(discharge.episode, reason, discharged_on)
    errors.update(_check_texts(reason, summary, aftercare_plan))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked_draft(discharge)
        if expected_updated_at is not None and current.updated_at != expected_updated_at:
            raise ValidationError({"summary": [
                f"Someone else saved this discharge at {_local(current.updated_at)} after you "
                "opened it. Your text is kept below: copy what you need, reload the page and "
                "add it again."]})
        values = {"reason": reason, "discharged_on": discharged_on, "summary": summary,
                  "aftercare_plan": aftercare_plan}
        changed = [k for k, v in values.items() if getattr(current, k) != v]
        if changed:
            for key in changed:
                setattr(current, key, values[key])
            current.updated_at = timezone.now()
            current.save(update_fields=[*changed, "updated_at"])
            # Field names only: the text is health data.
            audit.record(ctx, Action.UPDATE, patient=patient, obj=current,
                         details={"fields": sorted(changed), "reason": reason})
    return current


def redraft_summary(ctx: audit.Context, discharge: Discharge) -> Discharge:
    """Draft the summary from the record again (replacing the text); the aftercare plan
    is kept."""
    patient = discharge.patient
    _require(ctx, patient)
    with transaction.atomic():
        current = _locked_draft(discharge)
        current.summary = drafting.draft(current.episode, reason=current.reason,
                                         discharged_on=current.discharged_on)
        current.updated_at = timezone.now()
        current.save(update_fields=["summary", "updated_at"])
        audit.record(ctx, Action.UPDATE, patient=patient, obj=current,
                     details={"fields": ["summary"], "redrafted": True})
    return current


def content_digest(discharge: Discharge) -> str:
    """SHA-256 of the signed content as canonical JSON (sorted keys, no spaces)."""
    content = {
        "patient": str(discharge.patient.uuid),
        "episode": str(discharge.episode.uuid),
        "reason": discharge.reason,
        "discharged_on": discharge.discharged_on.isoformat(),
        "summary": discharge.summary,
        "aftercare_plan": discharge.aftercare_plan,
        "signed_by": discharge.signed_by.username if discharge.signed_by_id else "",
        "signed_at": discharge.signed_at.isoformat() if discharge.signed_at else "",
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def digest_matches(discharge: Discharge) -> bool:
    return bool(discharge.content_digest) and content_digest(discharge) == discharge.content_digest


def sign_errors(discharge: Discharge, *, confirm_died: bool = False) -> dict[str, list[str]]:
    """What stops signing (empty when ready)."""
    errors = check_details(discharge.episode, discharge.reason, discharge.discharged_on)
    errors.update(_check_texts(discharge.reason, discharge.summary, discharge.aftercare_plan))
    summary = discharge.summary.strip()
    if not summary:
        errors.setdefault("summary", []).append("Write the discharge summary before signing.")
    elif drafting.CLINICIAN_PROMPT in summary:
        errors.setdefault("summary", []).append(
            "Replace the line “(Write here: …)” under “Clinician's summary” with your own "
            "summary before signing.")
    if discharge.reason == DischargeReason.DIED:
        if not confirm_died:
            errors.setdefault("confirm_died", []).append(
                "Tick to confirm the patient has died: this cannot be undone in CarePath.")
    elif not discharge.aftercare_plan.strip():
        errors.setdefault("aftercare_plan", []).append(
            "Write the aftercare plan before signing: it is what the patient takes home.")
    return errors


def sign_discharge(ctx: audit.Context, discharge: Discharge, *,
                   confirm_died: bool = False) -> Discharge:
    """Sign: digest stored, episode closed, enrolments ended, the patient's places in
    future sessions cancelled ("discharged"); one transaction. Sends no message to
    anyone (and for a death also closes open outreach, stops the patient's own measure
    schedules and expires their unused measure links)."""
    patient = discharge.patient
    _require(ctx, patient)
    with transaction.atomic():
        current = _locked_draft(discharge)
        current.patient = patient
        errors = sign_errors(current, confirm_died=confirm_died)
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        current.signed_by = ctx.user
        current.signed_at = now
        current.updated_at = now
        current.content_digest = content_digest(current)
        current.save(update_fields=["signed_by", "signed_at", "updated_at", "content_digest"])
        label = current.get_reason_display()
        patient_actions.close_episode(ctx, current.episode, reason=f"Discharged: {label}")
        ended = _end_enrolments(current, now, label)
        cancelled, sessions = _cancel_future_places(current, now, ctx)
        extra = _after_death(ctx, current, now) if current.reason == DischargeReason.DIED else {}
        audit.record(ctx, Action.SIGN, patient=patient, obj=current, details={
            "reason": current.reason, "digest": current.content_digest,
            "episode": str(current.episode.uuid), "enrolments_ended": ended,
            "attendances_cancelled": cancelled, "sessions_cancelled": sessions, **extra})
    return current


def _end_enrolments(discharge: Discharge, now, label: str) -> list[str]:
    enrolments = list(Enrolment.objects.select_for_update()
                      .filter(episode=discharge.episode, status=EnrolmentStatus.ACTIVE)
                      .order_by("pk"))
    status = (EnrolmentStatus.COMPLETED if discharge.reason == DischargeReason.COMPLETED
              else EnrolmentStatus.ENDED_EARLY)
    for enrolment in enrolments:
        enrolment.status = status
        enrolment.ended_at = now
        enrolment.ended_reason = f"Discharged: {label}"[:300]
        enrolment.save(update_fields=["status", "ended_at", "ended_reason"])
    return [str(e.uuid) for e in enrolments]


def _cancel_future_places(discharge: Discharge, now, ctx) -> tuple[list[str], list[str]]:
    """The patient's attendance at every session starting after now becomes cancelled
    ("discharged"); an individual or family session that was only theirs is cancelled
    too, so the clinician's calendar is freed. Group sessions go on for the others."""
    places = list(Attendance.objects.select_for_update()
                  .filter(patient=discharge.patient, session__starts_at__gt=now)
                  .exclude(status=AttendanceStatus.CANCELLED)
                  .select_related("session").order_by("session__starts_at", "pk"))
    for place in places:
        place.status = AttendanceStatus.CANCELLED
        place.cancelled_reason = CANCELLED_REASON
        place.recorded_at = now
        place.recorded_by = ctx.user
        place.save(update_fields=["status", "cancelled_reason", "recorded_at", "recorded_by"])
    own = {p.session_id for p in places
           if p.session.format in (SessionFormat.INDIVIDUAL, SessionFormat.FAMILY)
           and p.session.status == SessionStatus.SCHEDULED}
    others = set(Attendance.objects.filter(session_id__in=own)
                 .exclude(patient=discharge.patient)
                 .exclude(status=AttendanceStatus.CANCELLED)
                 .values_list("session_id", flat=True))
    only_theirs = sorted(own - others)
    sessions = list(Session.objects.select_for_update().filter(pk__in=only_theirs)
                    .order_by("pk"))
    for session in sessions:
        session.status = SessionStatus.CANCELLED
        session.cancelled_reason = "Patient discharged"
        session.save(update_fields=["status", "cancelled_reason"])
    return [str(p.uuid) for p in places], [str(s.uuid) for s in sessions]


def _after_death(ctx, discharge: Discharge, now) -> dict:
    """Nobody is asked to contact, remind or message a person who has died."""
    from carepath.measures.models import Link, Schedule

    patient = discharge.patient
    tasks = list(OutreachTask.objects.select_for_update()
                 .filter(patient=patient, status=OutreachStatus.OPEN).order_by("pk"))
    for task in tasks:
        task.status = OutreachStatus.DONE
        task.outcome = OutreachOutcome.NOT_NEEDED
        task.outcome_note = "Closed when the discharge (patient died) was signed."
        task.closed_by = ctx.user
        task.closed_at = now
        task.save(update_fields=["status", "outcome", "outcome_note", "closed_by",
                                 "closed_at"])
    schedules = list(Schedule.objects.filter(patient=patient, active=True)
                     .values_list("uuid", flat=True))
    Schedule.objects.filter(patient=patient, active=True).update(active=False)
    links = list(Link.objects.filter(patient=patient, used_at__isnull=True,
                                     expires_at__gt=now).values_list("uuid", flat=True))
    Link.objects.filter(patient=patient, used_at__isnull=True,
                        expires_at__gt=now).update(expires_at=now)
    return {"outreach_closed": [str(t.uuid) for t in tasks],
            "schedules_stopped": [str(u) for u in schedules],
            "links_expired": [str(u) for u in links]}


def readmit(ctx: audit.Context, patient, *, reason: str, level_of_care: str,
            opened_at=None) -> EpisodeOfCare:
    """Open a new episode linked to the patient's most recent closed episode."""
    _require(ctx, patient, "patients.episodeofcare")
    errors: dict[str, list[str]] = {}
    if patient.episodes.filter(closed_at__isnull=True).exists():
        errors["reason"] = ["This patient has an open episode of care: discharge them "
                            "before readmitting."]
    previous = (patient.episodes.filter(closed_at__isnull=False)
                .order_by("-closed_at", "-pk").first())
    if previous is None and not errors:
        errors["reason"] = ["There is no closed episode to readmit after: open a first "
                            "episode on the Episodes of care tab."]
    elif previous is not None and Discharge.objects.filter(
            episode=previous, reason=DischargeReason.DIED, signed_at__isnull=False).exists():
        errors["reason"] = ["The last discharge records that this patient died. If that is "
                            "wrong, ask a supervisor to correct the record before "
                            "readmitting."]
    if level_of_care not in LevelOfCare.values:
        errors["level_of_care"] = ["Choose the level of care to readmit to."]
    if not (reason or "").strip():
        errors["reason"] = errors.get("reason") or ["Say why the patient is readmitted."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        previous = EpisodeOfCare.objects.select_for_update().get(pk=previous.pk)
        if EpisodeOfCare.objects.filter(previous_episode=previous).exists():
            raise ValidationError({"reason": ["That episode already has a readmission."]})
        episode = patient_actions.open_episode(ctx, patient, reason=reason,
                                               level_of_care=level_of_care,
                                               opened_at=opened_at)
        episode.previous_episode = previous
        episode.save(update_fields=["previous_episode"])
        audit.record(ctx, Action.UPDATE, patient=patient, obj=episode,
                     details={"readmission_after": str(previous.uuid)})
    return episode
