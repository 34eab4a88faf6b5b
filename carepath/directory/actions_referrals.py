"""Every change to referrals and waitlists: permission, one transaction, audit.

A referral with a patient is health data: the referrer needs change access to that
record (``access.policy.patient_change_access``) and ``may_refer``. A referral made for
an enquiry (no patient yet) is special-category data about a person who asked for help:
it needs ``may_work_intake``.

The status loop is closed: sent → acknowledged → assessed → admitted | declined.
``sent → assessed`` is allowed (some services assess at first contact, so there is no
separate acknowledgement); ``admitted`` only follows ``assessed`` (a service admits
someone it has assessed); ``declined`` may follow any open status. ``admitted`` and
``declined`` close the referral: nothing changes after that. Recording the current
status again, with a note, is a status check ("still waiting, phoned them today"): it
is kept in the history and, like every change to an open status, moves the next check
``CAREPATH_REFERRAL_CHECK_DAYS`` days on.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.access import guards
from carepath.access.policy import may_refer, may_work_intake, patient_change_access
from carepath.accounts.idempotency import run_once
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import LevelOfCare, Patient

from .models import (
    LEVEL_FIELDS,
    Affiliation,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    WaitlistEntry,
)

OPEN_STATUSES = frozenset({ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED,
                           ReferralStatus.ASSESSED})
CLOSED_STATUSES = frozenset({ReferralStatus.ADMITTED, ReferralStatus.DECLINED})

# Where each open status may go next (besides recording the same status as a check).
TRANSITIONS = {
    ReferralStatus.SENT: (ReferralStatus.ACKNOWLEDGED, ReferralStatus.ASSESSED,
                          ReferralStatus.DECLINED),
    ReferralStatus.ACKNOWLEDGED: (ReferralStatus.ASSESSED, ReferralStatus.DECLINED),
    ReferralStatus.ASSESSED: (ReferralStatus.ADMITTED, ReferralStatus.DECLINED),
    ReferralStatus.ADMITTED: (),
    ReferralStatus.DECLINED: (),
}

NO_FEE_MESSAGE = ("CarePath records a referral only when no fee or commission was paid "
                  "or offered for it.")
MATCH_REASON_MESSAGE = ("Say why this service was matched: for example the level of care, "
                        "distance, waiting time or a specialist competence.")
AFFILIATION_DETAILS_MESSAGE = ("Describe the affiliation: who is connected to this service "
                               "and how.")
AFFILIATION_MESSAGE = "Choose whether there is any affiliation with this service."
SERVICE_MESSAGE = "Choose the service you are referring to."
WEB_ENDPOINT = "directory.referrals.create.web"


def check_due_from(moment):
    """When an open referral's status is next due for a check."""
    return moment + timedelta(days=settings.CAREPATH_REFERRAL_CHECK_DAYS)


def is_open(referral: Referral) -> bool:
    return referral.status in OPEN_STATUSES


def is_check_overdue(referral: Referral, now=None) -> bool:
    return is_open(referral) and referral.check_due_at <= (now or timezone.now())


def next_statuses(referral: Referral) -> tuple[str, ...]:
    return TRANSITIONS.get(referral.status, ())


# --- permission -----------------------------------------------------------------------

def _require_patient_change(ctx, patient, object_type: str) -> None:
    guards.require_change(ctx, patient, object_type)


def require_referral_rights(ctx, organisation, patient) -> None:
    user = ctx.user
    if user is None or not may_refer(user):
        audit.denied(ctx, patient=patient, object_type="directory.referral",
                     reason="may_not_refer")
        raise PermissionDenied("Your role does not make referrals.")
    if user.organisation_id != organisation.pk:
        audit.denied(ctx, patient=patient, object_type="directory.referral",
                     reason="other_organisation")
        raise PermissionDenied("You can refer only for your own organisation.")
    if patient is not None:
        if patient.organisation_id != organisation.pk:
            raise PermissionDenied("This patient belongs to another organisation.")
        _require_patient_change(ctx, patient, "directory.referral")
    elif not may_work_intake(user):
        audit.denied(ctx, object_type="directory.referral", reason="may_not_work_intake")
        raise PermissionDenied("Only intake staff can refer someone who is not a patient here.")


