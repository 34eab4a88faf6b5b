"""Every change to the patient record. Each action checks permission, validates,
runs in one transaction and writes its audit record."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from carepath.access import guards
from carepath.access.policy import (
    may_create_patients,
    may_manage_care_team,
)
from carepath.accounts.models import AccountType, Organisation, Role
from carepath.audit import log as audit
from carepath.audit.models import Action

from .identifiers import normalise_nhs_number
from .models import (
    CONSENT_DATA_CATEGORIES,
    CareTeamMember,
    CareTeamRole,
    Consent,
    EpisodeOfCare,
    LevelOfCare,
    LevelOfCareChange,
    Patient,
)
from .queries import possible_duplicates

EDITABLE_FIELDS = (
    "legal_given_name", "legal_family_name", "preferred_name", "pronouns", "date_of_birth",
    "sex_at_birth", "gender_identity", "phone", "email", "address_line1", "address_line2",
    "town", "postcode", "preferred_language", "emergency_contact_name",
    "emergency_contact_relationship", "emergency_contact_phone", "nhs_number", "us_mrn",
    "insurance_id",
)

CARE_TEAM_ROLE_FOR_STAFF_ROLE = {
    Role.CLINICIAN: CareTeamRole.KEY_WORKER,
    Role.NURSE: CareTeamRole.NURSE,
    Role.PRESCRIBER: CareTeamRole.PRESCRIBER,
    Role.INTAKE_ADVISOR: CareTeamRole.INTAKE,
    Role.SUPERVISOR: CareTeamRole.SUPERVISOR,
}


@dataclass
class PossibleDuplicate(Exception):
    """Raised instead of creating when a patient with the same name and birth date exists."""

    matches: list[Patient]


def _require_access(ctx, patient, object_type="patients.patient"):
    return guards.require_change(ctx, patient, object_type)


def _validate_patient(patient: Patient) -> None:
    patient.full_clean(exclude=["organisation", "user", "mrn"])


def _clean_fields(data: dict) -> dict:
    cleaned = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    for key, value in cleaned.items():
        if isinstance(value, str):
            cleaned[key] = value.strip()
    if cleaned.get("nhs_number"):
        cleaned["nhs_number"] = normalise_nhs_number(cleaned["nhs_number"])
    return cleaned


def _next_mrn(organisation: Organisation) -> str:
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    number = org.next_mrn
    org.next_mrn = number + 1
    org.save(update_fields=["next_mrn"])
    return f"{org.mrn_prefix}{number:07d}"


def create_patient(ctx: audit.Context, data: dict, *, confirm_duplicate: bool = False) -> Patient:
    """Register a patient; the creator joins the care team so they can see the record."""
    user = ctx.user
    if not may_create_patients(user):
        raise PermissionDenied("Your role may not register patients.")
    patient = Patient(organisation_id=user.organisation_id, **_clean_fields(data))
    _validate_patient(patient)
    if not confirm_duplicate:
        matches = possible_duplicates(user.organisation_id, patient.legal_given_name,
                                      patient.legal_family_name, patient.date_of_birth)
        if matches:
            # The warning shows the matches' MRNs to someone who may not be on their
            # care teams: that is a disclosure, so it is audited like a list page.
            audit.record_list(ctx, "duplicate_check", [m.uuid for m in matches])
            raise PossibleDuplicate(matches)
    with transaction.atomic():
        patient.mrn = _next_mrn(user.organisation)
        patient.save()
        CareTeamMember.objects.create(
            patient=patient, user=user,
            role=CARE_TEAM_ROLE_FOR_STAFF_ROLE.get(user.role, CareTeamRole.KEY_WORKER))
        audit.record(ctx, Action.CREATE, patient=patient, obj=patient,
                     details={"duplicate_confirmed": confirm_duplicate})
    return patient


def update_patient(ctx: audit.Context, patient: Patient, data: dict) -> Patient:
    _require_access(ctx, patient)
    changes = _clean_fields(data)
    changed = [k for k, v in changes.items() if getattr(patient, k) != v]
    if not changed:
        return patient
    updated = Patient.objects.get(pk=patient.pk)
    for key in changed:
        setattr(updated, key, changes[key])
    _validate_patient(updated)
    with transaction.atomic():
        updated.updated_at = timezone.now()
        updated.save(update_fields=[*changed, "updated_at"])
        # Field names only: the values are health data and stay out of the log.
        audit.record(ctx, Action.UPDATE, patient=updated, obj=updated,
                     details={"fields": sorted(changed)})
    return updated


def add_care_team_member(ctx: audit.Context, patient: Patient, member, role: str) -> CareTeamMember:
    if not may_manage_care_team(ctx.user, patient):
        raise PermissionDenied("Only the care team or its supervisor may change the team.")
    errors = {}
    clinical_colleague = (member.account_type == AccountType.STAFF and member.is_active
                          and member.organisation_id == patient.organisation_id
                          and member.role not in (Role.ADMINISTRATOR, Role.ANALYST))
    if not clinical_colleague:
        errors["user"] = ["Choose an active clinical staff member of this organisation."]
    if role not in CareTeamRole.values:
        errors["role"] = ["Choose a care-team role."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        membership, created = CareTeamMember.objects.get_or_create(
            patient=patient, user=member, defaults={"role": role})
        if created:
            audit.record(ctx, Action.CREATE, patient=patient, obj=membership,
                         details={"member": member.username, "role": role})
    return membership


def remove_care_team_member(ctx: audit.Context, membership: CareTeamMember) -> None:
    patient = membership.patient
    if not may_manage_care_team(ctx.user, patient):
        raise PermissionDenied("Only the care team or its supervisor may change the team.")
    if patient.care_team.count() <= 1:
        raise ValidationError({"user": ["A patient must keep at least one care-team member."]})
    with transaction.atomic():
        audit.record(ctx, Action.DELETE, patient=patient, obj=membership,
                     details={"member": membership.user.username})
        membership.delete()


def _check_level(level: str) -> None:
    if level not in LevelOfCare.values:
        raise ValidationError({"level_of_care": ["Choose a level of care."]})


def open_episode(ctx: audit.Context, patient: Patient, *, reason: str, level_of_care: str,
                 opened_at=None) -> EpisodeOfCare:
    _require_access(ctx, patient, "patients.episodeofcare")
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = ["Say why this episode of care is opened."]
    if level_of_care not in LevelOfCare.values:
        errors["level_of_care"] = ["Choose a level of care."]
    opened_at = opened_at or timezone.now()
    if opened_at > timezone.now():
        errors["opened_at"] = ["An episode cannot open in the future."]
    if errors:
        raise ValidationError(errors)
    if patient.episodes.filter(closed_at__isnull=True).exists():
        raise ValidationError({"reason": ["This patient already has an open episode of care; "
                                          "close it before opening another."]})
    with transaction.atomic():
        episode = EpisodeOfCare.objects.create(patient=patient, reason=reason.strip(),
                                               level_of_care=level_of_care, opened_at=opened_at)
        LevelOfCareChange.objects.create(episode=episode, level_of_care=level_of_care,
                                         changed_at=opened_at, changed_by=ctx.user,
                                         reason="Episode opened")
        audit.record(ctx, Action.CREATE, patient=patient, obj=episode,
                     details={"level_of_care": level_of_care})
    return episode


def change_level_of_care(ctx: audit.Context, episode: EpisodeOfCare, *, level_of_care: str,
                         reason: str) -> EpisodeOfCare:
    _require_access(ctx, episode.patient, "patients.episodeofcare")
    _check_level(level_of_care)
    if not episode.is_open:
        raise ValidationError({"level_of_care": ["This episode is closed."]})
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say why the level of care changes."]})
    if level_of_care == episode.level_of_care:
        return episode
    with transaction.atomic():
        episode.level_of_care = level_of_care
        episode.save(update_fields=["level_of_care"])
        LevelOfCareChange.objects.create(episode=episode, level_of_care=level_of_care,
                                         changed_by=ctx.user, reason=reason.strip())
        audit.record(ctx, Action.UPDATE, patient=episode.patient, obj=episode,
                     details={"level_of_care": level_of_care})
    return episode


def close_episode(ctx: audit.Context, episode: EpisodeOfCare, *, reason: str) -> EpisodeOfCare:
    _require_access(ctx, episode.patient, "patients.episodeofcare")
    if not (reason or "").strip():
        raise ValidationError({"closed_reason": ["Say why the episode is closed."]})
    with transaction.atomic():
        episode = EpisodeOfCare.objects.select_for_update().get(pk=episode.pk)
        if episode.closed_at is None:
            episode.closed_at = timezone.now()
            episode.closed_reason = reason.strip()
            episode.save(update_fields=["closed_at", "closed_reason"])
            audit.record(ctx, Action.UPDATE, patient=episode.patient, obj=episode,
                         details={"closed": True})
    return episode


def record_consent(ctx: audit.Context, patient: Patient, data: dict) -> Consent:
    _require_access(ctx, patient, "patients.consent")
    allowed = {c for c, _ in CONSENT_DATA_CATEGORIES}
    categories = [c for c in data.get("data_categories") or [] if c in allowed]
    consent = Consent(
        patient=patient, regime=data.get("regime", ""),
        recipient=(data.get("recipient") or "").strip(),
        purpose=(data.get("purpose") or "").strip(), data_categories=categories,
        starts_on=data.get("starts_on"), expires_on=data.get("expires_on"), recorded_by=ctx.user)
    errors = {}
    try:
        consent.full_clean(exclude=["patient", "recorded_by"])
    except ValidationError as exc:
        errors = exc.message_dict
    if not categories:
        errors.setdefault("data_categories", []).append("Choose at least one category of data.")
    if "counselling_notes" in categories and len(categories) > 1:
        # 42 CFR Part 2 (2024): counselling notes need a consent of their own [R].
        errors.setdefault("data_categories", []).append(
            "SUD counselling notes can only be shared on a consent of their own: record them "
            "separately from the other categories.")
    if consent.starts_on and consent.expires_on and consent.expires_on < consent.starts_on:
        errors.setdefault("expires_on", []).append("Expiry must be on or after the start date.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        consent.save()
        audit.record(ctx, Action.CREATE, patient=patient, obj=consent,
                     details={"regime": consent.regime, "categories": categories})
    return consent


def revoke_consent(ctx: audit.Context, consent: Consent, *, reason: str) -> Consent:
    _require_access(ctx, consent.patient, "patients.consent")
    with transaction.atomic():
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.revoked_at is None:
            consent.revoked_at = timezone.now()
            consent.revoked_reason = (reason or "").strip()[:300]
            consent.save(update_fields=["revoked_at", "revoked_reason"])
            audit.record(ctx, Action.UPDATE, patient=consent.patient, obj=consent,
                         details={"revoked": True})
    return consent
