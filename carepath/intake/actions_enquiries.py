"""Every change to an enquiry: logging it, moving it through the stages, planning the
next action, converting it to a patient and referring it elsewhere.

Enquiries are special-category data about people who are not patients yet, so each
action checks ``access.policy.may_work_intake``, keeps to the user's organisation,
runs in one transaction and writes an audit record (object type ``intake.enquiry``).
The one caller without an account is the public callback form (source ``callback``).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carepath.access.policy import may_work_intake
from carepath.accounts.models import AccountType, Organisation
from carepath.audit import log as audit
from carepath.audit.models import Action, Outcome

from .models.enquiries import (
    Enquiry,
    EnquirySource,
    EnquiryStageChange,
    Stage,
)

OBJECT_TYPE = "intake.enquiry"

NO_CONTACT = "We need a phone number or an email address to get back to them."
NO_CONSENT = ("We can only call back if you agree that CarePath may store your contact "
              "details for that.")

# Fields a caller may set when logging an enquiry (everything typed about the person,
# the caller and the plan; never the stage, organisation or links).
INPUT_FIELDS = (
    "given_name", "family_name", "date_of_birth", "phone", "email", "preferred_contact",
    "best_time", "postcode", "caller_name", "caller_relationship", "caller_phone",
    "caller_email", "referrer_organisation", "summary", "selfcheck_summary", "risk_flagged",
    "assigned_to", "next_action", "next_action_due",
)

# Where an enquiry may go from each stage. Forward along the pipeline, out to a
# closing stage from any open one, and the back-steps an advisor needs when plans
# change (an assessment cancelled, someone in nurture ready again, a closed enquiry
# reopened because the person called back). Admitted is final.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.NEW: (Stage.CONTACTED, Stage.SCREENED, Stage.ASSESSMENT_BOOKED,
                Stage.REFERRED_ELSEWHERE, Stage.NOT_PROCEEDING, Stage.NURTURE),
    Stage.CONTACTED: (Stage.SCREENED, Stage.ASSESSMENT_BOOKED, Stage.ADMITTED,
                      Stage.REFERRED_ELSEWHERE, Stage.NOT_PROCEEDING, Stage.NURTURE),
    Stage.SCREENED: (Stage.CONTACTED, Stage.ASSESSMENT_BOOKED, Stage.ADMITTED,
                     Stage.REFERRED_ELSEWHERE, Stage.NOT_PROCEEDING, Stage.NURTURE),
    Stage.ASSESSMENT_BOOKED: (Stage.SCREENED, Stage.ADMITTED, Stage.REFERRED_ELSEWHERE,
                              Stage.NOT_PROCEEDING, Stage.NURTURE),
    Stage.NURTURE: (Stage.CONTACTED, Stage.SCREENED, Stage.ASSESSMENT_BOOKED,
                    Stage.ADMITTED, Stage.REFERRED_ELSEWHERE, Stage.NOT_PROCEEDING),
    Stage.REFERRED_ELSEWHERE: (Stage.CONTACTED, Stage.NURTURE),
    Stage.NOT_PROCEEDING: (Stage.CONTACTED, Stage.NURTURE),
    Stage.ADMITTED: (),
}

# Closing without admission needs a reason: it is how a missed opportunity is found later.
NEEDS_OUTCOME_REASON = frozenset({Stage.REFERRED_ELSEWHERE, Stage.NOT_PROCEEDING})


def front_door_organisation() -> Organisation:
    """The organisation public callbacks go to: CAREPATH_FRONT_DOOR_ORGANISATION by name
    (refused if no organisation has that name), else the oldest organisation."""
    name = getattr(settings, "CAREPATH_FRONT_DOOR_ORGANISATION", "")
    if name:
        org = Organisation.objects.filter(name=name).order_by("created_at", "pk").first()
        if org is None:
            # A mistyped name must not send people's details to some other organisation.
            raise Organisation.DoesNotExist(
                f"CAREPATH_FRONT_DOOR_ORGANISATION names no organisation: {name!r}.")
        return org
    org = Organisation.objects.order_by("created_at", "pk").first()
    if org is None:
        raise Organisation.DoesNotExist("No organisation exists to receive enquiries.")
    return org


def allowed_next_stages(stage: str) -> tuple[str, ...]:
    return TRANSITIONS.get(stage, ())


def require_intake(ctx, organisation_id=None, enquiry=None):
    user = ctx.user
    same_org = (user is not None and getattr(user, "organisation_id", None) is not None
                and (organisation_id is None or user.organisation_id == organisation_id))
    if user is None or not may_work_intake(user) or not same_org:
        audit.record(ctx, Action.READ, obj=enquiry, object_type=OBJECT_TYPE,
                     patient=getattr(enquiry, "patient", None),
                     outcome=Outcome.DENIED, details={"reason": "may_not_work_intake"})
        raise PermissionDenied("Your role may not work intake enquiries.")


def _staff_of(organisation_id, user_or_none, field: str):
    """An assignee must be an active intake-capable colleague of the organisation."""
    if user_or_none in (None, ""):
        return None
    User = get_user_model()
    if not isinstance(user_or_none, User):
        user_or_none = User.objects.filter(pk=user_or_none).first() if str(
            user_or_none).isdigit() else User.objects.filter(uuid=user_or_none).first()
    ok = (user_or_none is not None and user_or_none.is_active
          and user_or_none.account_type == AccountType.STAFF
          and user_or_none.organisation_id == organisation_id and may_work_intake(user_or_none))
    if not ok:
        raise ValidationError({field: ["Choose an intake advisor, clinician or supervisor "
                                       "of this organisation."]})
    return user_or_none


def _clean_input(data: dict) -> dict:
    cleaned = {}
    for key in INPUT_FIELDS:
        if key not in data:
            continue
        value = data[key]
        if isinstance(value, str):
            value = value.strip()
        if value is None and key not in ("date_of_birth", "next_action_due", "assigned_to"):
            value = {} if key == "selfcheck_summary" else ""
        cleaned[key] = value
    if "risk_flagged" in cleaned:
        cleaned["risk_flagged"] = bool(cleaned["risk_flagged"])
    return cleaned


def _contact_errors(enquiry: Enquiry, contact_consent: bool) -> dict:
    errors: dict[str, list[str]] = {}
    if not enquiry.given_name:
        errors["given_name"] = ["Enter the given name of the person who needs help."]
    reachable = any((enquiry.phone, enquiry.email, enquiry.caller_phone, enquiry.caller_email))
    if not reachable:
        errors["phone"] = [NO_CONTACT]
    if enquiry.source == EnquirySource.CALLBACK and not contact_consent:
        errors["contact_consent"] = [NO_CONSENT]
    if enquiry.source == EnquirySource.FAMILY and not enquiry.caller_name:
        errors["caller_name"] = ["Enter the name of the family member or friend who called."]
    if enquiry.source == EnquirySource.PROFESSIONAL and not enquiry.referrer_organisation:
        errors["referrer_organisation"] = ["Enter the organisation that made the referral."]
    return errors


def create_enquiry(ctx, organisation, data: dict, *, source: str,
                   submission_key=None) -> Enquiry:
    """Log an enquiry. Staff log calls and referrals for their own organisation; the
    public callback form (no account) may only create source ``callback``.

    A repeated ``submission_key`` returns the enquiry the first submission made."""
    if source not in EnquirySource.values:
        raise ValidationError({"source": ["Choose where the enquiry came from."]})
    public = ctx.user is None
    if public:
        if source != EnquirySource.CALLBACK:
            raise PermissionDenied("Only a callback request can be made without signing in.")
    else:
        require_intake(ctx, organisation.pk)
    if submission_key:
        earlier = Enquiry.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return _replayed(ctx, earlier, organisation)

    contact_consent = bool(data.get("contact_consent"))
    fields = _clean_input(data)
    if public:
        # A member of the public cannot assign work or plan the next action.
        for key in ("assigned_to", "next_action", "next_action_due"):
            fields.pop(key, None)
    assignee = fields.pop("assigned_to", None)
    now = timezone.now()
    enquiry = Enquiry(organisation=organisation, source=source, stage=Stage.NEW,
                      stage_changed_at=now, created_at=now, created_by=ctx.user,
                      submission_key=submission_key or None,
                      contact_consent_at=now if contact_consent else None, **fields)
    errors = {}
    try:
        enquiry.full_clean(exclude=["organisation", "created_by", "assigned_to", "patient",
                                    "referral", "submission_key", "selfcheck_summary"])
    except ValidationError as exc:
        errors = exc.message_dict
    for field, messages in _contact_errors(enquiry, contact_consent).items():
        errors.setdefault(field, [])
        errors[field] = [m for m in errors[field] if "cannot be blank" not in m] + messages
    try:
        enquiry.assigned_to = _staff_of(organisation.pk, assignee, "assigned_to")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            enquiry.save()
            EnquiryStageChange.objects.create(enquiry=enquiry, from_stage="", to_stage=Stage.NEW,
                                              changed_at=now, changed_by=ctx.user,
                                              note="Enquiry logged")
            audit.record(ctx, Action.CREATE, obj=enquiry, object_type=OBJECT_TYPE,
                         details={"source": source, "risk_flagged": enquiry.risk_flagged,
                                  "contact_consent": contact_consent})
            if enquiry.risk_flagged and source == EnquirySource.CALLBACK:
                # Enqueued in this transaction (database task backend, as alerts do): the
                # message commits with the enquiry or not at all, and waits for a worker.
                _queue_urgent_callback(str(enquiry.uuid))
    except IntegrityError:
        if not submission_key:
            raise
        # Two submissions with one key raced: the other one won.
        earlier = Enquiry.objects.get(submission_key=submission_key)
        return _replayed(ctx, earlier, organisation)
    return enquiry


def _replayed(ctx, earlier: Enquiry, organisation) -> Enquiry:
    if earlier.organisation_id != organisation.pk:
        raise ValidationError({"submission_key": ["This form was already used; start again."]})
    audit.record(ctx, Action.READ, obj=earlier, object_type=OBJECT_TYPE,
                 patient=earlier.patient, details={"idempotent_replay": True})
    return earlier


def _queue_urgent_callback(enquiry_uuid: str) -> None:
    from datetime import timedelta

    from .tasks import escalate_urgent_callback, notify_urgent_callback

    notify_urgent_callback.enqueue(enquiry_uuid)
    # Still new (nobody recorded contact) after the alert escalation time: tell supervisors.
    escalate_at = timezone.now() + timedelta(minutes=settings.CAREPATH_ALERT_ESCALATION_MINUTES)
    escalate_urgent_callback.using(run_after=escalate_at).enqueue(enquiry_uuid)


def change_stage(ctx, enquiry: Enquiry, to_stage: str, *, note: str = "",
                 outcome_reason: str = "") -> Enquiry:
    """Move an enquiry to another stage, timestamped with who and why."""
    require_intake(ctx, enquiry.organisation_id, enquiry)
    note = (note or "").strip()
    outcome_reason = (outcome_reason or "").strip()
    with transaction.atomic():
        current = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if to_stage not in Stage.values:
            raise ValidationError({"stage": ["Choose a stage."]})
        if to_stage == current.stage:
            return current  # already there (a retried form, or placement after a manual move)
        if to_stage not in TRANSITIONS[current.stage]:
            allowed = ", ".join(Stage(s).label.lower() for s in TRANSITIONS[current.stage])
            raise ValidationError({"stage": [
                f"An enquiry cannot move from {Stage(current.stage).label.lower()} to "
                f"{Stage(to_stage).label.lower()}"
                + (f"; it can move to {allowed}." if allowed else "; it is closed.")]})
        if to_stage in NEEDS_OUTCOME_REASON and not outcome_reason:
            raise ValidationError({"outcome_reason": [
                f"Give the outcome reason when an enquiry is "
                f"{Stage(to_stage).label.lower()}."]})
        errors = {}
        if len(outcome_reason) > 300:
            errors["outcome_reason"] = ["Keep the outcome reason under 300 characters."]
        if len(note) > 500:
            errors["note"] = ["Keep the note under 500 characters."]
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        from_stage = current.stage
        current.stage = to_stage
        current.stage_changed_at = now
        # The current outcome only; a reopened enquiry's old reason stays in the history.
        current.outcome_reason = outcome_reason
        current.save(update_fields=["stage", "stage_changed_at", "outcome_reason"])
        EnquiryStageChange.objects.create(enquiry=current, from_stage=from_stage,
                                          to_stage=to_stage, changed_at=now,
                                          changed_by=ctx.user, note=note,
                                          outcome_reason=outcome_reason)
        audit.record(ctx, Action.UPDATE, obj=current, object_type=OBJECT_TYPE,
                     patient=current.patient,
                     details={"fields": ["stage"], "from_stage": from_stage,
                              "to_stage": to_stage})
    _refresh(enquiry, current)
    return current


def _refresh(stale: Enquiry, fresh: Enquiry) -> None:
    """Callers often keep using the object they passed in: bring it up to date."""
    if stale is fresh:
        return
    for field in ("stage", "stage_changed_at", "outcome_reason", "next_action",
                  "next_action_due", "assigned_to_id", "patient_id", "referral_id"):
        setattr(stale, field, getattr(fresh, field))
    # Drop cached related objects that may now point elsewhere.
    for name in ("assigned_to", "patient", "referral"):
        stale._state.fields_cache.pop(name, None)


_UNSET = object()


def update_next_action(ctx, enquiry: Enquiry, *, next_action: str = "",
                       next_action_due: date | None = None, assigned_to=_UNSET) -> Enquiry:
    """Plan what happens next, by when, and who does it."""
    require_intake(ctx, enquiry.organisation_id, enquiry)
    next_action = (next_action or "").strip()
    errors: dict[str, list[str]] = {}
    if len(next_action) > 200:
        errors["next_action"] = ["Keep the next action under 200 characters."]
    if next_action_due and not next_action:
        errors["next_action"] = ["Say what the next action is, as well as when it is due."]
    assignee = None
    if assigned_to is not _UNSET:
        try:
            assignee = _staff_of(enquiry.organisation_id, assigned_to, "assigned_to")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        changed = []
        if current.next_action != next_action:
            current.next_action = next_action
            changed.append("next_action")
        if current.next_action_due != next_action_due:
            current.next_action_due = next_action_due
            changed.append("next_action_due")
        if assigned_to is not _UNSET and current.assigned_to_id != getattr(assignee, "pk", None):
            current.assigned_to = assignee
            changed.append("assigned_to")
        if changed:
            current.save(update_fields=changed)
            # Field names only: the values may describe the person.
            audit.record(ctx, Action.UPDATE, obj=current, object_type=OBJECT_TYPE,
                         patient=current.patient, details={"fields": changed})
    _refresh(enquiry, current)
    return current


def record_read(ctx, enquiry: Enquiry, **details) -> None:
    """Audit that someone looked at an enquiry (the detail page, the API, a form)."""
    require_intake(ctx, enquiry.organisation_id, enquiry)
    audit.record(ctx, Action.READ, obj=enquiry, object_type=OBJECT_TYPE,
                 patient=enquiry.patient, details=details or None)


# --- conversion and referral -------------------------------------------------------------

# What the patient record needs that an enquiry may not hold.
CONVERT_EXTRA_FIELDS = ("date_of_birth", "sex_at_birth", "legal_family_name",
                        "legal_given_name", "preferred_name")


def patient_data_from(enquiry: Enquiry, extra: dict | None = None) -> dict:
    """The new patient's fields, taken from the enquiry so nothing is typed twice;
    ``extra`` fills what the enquiry lacks (birth date, sex at birth) or corrects names."""
    extra = {k: v for k, v in (extra or {}).items() if v not in (None, "")}
    data = {
        "legal_given_name": enquiry.given_name,
        "legal_family_name": enquiry.family_name,
        "date_of_birth": enquiry.date_of_birth,
        "phone": enquiry.phone,
        "email": enquiry.email,
        "postcode": enquiry.postcode,
    }
    if enquiry.caller_name and enquiry.caller_phone:
        # The person who called on their behalf is who we know to reach in an emergency,
        # until the patient says otherwise.
        data.update(emergency_contact_name=enquiry.caller_name,
                    emergency_contact_relationship=enquiry.caller_relationship,
                    emergency_contact_phone=enquiry.caller_phone)
    for key in CONVERT_EXTRA_FIELDS:
        if key in extra:
            data[key] = extra[key]
    return data


def convert_to_patient(ctx, enquiry: Enquiry, extra: dict, *, confirm_duplicate=False):
    """Create the patient from the enquiry, open an episode at assessment and put the
    advisor on the care team. Raises patients.actions.PossibleDuplicate (nothing is
    created) when someone with the same name and birth date exists, unless confirmed.
    Converting again returns the patient made the first time."""
    from carepath.patients import actions as patient_actions

    require_intake(ctx, enquiry.organisation_id, enquiry)
    duplicate = None
    with transaction.atomic():
        try:
            patient = _convert(ctx, enquiry, extra, confirm_duplicate)
        except patient_actions.PossibleDuplicate as found:
            # Raised after this block, so the check's audit event (it showed the
            # matches' MRNs) commits even though nothing else was created.
            duplicate = found
    if duplicate is not None:
        raise duplicate
    enquiry.patient = patient
    return patient


def _convert(ctx, enquiry: Enquiry, extra: dict, confirm_duplicate: bool):
    from carepath.patients import actions as patient_actions
    from carepath.patients.models import CareTeamRole, LevelOfCare

    current = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
    if current.patient_id is not None:
        _refresh(enquiry, current)
        return current.patient
    errors = {}
    data = patient_data_from(current, extra)
    if not data.get("legal_family_name"):
        errors["legal_family_name"] = ["Enter the person's family name; the patient "
                                       "record needs it."]
    if not data.get("date_of_birth"):
        errors["date_of_birth"] = ["Enter the person's date of birth; the patient "
                                   "record needs it."]
    if errors:
        raise ValidationError(errors)
    patient = patient_actions.create_patient(ctx, data, confirm_duplicate=confirm_duplicate)
    episode = patient_actions.open_episode(
        ctx, patient, reason=f"Enquiry ({current.get_source_display().lower()})",
        level_of_care=LevelOfCare.ASSESSMENT)
    # create_patient put the converting user on the team; the assigned advisor carries
    # the enquiry on, so they join too.
    assignee = current.assigned_to
    if assignee is not None and not patient.care_team.filter(user=assignee).exists():
        role = patient_actions.CARE_TEAM_ROLE_FOR_STAFF_ROLE.get(assignee.role,
                                                                 CareTeamRole.INTAKE)
        patient_actions.add_care_team_member(ctx, patient, assignee, role)
    current.patient = patient
    current.save(update_fields=["patient"])
    audit.record(ctx, Action.UPDATE, obj=current, object_type=OBJECT_TYPE, patient=patient,
                 details={"fields": ["patient"], "converted": True,
                          "episode": str(episode.uuid),
                          "duplicate_confirmed": confirm_duplicate})
    _refresh(enquiry, current)
    return patient


def refer_elsewhere(ctx, enquiry: Enquiry, form_data: dict, *, note: str = ""):
    """Record a transparent referral to another service and close the enquiry as
    referred elsewhere, with the match reason as its outcome."""
    from carepath.directory.actions_referrals import create_referral

    require_intake(ctx, enquiry.organisation_id, enquiry)
    if enquiry.referral_id is not None:
        return enquiry.referral  # a retried form: the first referral stands
    if Stage.REFERRED_ELSEWHERE not in TRANSITIONS[enquiry.stage]:
        raise ValidationError({"service": [
            f"An enquiry that is {enquiry.get_stage_display().lower()} cannot be referred "
            "elsewhere."]})
    service = form_data.get("service")
    with transaction.atomic():
        referral = create_referral(
            ctx, organisation=enquiry.organisation, service=service,
            match_reason=form_data.get("match_reason", ""),
            affiliation=form_data.get("affiliation", ""),
            no_fee_attested=bool(form_data.get("no_fee_attested")),
            affiliation_details=form_data.get("affiliation_details", "") or "",
            patient=enquiry.patient, level_of_care=form_data.get("level_of_care", "") or "")
        current = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        current.referral = referral
        current.save(update_fields=["referral"])
        reason = f"Referred to {getattr(service, 'name', 'another service')}"[:300]
        current = change_stage(ctx, current, Stage.REFERRED_ELSEWHERE, note=note,
                               outcome_reason=reason)
    _refresh(enquiry, current)
    return referral


def book_assessment(ctx, enquiry: Enquiry, *, assessor, booked_for, extra: dict | None = None,
                    confirm_duplicate: bool = False, submission_key=None):
    """Book a comprehensive assessment for the person behind an enquiry: convert them to a
    patient first if needed, book with the clinician, and move the enquiry to assessment
    booked. All or nothing: a refused booking leaves no half-made patient behind. A
    repeated ``submission_key`` (a re-sent form) returns the first booking."""
    from .actions_assessment import book_assessment as book

    require_intake(ctx, enquiry.organisation_id, enquiry)
    if Stage.ASSESSMENT_BOOKED not in TRANSITIONS[enquiry.stage] \
            and enquiry.stage != Stage.ASSESSMENT_BOOKED:
        raise ValidationError({"booked_for": [
            f"An enquiry that is {enquiry.get_stage_display().lower()} cannot have an "
            "assessment booked; move it back to contacted first."]})
    from carepath.patients.actions import PossibleDuplicate

    duplicate = None
    with transaction.atomic():
        try:
            patient = enquiry.patient if enquiry.patient_id else _convert(
                ctx, enquiry, extra or {}, confirm_duplicate)
        except PossibleDuplicate as found:
            duplicate = found  # raised below, so the check's audit event commits
        else:
            episode = patient.episodes.filter(closed_at__isnull=True).first()
            assessment = book(ctx, patient, assessor=assessor, booked_for=booked_for,
                              episode=episode, enquiry=enquiry, submission_key=submission_key)
            change_stage(ctx, enquiry, Stage.ASSESSMENT_BOOKED,
                         note=f"Assessment booked with {assessor.display_name}")
    if duplicate is not None:
        raise duplicate
    return assessment