def may_change_referral(user, referral: Referral) -> bool:
    """For templates: may this user record a status on this referral? (Actions re-check.)"""
    if user is None or not user.is_authenticated or not may_refer(user):
        return False
    if user.organisation_id != referral.organisation_id:
        return False
    if referral.patient_id is not None:
        return bool(patient_change_access(user, referral.patient))
    return may_work_intake(user)


# --- referrals ------------------------------------------------------------------------

def _validate_referral(service, match_reason, affiliation, affiliation_details,
                       no_fee_attested, level_of_care) -> dict:
    errors: dict[str, list[str]] = {}
    if service is None:
        errors["service"] = [SERVICE_MESSAGE]
    elif not service.active:
        errors["service"] = [f"{service.name} is no longer listed as active; choose another "
                             "service."]
    if not match_reason:
        errors["match_reason"] = [MATCH_REASON_MESSAGE]
    if affiliation not in Affiliation.values:
        errors["affiliation"] = [AFFILIATION_MESSAGE]
    elif affiliation != Affiliation.NONE and not affiliation_details:
        errors["affiliation_details"] = [AFFILIATION_DETAILS_MESSAGE]
    if no_fee_attested is not True:
        errors["no_fee_attested"] = [NO_FEE_MESSAGE]
    if level_of_care:
        if level_of_care not in LevelOfCare.values:
            errors["level_of_care"] = ["Choose a level of care from the list."]
        elif service is not None and level_of_care in LEVEL_FIELDS \
                and not service.offers(level_of_care):
            errors["level_of_care"] = [
                f"{service.name} does not offer {LevelOfCare(level_of_care).label.lower()}."]
    return errors


def create_referral(ctx, *, organisation, service, match_reason: str, affiliation: str,
                    no_fee_attested: bool, affiliation_details: str = "", patient=None,
                    level_of_care: str = "") -> Referral:
    """Record a referral with its anti-brokering record; its first status is ``sent``."""
    require_referral_rights(ctx, organisation, patient)
    match_reason = (match_reason or "").strip()
    affiliation = (affiliation or "").strip()
    affiliation_details = (affiliation_details or "").strip()
    level_of_care = (level_of_care or "").strip()
    errors = _validate_referral(service, match_reason, affiliation, affiliation_details,
                                no_fee_attested, level_of_care)
    if errors:
        raise ValidationError(errors)
    if affiliation == Affiliation.NONE:
        affiliation_details = ""  # details describe an affiliation; there is none
    now = timezone.now()
    with transaction.atomic():
        referral = Referral.objects.create(
            organisation=organisation, patient=patient, service=service,
            referred_by=ctx.user, level_of_care=level_of_care, match_reason=match_reason,
            affiliation=affiliation, affiliation_details=affiliation_details,
            no_fee_attested=True, status=ReferralStatus.SENT, sent_at=now,
            status_changed_at=now, check_due_at=check_due_from(now))
        ReferralStatusChange.objects.create(referral=referral, from_status="",
                                            to_status=ReferralStatus.SENT, changed_at=now,
                                            changed_by=ctx.user)
        audit.record(ctx, Action.CREATE, patient=patient, obj=referral, details={
            "service": str(service.uuid), "affiliation": affiliation,
            "no_fee_attested": True, "for": "patient" if patient else "enquiry"})
    return referral


def create_referral_with_key(ctx, *, key: str, endpoint: str = WEB_ENDPOINT,
                             digest: str = "", **fields) -> tuple[Referral, bool]:
    """``create_referral`` once per (user, endpoint, key): a retried form or API call
    returns the first referral and ``False``. Raises ``KeyReused`` when the key came
    with a different request digest."""
    made, earlier = run_once(ctx.user, endpoint, key, digest,
                             lambda: create_referral(ctx, **fields))
    if made is not None:
        return made, True
    return Referral.objects.select_related("service", "patient").get(uuid=earlier), False


