"""Every change to drug screens: permission, one transaction, audit.

A screen's results are written once. A change is an amendment with a reason, and the
original stays visible beside it. Recording a screen (or a missed one) tells the
contingency-management ledger (``rewards.reinforce``) what it counts as; a retried form
(same ``submission_key``) returns the first screen instead of writing a second.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from carepath.access import guards
from carepath.access.policy import Decision, patient_change_access
from carepath.accounts.models import AccountType, Role
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import EpisodeOfCare

from . import outcomes, rewards
from .models import (
    ANALYTES,
    AnalyteResult,
    DrugScreen,
    Panel,
    ScreenAmendment,
    ScreenMethod,
    ScreenResult,
    ScreenStatus,
    Specimen,
    Target,
)
from .queries_screens import analyte_label

OBJECT_TYPE = "incentives.drugscreen"
CLOCK_SKEW = timedelta(minutes=5)  # ward clocks differ a little
REPORTED_USE_MAX = 300
REASON_MIN, REASON_MAX = 10, 300
RECORDING_ROLES = (Role.NURSE, Role.CLINICIAN, Role.PRESCRIBER, Role.SUPERVISOR)
AMEND_HINT = ("To change a result, amend it on the screen's page (Amend a result) with a "
              "reason; results are never overwritten.")


def may_record_screens(user, patient) -> Decision:
    """Nurses, clinicians and prescribers on the care team (and their supervisors) record
    screens; a break-glass visitor or another role reads only."""
    decision = patient_change_access(user, patient)
    if decision and getattr(user, "role", "") not in RECORDING_ROLES:
        return Decision(False, "role_does_not_record_screens")
    if decision and decision.basis == "break_glass":
        return Decision(False, "break_glass_does_not_record_screens")
    return decision


def _require(ctx, patient):
    return guards.require_change(ctx, patient, OBJECT_TYPE,
                                 decision=may_record_screens(ctx.user, patient))


def _aware(moment):
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _staff(organisation_id, user, field: str, errors: dict, *, required: bool):
    if user is None:
        if required:
            errors[field] = ["Choose who collected the specimen."]
        return None
    ok = (get_user_model().objects.filter(pk=user.pk, organisation_id=organisation_id,
                                          account_type=AccountType.STAFF, is_active=True)
          .exists())
    if not ok:
        errors[field] = ["Choose a staff member of this organisation."]
    return user


def _check_panel(patient, panel, errors: dict):
    if panel is None or panel.organisation_id != patient.organisation_id or not panel.active:
        errors["panel"] = ["Choose one of this organisation's active panels."]
        return None
    return panel


def _check_confirms(patient, confirms, method, specimen, errors: dict):
    if confirms is None:
        return None
    if method != ScreenMethod.LABORATORY:
        errors["confirms"] = ["Only a laboratory result confirms an earlier screen: choose "
                              "“Laboratory confirmation” as the method, or no screen."]
    elif (confirms.patient_id != patient.pk or confirms.status != ScreenStatus.COLLECTED
          or confirms.method != ScreenMethod.POINT_OF_CARE):
        errors["confirms"] = ["Choose one of this person's collected point-of-care screens."]
    elif confirms.specimen != specimen:
        errors["confirms"] = [f"That screen was {confirms.get_specimen_display().lower()}; a "
                              "laboratory confirmation is of the same specimen."]
    elif confirms.confirmations.exists():
        errors["confirms"] = ["That specimen already has a laboratory result. " + AMEND_HINT]
    return confirms


def _open_episode(patient):
    return (EpisodeOfCare.objects.filter(patient=patient, closed_at__isnull=True)
            .order_by("-opened_at").first())


def _existing(submission_key, patient):
    if submission_key is None:
        return None
    screen = DrugScreen.objects.filter(submission_key=submission_key).first()
    if screen is not None and screen.patient_id != patient.pk:
        raise ValidationError("This form was already used for another record; open the "
                              "form again.")
    return screen


def _reinforce(ctx, screen, source):
    # A laboratory confirmation reinforces the specimen it confirms (its first result
    # already did), so one specimen never pays twice.
    screen = DrugScreen.objects.prefetch_related("results", "amendments").get(pk=screen.pk)
    rewards.reinforce(ctx, screen.patient, Target.NEGATIVE_SCREEN, source.uuid,
                      outcomes.outcome(screen),
                      occurred_at=screen.collected_at or screen.scheduled_for)


def record_screen(ctx, patient, *, panel, collected_at, results: dict, specimen="",
                  collected_by=None, observed_by=None, method=ScreenMethod.POINT_OF_CARE,
                  confirms=None, dilute=False, adulterated=False, reported_use="",
                  submission_key=None) -> DrugScreen:
    """A collected specimen with a result for every analyte on its panel."""
    _require(ctx, patient)
    existing = _existing(submission_key, patient)
    if existing is not None:
        return existing
    errors: dict = {}
    panel = _check_panel(patient, panel, errors)
    specimen = specimen or (panel.specimen if panel else "")
    if specimen not in Specimen.values:
        errors["specimen"] = ["Choose the specimen: urine, oral fluid or breath."]
    if method not in ScreenMethod.values:
        errors["method"] = ["Choose point-of-care test or laboratory confirmation."]
    collected_at = _aware(collected_at)
    if collected_at is None:
        errors["collected_at"] = ["Enter the date and time the specimen was collected."]
    elif collected_at > timezone.now() + CLOCK_SKEW:
        errors["collected_at"] = ["The collection time is in the future; enter when the "
                                  "specimen was collected."]
    collected_by = _staff(patient.organisation_id, collected_by or ctx.user, "collected_by",
                          errors, required=True)
    _staff(patient.organisation_id, observed_by, "observed_by", errors, required=False)
    _check_confirms(patient, confirms, method, specimen, errors)
    reported_use = (reported_use or "").strip()
    if len(reported_use) > REPORTED_USE_MAX:
        errors["reported_use"] = [f"Keep what the person tells us under {REPORTED_USE_MAX} "
                                  f"characters (it has {len(reported_use)})."]
    if panel is not None:
        check_results(panel, results, errors)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            screen = DrugScreen.objects.create(
                patient=patient, episode=_open_episode(patient), panel=panel,
                specimen=specimen, status=ScreenStatus.COLLECTED, collected_at=collected_at,
                collected_by=collected_by, observed_by=observed_by, method=method,
                confirms=confirms, dilute=bool(dilute), adulterated=bool(adulterated),
                reported_use=reported_use, recorded_by=ctx.user,
                submission_key=submission_key)
            _write_results(screen, results)
            audit.record(ctx, Action.CREATE, patient=patient, obj=screen, details={
                "status": screen.status, "method": method, "analytes": len(results),
                "confirms": str(confirms.uuid) if confirms else None})
            _reinforce(ctx, screen, confirms or screen)
    except IntegrityError:
        existing = _existing(submission_key, patient)
        if existing is not None:  # a retry raced the first submission
            return existing
        raise
    return screen


def check_results(panel, results: dict, errors: dict) -> None:
    """One result for each analyte on the panel, and none for an analyte not on it."""
    unknown = [a for a in results if a not in panel.analytes]
    if unknown:
        names = ", ".join(analyte_label(a) if a in ANALYTES else str(a) for a in unknown)
        errors["results"] = [f"{names}: not on the panel “{panel.name}”, so no result can "
                             "be recorded for it. Choose a panel that tests for it."]
    for analyte in panel.analytes:
        value = results.get(analyte)
        if value not in AnalyteResult.values:
            errors[f"result_{analyte}"] = [f"Choose a result for {analyte_label(analyte)}: "
                                           "negative, positive, invalid or not tested."]


def _write_results(screen, results: dict) -> None:
    ScreenResult.objects.bulk_create([ScreenResult(screen=screen, analyte=a, result=r)
                                      for a, r in results.items()])


def record_results(ctx, screen, results: dict) -> DrugScreen:
    """Results for a screen that has none yet. A specimen with results is never written
    again: a change is an amendment."""
    _require(ctx, screen.patient)
    if screen.status != ScreenStatus.COLLECTED:
        raise ValidationError("A missed screen has no specimen, so no results.")
    if screen.results.exists():
        raise ValidationError("This specimen already has results. " + AMEND_HINT)
    errors: dict = {}
    check_results(screen.panel, results, errors)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            _write_results(screen, results)
            audit.record(ctx, Action.UPDATE, patient=screen.patient, obj=screen,
                         details={"results_added": len(results)})
    except IntegrityError:
        raise ValidationError("This specimen already has results. " + AMEND_HINT) from None
    return screen


def record_missed(ctx, patient, *, scheduled_for, panel, submission_key=None) -> DrugScreen:
    """A scheduled screen that did not happen: counts as positive for rewards (CLINICAL.md
    §5). Recording the same missed time twice returns the first."""
    _require(ctx, patient)
    existing = _existing(submission_key, patient)
    if existing is not None:
        return existing
    errors: dict = {}
    panel = _check_panel(patient, panel, errors)
    scheduled_for = _aware(scheduled_for)
    if scheduled_for is None:
        errors["scheduled_for"] = ["Enter the date and time the screen was due."]
    elif scheduled_for > timezone.now() + CLOCK_SKEW:
        errors["scheduled_for"] = ["That time has not come yet: a screen is missed only "
                                   "after it was due."]
    if errors:
        raise ValidationError(errors)
    same = DrugScreen.objects.filter(patient=patient, status=ScreenStatus.MISSED,
                                     scheduled_for=scheduled_for).first()
    if same is not None:
        return same
    with transaction.atomic():
        screen = DrugScreen.objects.create(
            patient=patient, episode=_open_episode(patient), panel=panel,
            specimen=panel.specimen, status=ScreenStatus.MISSED, scheduled_for=scheduled_for,
            recorded_by=ctx.user, submission_key=submission_key)
        audit.record(ctx, Action.CREATE, patient=patient, obj=screen,
                     details={"status": screen.status})
        _reinforce(ctx, screen, screen)
    return screen


def amend_screen(ctx, screen, *, analyte, to_result, reason) -> ScreenAmendment:
    """Change one analyte's result with a reason; the original stays. Rewards already
    earned are not taken back (the ledger is never edited)."""
    _require(ctx, screen.patient)
    current = outcomes.current_results(screen)
    errors: dict = {}
    if analyte not in current:
        name = analyte_label(analyte) if analyte in ANALYTES else str(analyte)
        errors["analyte"] = [f"{name} has no result on this screen to amend."]
    elif to_result not in AnalyteResult.values:
        errors["to_result"] = ["Choose negative, positive, invalid or not tested."]
    elif to_result == current[analyte]:
        errors["to_result"] = [f"{analyte_label(analyte)} is already "
                               f"{AnalyteResult(to_result).label.lower()}; choose the "
                               "corrected result."]
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        errors["reason"] = [f"Give the reason for the amendment (at least {REASON_MIN} "
                            "characters), for example the laboratory's report."]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [f"Keep the reason under {REASON_MAX} characters "
                            f"(it has {len(reason)})."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        amendment = ScreenAmendment.objects.create(
            screen=screen, analyte=analyte, from_result=current[analyte], to_result=to_result,
            reason=reason, author=ctx.user)
        audit.record(ctx, Action.UPDATE, patient=screen.patient, obj=screen,
                     details={"amendment": str(amendment.uuid), "analyte": analyte})
    return amendment


def active_panels(organisation_id):
    return Panel.objects.filter(organisation_id=organisation_id, active=True)
