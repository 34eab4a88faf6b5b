"""Every change to assessments and placements: permission, one transaction, audit."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.access import guards
from carepath.accounts.models import AccountType, Role
from carepath.alerts.actions import raise_alert
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients import actions as patient_actions
from carepath.patients.models import CareTeamMember

from . import placement, substances
from .models import DIMENSIONS, Assessment, AssessmentStatus, Placement
from .models.assessment import Route

OBJECT_TYPE = "intake.assessment"
ASSESSOR_ROLES = (Role.CLINICIAN, Role.NURSE, Role.PRESCRIBER, Role.SUPERVISOR)


def _require_change(ctx: audit.Context, patient, object_type: str = OBJECT_TYPE):
    return guards.require_change(ctx, patient, object_type)


def _check_assessor(assessor, patient) -> None:
    ok = (assessor is not None and assessor.account_type == AccountType.STAFF
          and assessor.is_active and assessor.organisation_id == patient.organisation_id
          and assessor.role in ASSESSOR_ROLES)
    if not ok:
        raise ValidationError({"assessor": [
            "Choose an active clinician, nurse, prescriber or supervisor of this organisation "
            "as the assessor."]})


def book_assessment(ctx: audit.Context, patient, *, assessor, booked_for, episode=None,
                    enquiry=None, submission_key=None) -> Assessment:
    """Book a comprehensive assessment with ``assessor`` at ``booked_for``.

    The assessor joins the care team if absent, so they can open the record. With no
    episode given, the patient's open episode (if any) is linked. Does not change the
    enquiry's stage: the pipeline does that when it books. A repeated ``submission_key``
    (a retried web form) returns the first booking.
    """
    _require_change(ctx, patient)
    if submission_key is not None:
        earlier = Assessment.objects.filter(submission_key=submission_key,
                                            patient=patient).first()
        if earlier is not None:
            return earlier
    _check_assessor(assessor, patient)
    errors = {}
    if booked_for is None:
        errors["booked_for"] = ["Choose the date and time the assessment is booked for."]
    elif timezone.is_naive(booked_for):
        booked_for = timezone.make_aware(booked_for)
    if episode is not None and episode.patient_id != patient.pk:
        errors["episode"] = ["That episode of care belongs to another patient."]
    if enquiry is not None and enquiry.patient_id not in (None, patient.pk):
        errors["enquiry"] = ["That enquiry is linked to another patient."]
    if errors:
        raise ValidationError(errors)
    if episode is None:
        episode = patient.episodes.filter(closed_at__isnull=True).first()
    with transaction.atomic():
        if not CareTeamMember.objects.filter(patient=patient, user=assessor).exists():
            role = patient_actions.CARE_TEAM_ROLE_FOR_STAFF_ROLE.get(assessor.role,
                                                                    "key_worker")
            membership = CareTeamMember.objects.create(patient=patient, user=assessor,
                                                       role=role)
            audit.record(ctx, Action.CREATE, patient=patient, obj=membership,
                         details={"member": assessor.username, "role": role,
                                  "why": "assessor"})
        assessment = Assessment.objects.create(
            patient=patient, episode=episode, enquiry=enquiry, assessor=assessor,
            booked_for=booked_for, created_by=ctx.user, status=AssessmentStatus.BOOKED,
            submission_key=submission_key)
        audit.record(ctx, Action.CREATE, patient=patient, obj=assessment,
                     details={"assessor": assessor.username,
                              "enquiry": str(enquiry.uuid) if enquiry else None})
    return assessment


# --- Recording the assessment ---------------------------------------------------------

KETAMINE_FIELDS = ("age_first_use", "years_of_use", "days_per_week", "grams_per_using_day",
                   "route", "binges", "k_holes", "last_use")
SOCIAL_FIELDS = [
    ("housing", "Housing"),
    ("work_or_study", "Work or study"),
    ("family", "Family"),
    ("children", "Children"),
    ("legal", "Legal"),
]
EDITABLE_FIELDS = (*KETAMINE_FIELDS, "other_substances", "social", "dimensions", "red_flags",
                   "summary")
# What completion needs besides the dimension ratings; grams per using day is often not
# known and does not block.
REQUIRED_TO_COMPLETE = {
    "age_first_use": "Enter the age at first use before completing.",
    "years_of_use": "Enter the years of use before completing.",
    "days_per_week": "Enter how many days a week ketamine is used (0 to 7) before "
                     "completing.",
    "route": "Choose the usual route before completing.",
    "binges": "Say whether there are binges (yes or no) before completing.",
    "k_holes": "Say whether there are K-holes (yes or no) before completing.",
    "last_use": "Enter the date of last use before completing.",
}
TEXT_MAX = 2000
GRAMS_MAX = Decimal("100")
YEARS_MAX = Decimal("80")


def age_on(date_of_birth, on) -> int:
    return on.year - date_of_birth.year - ((on.month, on.day)
                                           < (date_of_birth.month, date_of_birth.day))


def _check_ketamine(patient, values: dict, today, errors: dict) -> None:
    age = age_on(patient.date_of_birth, today)
    first = values.get("age_first_use")
    if first is not None and not 1 <= first <= age:
        errors["age_first_use"] = [
            f"Age at first use ({first}) must be between 1 and the patient's current age "
            f"({age})."]
    years = values.get("years_of_use")
    if years is not None:
        if not Decimal(0) <= years <= YEARS_MAX:
            errors["years_of_use"] = ["Years of use must be between 0 and 80."]
        elif first is not None and "age_first_use" not in errors and years > age - first + 1:
            errors["years_of_use"] = [
                f"Years of use ({years}) cannot be more than the years since first use at "
                f"age {first} ({age - first} years)."]
    days = values.get("days_per_week")
    if days is not None and not 0 <= days <= 7:
        errors["days_per_week"] = [f"Days per week ({days}) must be a whole number from 0 "
                                   "to 7."]
    grams = values.get("grams_per_using_day")
    if grams is not None and not Decimal(0) <= grams <= GRAMS_MAX:
        errors["grams_per_using_day"] = [
            f"Typical grams per using day ({grams}) must be between 0 and {GRAMS_MAX}."]
    route = values.get("route")
    if route and route not in Route.values:
        errors["route"] = ["Choose a route from the list (snorted, swallowed, injected, "
                           "smoked or vaped, other)."]
    last_use = values.get("last_use")
    if last_use is not None:
        if last_use > today:
            errors["last_use"] = [f"Last use ({last_use:%d %b %Y}) cannot be in the future."]
        elif last_use < patient.date_of_birth:
            errors["last_use"] = ["Last use cannot be before the patient's date of birth."]


def _check_dimensions(dimensions, errors: dict) -> dict:
    cleaned = {}
    if not isinstance(dimensions, dict):
        errors["dimensions"] = ["Dimensions must map a dimension number to a rating and "
                                "notes."]
        return cleaned
    names = dict(DIMENSIONS)
    for key, value in dimensions.items():
        key = str(key)
        if key not in names:
            errors[f"dimensions.{key}"] = ["There are six dimensions, numbered 1 to 6."]
            continue
        value = value if isinstance(value, dict) else {}
        rating, notes = value.get("rating"), (value.get("notes") or "").strip()
        if rating in ("", None):
            rating = None
        elif isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= 4:
            errors[f"dimension_{key}_rating"] = [
                f"Dimension {key} ({names[key]}): the rating must be a whole number from 0 "
                "to 4."]
            continue
        if len(notes) > TEXT_MAX:
            errors[f"dimension_{key}_notes"] = [
                f"Dimension {key} notes: keep them under {TEXT_MAX} characters."]
            continue
        if rating is not None or notes:
            cleaned[key] = {"rating": rating, "notes": notes}
    return cleaned


def _check_social(social, errors: dict) -> dict:
    if not isinstance(social, dict):
        errors["social"] = ["The social situation must map a topic to text."]
        return {}
    labels = dict(SOCIAL_FIELDS)
    cleaned = {}
    for key, value in social.items():
        if key not in labels:
            errors[f"social.{key}"] = ["Social situation covers housing, work or study, "
                                       "family, children and legal."]
            continue
        text = (value or "").strip() if isinstance(value, str) else ""
        if len(text) > TEXT_MAX:
            errors[f"social_{key}"] = [f"{labels[key]}: keep it under {TEXT_MAX} characters."]
        elif text:
            cleaned[key] = text
    return cleaned


def _check_red_flags(red_flags, errors: dict) -> list:
    known = [key for key, _ in placement.RED_FLAGS]
    red_flags = list(red_flags or [])
    unknown = [f for f in red_flags if f not in known]
    if unknown:
        errors["red_flags"] = ["Unknown red flag: " + ", ".join(map(str, unknown)) + "."]
    return [f for f in known if f in red_flags]


def clean_assessment_data(patient, data: dict, today=None) -> dict:
    """Check the given fields (only those present). Returns model values; raises
    ValidationError with a clear sentence per field, naming it."""
    today = today or timezone.localdate()
    unknown = set(data) - set(EDITABLE_FIELDS)
    errors: dict[str, list[str]] = {k: ["This is not a field of the assessment."]
                                    for k in sorted(unknown)}
    values = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    for key in ("years_of_use", "grams_per_using_day"):
        if values.get(key) is not None and not isinstance(values[key], Decimal):
            try:
                values[key] = Decimal(str(values[key]))
            except ArithmeticError:
                errors[key] = ["Enter a number."]
                values[key] = None
    if values.get("route") is None and "route" in values:
        values["route"] = ""
    _check_ketamine(patient, values, today, errors)
    if "other_substances" in values:
        try:
            values["other_substances"] = substances.clean(values["other_substances"])
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "dimensions" in values:
        values["dimensions"] = _check_dimensions(values["dimensions"], errors)
    if "social" in values:
        values["social"] = _check_social(values["social"], errors)
    if "red_flags" in values:
        values["red_flags"] = _check_red_flags(values["red_flags"], errors)
    if "summary" in values:
        values["summary"] = (values["summary"] or "").strip()
        if len(values["summary"]) > 5000:
            errors["summary"] = ["Keep the summary under 5000 characters."]
    if errors:
        raise ValidationError(errors)
    return values


def completion_errors(assessment: Assessment) -> dict[str, list[str]]:
    """What is missing before an assessment can be completed (empty when ready)."""
    errors = {field: [message] for field, message in REQUIRED_TO_COMPLETE.items()
              if getattr(assessment, field) in (None, "")}
    names = dict(DIMENSIONS)
    for key in placement.RISK_DIMENSIONS:
        if (assessment.dimensions.get(key) or {}).get("rating") is None:
            errors[f"dimension_{key}_rating"] = [
                f"Rate dimension {key} ({names[key]}) from 0 to 4 before completing."]
    return errors


def _locked(assessment: Assessment) -> Assessment:
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.status == AssessmentStatus.COMPLETED:
        raise ValidationError({"status": [
            f"This assessment was completed on {timezone.localtime(current.completed_at):%d %b %Y} "
            "and can no longer be changed. Book a new assessment to record a change."]})
    if current.status == AssessmentStatus.CANCELLED:
        raise ValidationError({"status": ["This assessment was cancelled and cannot be "
                                          "changed."]})
    return current


def update_assessment(ctx: audit.Context, assessment: Assessment, data: dict) -> Assessment:
    """Save what was entered (a draft): values are checked, nothing is required yet."""
    _require_change(ctx, assessment.patient)
    values = clean_assessment_data(assessment.patient, data)
    with transaction.atomic():
        current = _locked(assessment)
        flags_before = list(current.red_flags or [])
        changed = _apply(current, values)
        _alert_new_red_flags(ctx, current, flags_before)
        if current.status == AssessmentStatus.BOOKED:
            current.status = AssessmentStatus.IN_PROGRESS
            changed.append("status")
        if changed:
            current.updated_at = timezone.now()
            current.save(update_fields=[*changed, "updated_at"])
            # Field names only: the values are health data.
            audit.record(ctx, Action.UPDATE, patient=current.patient, obj=current,
                         details={"fields": sorted(changed)})
    _copy(current, assessment)
    return assessment


def _alert_new_red_flags(ctx, assessment: Assessment, flags_before: list) -> None:
    """Risk always reaches a human (DESIGN rule 10): a red flag recorded at assessment
    raises an alert to the whole care team, in the same transaction, once per flag."""
    for flag in assessment.red_flags or []:
        if flag in flags_before:
            continue
        raise_alert(ctx, assessment.patient, flag=f"assessment-{flag}".replace("_", "-"),
                    summary=f"Red flag recorded at assessment: {placement.RED_FLAG_LABELS[flag]}",
                    source_type="intake.assessment", source_uuid=assessment.uuid)


def _apply(current: Assessment, values: dict) -> list[str]:
    changed = []
    for key, value in values.items():
        if getattr(current, key) != value:
            setattr(current, key, value)
            changed.append(key)
    return changed


def _copy(source: Assessment, target: Assessment) -> None:
    if source is not target:
        for f in source._meta.concrete_fields:
            setattr(target, f.attname, getattr(source, f.attname))


def _require_clinical_role(ctx, patient, what: str) -> None:
    if getattr(ctx.user, "role", "") not in ASSESSOR_ROLES:
        audit.denied(ctx, patient=patient, object_type=OBJECT_TYPE,
                     reason="role_may_not_" + what)
        raise PermissionDenied("Completing an assessment and deciding a placement are for a "
                               "clinician, nurse, prescriber or supervisor.")


def complete_assessment(ctx: audit.Context, assessment: Assessment,
                        data: dict | None = None) -> Assessment:
    """Save ``data`` (if any) and complete. Needs the ketamine history and ratings for
    dimensions 1-5; missing instruments do not block (they become cautions). A completed
    assessment is never changed again."""
    _require_change(ctx, assessment.patient)
    _require_clinical_role(ctx, assessment.patient, "complete_assessment")
    values = clean_assessment_data(assessment.patient, data or {})
    with transaction.atomic():
        current = _locked(assessment)
        flags_before = list(current.red_flags or [])
        changed = _apply(current, values)
        errors = completion_errors(current)
        if errors:
            raise ValidationError(errors)
        _alert_new_red_flags(ctx, current, flags_before)
        now = timezone.now()
        current.status = AssessmentStatus.COMPLETED
        current.completed_at = current.updated_at = now
        current.save(update_fields=[*changed, "status", "completed_at", "updated_at"])
        audit.record(ctx, Action.UPDATE, patient=current.patient, obj=current,
                     details={"fields": sorted(changed), "completed": True})
    _copy(current, assessment)
    return assessment


# --- Placement -------------------------------------------------------------------------

OVERRIDE_MIN = 10


def _check_choice(recommendation, chosen_level: str, override_reason: str, service,
                  organisation_id) -> None:
    errors = {}
    names = placement.LEVEL_NAMES
    if chosen_level not in names:
        errors["chosen_level"] = ["Choose one of the five levels of care: "
                                  + ", ".join(n.lower() for n in names.values()) + "."]
    elif chosen_level != recommendation.level and len(override_reason) < OVERRIDE_MIN:
        errors["override_reason"] = [
            f"You chose {names[chosen_level].lower()} instead of the recommended "
            f"{recommendation.level_name.lower()}: say why, in at least {OVERRIDE_MIN} "
            "characters."]
    if service is not None:
        if service.operated_by_id != organisation_id:
            # Its staff would never see the patient on its waiting list.
            errors["service"] = [f"{service.name} is not one of this organisation's services; "
                                 "choose one of ours, or none, and refer the patient there "
                                 "instead."]
        elif not service.active:
            errors["service"] = [f"{service.name} is no longer listed; choose another "
                                 "service or none."]
        elif chosen_level in names and not service.offers(chosen_level):
            errors["service"] = [f"{service.name} does not offer "
                                 f"{names[chosen_level].lower()}; choose a service that does, "
                                 "or none."]
    if errors:
        raise ValidationError(errors)


def _move_episode(ctx, assessment: Assessment, chosen_level: str, why: str):
    patient = assessment.patient
    episode = assessment.episode if assessment.episode_id and assessment.episode.is_open \
        else patient.episodes.filter(closed_at__isnull=True).first()
    if episode is None:
        return patient_actions.open_episode(ctx, patient, reason=why, level_of_care=chosen_level)
    return patient_actions.change_level_of_care(ctx, episode, level_of_care=chosen_level,
                                                reason=why)


def _waitlist(ctx, service, patient, chosen_level: str, cautions: list[str]):
    """A waitlist entry when the service has no places; a caution when nobody knows."""
    from carepath.directory.actions_referrals import add_to_waitlist
    from carepath.directory.search import has_capacity

    capacity = has_capacity(service)
    if capacity is False:
        cautions.append(f"{service.name} has no places now: the patient was added to its "
                        "waiting list.")
        return add_to_waitlist(ctx, service=service, patient=patient,
                               level_of_care=chosen_level)
    if capacity is None:
        cautions.append(f"Capacity at {service.name} is not known: confirm a place with the "
                        "service.")
    return None


def _admit_enquiry(ctx, enquiry, chosen_level: str, cautions: list[str]) -> None:
    """Close the enquiry as admitted (the pipeline's action), or say why it was not."""
    from carepath.access.policy import may_work_intake

    from .actions_enquiries import allowed_next_stages, change_stage
    from .models import Stage

    if enquiry.stage == Stage.ADMITTED:
        return
    stage = enquiry.get_stage_display().lower()
    if not may_work_intake(ctx.user):
        cautions.append(f"The enquiry is still {stage}: ask an intake advisor to move it to "
                        "admitted.")
        return
    if Stage.ADMITTED not in allowed_next_stages(enquiry.stage):
        cautions.append(f"The enquiry is {stage}, so it was not moved to admitted; reopen it "
                        "in the pipeline if this person is being admitted.")
        return
    change_stage(ctx, enquiry, Stage.ADMITTED,
                 note=f"Placed at {placement.LEVEL_NAMES[chosen_level].lower()} after "
                      "assessment")


def decide_placement(ctx: audit.Context, assessment: Assessment, *, chosen_level: str,
                     override_reason: str = "", service=None,
                     submission_key=None) -> Placement:
    """Record the clinician's level of care against the rules' recommendation.

    A level other than the recommendation needs a reason. The episode of care moves to
    the chosen level (an episode is opened if there is none); a chosen service without
    places puts the patient on its waiting list; the assessment's enquiry moves to
    admitted. Placements are only added: the newest is current, all stay in the history.
    """
    patient = assessment.patient
    _require_change(ctx, patient, "intake.placement")
    _require_clinical_role(ctx, patient, "decide_placement")
    if submission_key is not None:
        earlier = Placement.objects.filter(submission_key=submission_key,
                                           patient=patient).first()
        if earlier is not None:
            return earlier  # a retried form: the first decision stands
    if assessment.status != AssessmentStatus.COMPLETED:
        raise ValidationError({"assessment": ["Complete the assessment before deciding a "
                                              "placement."]})
    from .queries_assessment import recommendation_for

    recommendation, results, _ = recommendation_for(assessment)
    override_reason = (override_reason or "").strip()
    _check_choice(recommendation, chosen_level, override_reason, service,
                  patient.organisation_id)
    overridden = chosen_level != recommendation.level
    if not overridden:
        override_reason = ""
    name = placement.LEVEL_NAMES[chosen_level]
    why = (f"Placement after assessment: {name.lower()}"
           + (f" (recommended {recommendation.level_name.lower()}; {override_reason})"
              if overridden else " (as recommended)"))[:300]
    cautions = list(recommendation.cautions)
    with transaction.atomic():
        _move_episode(ctx, assessment, chosen_level, why)
        entry = _waitlist(ctx, service, patient, chosen_level, cautions) if service else None
        if assessment.enquiry_id:
            _admit_enquiry(ctx, assessment.enquiry, chosen_level, cautions)
        decision = Placement.objects.create(
            assessment=assessment, patient=patient, rules_version=recommendation.version,
            recommended_level=recommendation.level,
            fired_rules=[f.as_dict() for f in recommendation.fired], cautions=cautions,
            inputs={"instruments": results, "explanation": recommendation.explanation},
            chosen_level=chosen_level, override_reason=override_reason, service=service,
            waitlist_entry=entry, decided_by=ctx.user, submission_key=submission_key)
        audit.record(ctx, Action.CREATE, patient=patient, obj=decision, details={
            "assessment": str(assessment.uuid), "rules_version": recommendation.version,
            "recommended": recommendation.level, "chosen": chosen_level,
            "overridden": overridden, "rules": [f.rule for f in recommendation.fired],
            "service": str(service.uuid) if service else None,
            "waitlisted": entry is not None})
    return decision