def change_referral_status(ctx, referral: Referral, to_status: str, *,
                           note: str = "") -> Referral:
    """Move a referral along the loop and keep the history.

    Recording the current status again with a note is a status check."""
    note = (note or "").strip()
    patient = Patient.objects.get(pk=referral.patient_id) if referral.patient_id else None
    # Checked outside the transaction so that a refusal's audit record is kept.
    require_referral_rights(ctx, referral.organisation, patient)
    with transaction.atomic():
        referral = (Referral.objects.select_for_update().select_related("organisation")
                    .get(pk=referral.pk))
        current = referral.status
        if current in CLOSED_STATUSES:
            raise ValidationError({"status": [
                f"This referral is closed ({referral.get_status_display().lower()} on "
                f"{timezone.localtime(referral.status_changed_at):%d %b %Y}); its status "
                "cannot change. Make a new referral if the person needs one."]})
        if to_status not in ReferralStatus.values:
            raise ValidationError({"status": ["Choose a status from the list."]})
        if to_status == current:
            if not note:
                raise ValidationError({"note": [
                    "To record a status check with no change, say what you found out."]})
        elif to_status not in TRANSITIONS[current]:
            allowed = ", ".join(ReferralStatus(s).label.lower() for s in TRANSITIONS[current])
            raise ValidationError({"status": [
                f"A referral that is {ReferralStatus(current).label.lower()} can next be "
                f"{allowed}, not {ReferralStatus(to_status).label.lower()}."]})
        if len(note) > 500:
            raise ValidationError({"note": ["Keep the note under 500 characters."]})
        now = timezone.now()
        ReferralStatusChange.objects.create(referral=referral, from_status=current,
                                            to_status=to_status, changed_at=now,
                                            changed_by=ctx.user, note=note)
        referral.status = to_status
        referral.status_changed_at = now
        fields = ["status", "status_changed_at"]
        if to_status in OPEN_STATUSES:
            # Still open: the loop must be checked again later, and reminded again.
            referral.check_due_at = check_due_from(now)
            referral.reminder_sent_at = None
            fields += ["check_due_at", "reminder_sent_at"]
        elif note:
            referral.outcome_note = note
            fields.append("outcome_note")
        referral.save(update_fields=fields)
        audit.record(ctx, Action.UPDATE, patient=patient, obj=referral, details={
            "from": current, "to": to_status, "check": to_status == current,
            "for": "patient" if patient else "enquiry"})
    return referral


# --- waitlists ------------------------------------------------------------------------

def add_to_waitlist(ctx, *, service, patient, level_of_care: str) -> WaitlistEntry:
    """Put a patient on a service's waitlist. An open entry for the same service and
    patient is returned as it is: a patient waits once per service."""
    _require_patient_change(ctx, patient, "directory.waitlistentry")
    if level_of_care not in LevelOfCare.values:
        raise ValidationError({"level_of_care": ["Choose the level of care they wait for."]})
    if level_of_care in LEVEL_FIELDS and not service.offers(level_of_care):
        raise ValidationError({"level_of_care": [
            f"{service.name} does not offer {LevelOfCare(level_of_care).label.lower()}."]})
    with transaction.atomic():
        # Lock the patient row so two simultaneous adds cannot both see "no entry".
        Patient.objects.select_for_update().filter(pk=patient.pk).first()
        existing = WaitlistEntry.objects.filter(service=service, patient=patient,
                                                removed_at__isnull=True).first()
        if existing is not None:
            return existing
        entry = WaitlistEntry.objects.create(service=service, patient=patient,
                                             level_of_care=level_of_care,
                                             added_by=ctx.user)
        audit.record(ctx, Action.CREATE, patient=patient, obj=entry, details={
            "service": str(service.uuid), "level_of_care": level_of_care})
    return entry


def remove_from_waitlist(ctx, entry: WaitlistEntry, *, reason: str) -> WaitlistEntry:
    reason = (reason or "").strip()
    _require_patient_change(ctx, entry.patient, "directory.waitlistentry")
    if not reason:
        raise ValidationError({"reason": [
            "Say why this person is leaving the waitlist (for example admitted, placed "
            "elsewhere, no longer wants a place)."]})
    if len(reason) > 300:
        raise ValidationError({"reason": ["Keep the reason under 300 characters."]})
    with transaction.atomic():
        entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if entry.removed_at is not None:
            raise ValidationError({"reason": [
                "This person was already taken off the waitlist on "
                f"{timezone.localtime(entry.removed_at):%d %b %Y}."]})
        entry.removed_at = timezone.now()
        entry.removed_reason = reason
        entry.save(update_fields=["removed_at", "removed_reason"])
        audit.record(ctx, Action.UPDATE, patient=entry.patient, obj=entry,
                     details={"removed": True, "service": str(entry.service.uuid)})
    return entry
