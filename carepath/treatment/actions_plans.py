"""Every change to treatment plans: permission, one transaction, audit. The only writer.

Versions: a draft is edited row by row; activating it makes it the episode's active plan
and supersedes the previous active version, which is kept unchanged. An active plan is
never edited in place except by a review (objective statuses and the next review date) and
the patient's acknowledgement; anything else is a revision: a new draft version copied
from the active one.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from carepath.access import guards
from carepath.accounts.models import AccountType, Role
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.measures import catalogue

from .models import (
    MEASURE_FOR_PROBLEM,
    Goal,
    Intervention,
    Objective,
    ObjectiveStatus,
    PlanReview,
    PlanStatus,
    Problem,
    ProblemKind,
    SessionType,
    TreatmentPlan,
)

OBJECT_TYPE = "treatment.treatmentplan"
TEXT_MAX = 2000
FREQUENCY_MAX = 80
ACK_MAX = 300
ACK_MIN = 5
REVIEW_SUMMARY_MIN = 10
REVIEW_EVERY_MIN, REVIEW_EVERY_MAX = 7, 365
NEXT_REVIEW_MAX_DAYS = 365
TARGET_MAX_YEARS = 5
RESPONSIBLE_ROLES = (Role.CLINICIAN, Role.NURSE, Role.PRESCRIBER, Role.SUPERVISOR)

# MEASURE_FOR_PROBLEM (models) names instruments without the hyphen the measures catalogue
# uses ("phq9" there, "phq-9" in carepath.measures); plans store the catalogue's id.
_CATALOGUE_ALIASES = {"phq9": "phq-9", "gad7": "gad-7", "pcl5": "pcl-5"}


def instrument_id(code: str) -> str:
    """The measures catalogue id for ``code`` (accepts "phq9" or "phq-9")."""
    return _CATALOGUE_ALIASES.get(code, code)


def default_measures(kind: str) -> list[str]:
    code = MEASURE_FOR_PROBLEM.get(kind)
    return [instrument_id(code)] if code else []


# --- Guards --------------------------------------------------------------------------------

def _require_change(ctx: audit.Context, patient) -> None:
    guards.require_change(ctx, patient, OBJECT_TYPE)


def _lock(plan: TreatmentPlan) -> TreatmentPlan:
    return TreatmentPlan.objects.select_for_update().select_related("patient", "episode").get(
        pk=plan.pk)


def _locked_draft(ctx, plan: TreatmentPlan) -> TreatmentPlan:
    """Call inside the transaction, after ``_require_change`` outside it (so a refusal's
    audit event is never rolled back)."""
    current = _lock(plan)
    if current.status != PlanStatus.DRAFT:
        raise ValidationError({"plan": [
            f"Version {current.version} is {current.get_status_display().lower()} and cannot be "
            "edited. Revise the active plan to make a new draft version."]})
    return current


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _text(value, field: str, label: str, errors: dict, *, maximum=TEXT_MAX) -> str:
    text = (value or "").strip()
    if not text:
        errors[field] = [f"{label}: enter some text."]
    elif len(text) > maximum:
        errors[field] = [f"{label}: keep it under {maximum} characters (it has {len(text)})."]
    return text


# --- Drafts and versions ---------------------------------------------------------------

def _open_episode(patient):
    return patient.episodes.filter(closed_at__isnull=True).order_by("-opened_at").first()


def create_draft(ctx: audit.Context, patient, *, review_every_days: int | None = None
                 ) -> TreatmentPlan:
    """Start the first plan of the patient's open episode. A draft already there is
    returned (a retried form never makes two); an active plan must be revised instead."""
    _require_change(ctx, patient)
    every = review_every_days or settings.CAREPATH_PLAN_REVIEW_DAYS
    _check_every(every)
    with transaction.atomic():
        episode = _open_episode(patient)
        if episode is None:
            raise ValidationError({"plan": ["Open an episode of care before starting a "
                                            "treatment plan."]})
        plans = list(TreatmentPlan.objects.select_for_update().filter(episode=episode)
                     .order_by("version"))
        draft = next((p for p in plans if p.status == PlanStatus.DRAFT), None)
        if draft is not None:
            return draft
        if any(p.status == PlanStatus.ACTIVE for p in plans):
            raise ValidationError({"plan": ["This episode already has an active plan: revise "
                                            "it to make a new version."]})
        plan = TreatmentPlan.objects.create(
            patient=patient, episode=episode, version=(plans[-1].version + 1) if plans else 1,
            created_by=ctx.user, review_every_days=every)
        audit.record(ctx, Action.CREATE, patient=patient, obj=plan,
                     details={"version": plan.version, "episode": str(episode.uuid)})
    return plan


def revise_plan(ctx: audit.Context, plan: TreatmentPlan) -> TreatmentPlan:
    """Copy the active ``plan`` into a new draft version (rows, statuses and dates as they
    are). The active version stays in force, unchanged, until the draft is activated. A
    draft already there is returned."""
    _require_change(ctx, plan.patient)
    with transaction.atomic():
        current = _lock(plan)
        if current.status != PlanStatus.ACTIVE:
            raise ValidationError({"plan": ["Only the active plan can be revised."]})
        if not current.episode.is_open:
            raise ValidationError({"plan": ["The episode of care is closed: its plan can no "
                                            "longer be revised."]})
        existing = TreatmentPlan.objects.filter(episode=current.episode,
                                                status=PlanStatus.DRAFT).first()
        if existing is not None:
            return existing
        top = TreatmentPlan.objects.filter(episode=current.episode).aggregate(
            v=Max("version"))["v"]
        draft = TreatmentPlan.objects.create(
            patient=current.patient, episode=current.episode, version=top + 1,
            previous=current, created_by=ctx.user,
            review_every_days=current.review_every_days)
        _copy_rows(current, draft)
        audit.record(ctx, Action.CREATE, patient=current.patient, obj=draft,
                     details={"version": draft.version, "revises": str(current.uuid)})
    return draft


def _copy_rows(source: TreatmentPlan, target: TreatmentPlan) -> None:
    problems = list(source.problems.prefetch_related(
        "goals__objectives__interventions").order_by("order", "pk"))
    for problem in problems:
        new_problem = Problem.objects.create(plan=target, order=problem.order,
                                             kind=problem.kind, statement=problem.statement,
                                             measures=list(problem.measures))
        for goal in problem.goals.all():
            new_goal = Goal.objects.create(problem=new_problem, order=goal.order,
                                           in_patients_words=goal.in_patients_words)
            for objective in goal.objectives.all():
                new_objective = Objective.objects.create(
                    goal=new_goal, order=objective.order, text=objective.text,
                    target_date=objective.target_date, status=objective.status)
                Intervention.objects.bulk_create([
                    Intervention(objective=new_objective, modality=i.modality,
                                 frequency=i.frequency, responsible_id=i.responsible_id)
                    for i in objective.interventions.all()])


def discard_draft(ctx: audit.Context, plan: TreatmentPlan) -> None:
    """Delete a draft that was never activated (nothing else refers to a draft)."""
    _require_change(ctx, plan.patient)
    with transaction.atomic():
        current = _locked_draft(ctx, plan)
        audit.record(ctx, Action.DELETE, patient=current.patient, obj=current,
                     details={"version": current.version})
        current.delete()


def _check_every(every) -> None:
    if not isinstance(every, int) or not REVIEW_EVERY_MIN <= every <= REVIEW_EVERY_MAX:
        raise ValidationError({"review_every_days": [
            f"Review every must be a whole number of days from {REVIEW_EVERY_MIN} to "
            f"{REVIEW_EVERY_MAX}."]})


def set_review_interval(ctx: audit.Context, plan: TreatmentPlan, review_every_days: int
                        ) -> TreatmentPlan:
    _require_change(ctx, plan.patient)
    _check_every(review_every_days)
    with transaction.atomic():
        current = _locked_draft(ctx, plan)
        if current.review_every_days != review_every_days:
            current.review_every_days = review_every_days
            current.save(update_fields=["review_every_days"])
            audit.record(ctx, Action.UPDATE, patient=current.patient, obj=current,
                         details={"fields": ["review_every_days"]})
    plan.review_every_days = current.review_every_days
    return plan


def activation_errors(plan: TreatmentPlan) -> dict[str, list[str]]:
    """What a draft lacks before it can be activated (empty when ready)."""
    problems = list(plan.problems.prefetch_related("goals__objectives__interventions"))
    if not problems:
        return {"plan": ["Add at least one problem, with a goal, an objective and an "
                         "intervention, before activating."]}
    missing = []
    for p_number, problem in enumerate(problems, 1):
        goals = list(problem.goals.all())
        if not goals:
            missing.append(f"Problem {p_number} has no goal.")
        for g_number, goal in enumerate(goals, 1):
            objectives = list(goal.objectives.all())
            if not objectives:
                missing.append(f"Problem {p_number}, goal {g_number} has no objective.")
            for o_number, objective in enumerate(objectives, 1):
                if not objective.interventions.all():
                    missing.append(f"Problem {p_number}, goal {g_number}, objective "
                                   f"{o_number} has no intervention (who does what, how "
                                   "often).")
    return {"plan": missing} if missing else {}


def activate_plan(ctx: audit.Context, plan: TreatmentPlan, *, today: date | None = None
                  ) -> TreatmentPlan:
    """Make the draft the episode's active plan; the active one before it is superseded
    (kept, unchanged). Next review = today + the plan's review interval."""
    today = today or timezone.localdate()
    _require_change(ctx, plan.patient)
    with transaction.atomic():
        current = _locked_draft(ctx, plan)
        if not current.episode.is_open:
            raise ValidationError({"plan": ["The episode of care is closed: open a new "
                                            "episode to start a plan."]})
        errors = activation_errors(current)
        if errors:
            raise ValidationError(errors)
        # Lock every version of the episode so two activations cannot race.
        others = list(TreatmentPlan.objects.select_for_update()
                      .filter(episode=current.episode, status=PlanStatus.ACTIVE)
                      .exclude(pk=current.pk).order_by("pk"))
        for old in others:
            old.status = PlanStatus.SUPERSEDED
            old.save(update_fields=["status"])
            audit.record(ctx, Action.UPDATE, patient=current.patient, obj=old,
                         details={"fields": ["status"], "superseded_by": str(current.uuid)})
        current.status = PlanStatus.ACTIVE
        current.activated_at = timezone.now()
        current.activated_by = ctx.user
        current.next_review_on = today + timedelta(days=current.review_every_days)
        current.save(update_fields=["status", "activated_at", "activated_by",
                                    "next_review_on"])
        audit.record(ctx, Action.UPDATE, patient=current.patient, obj=current, details={
            "activated": True, "version": current.version,
            "supersedes": [str(o.uuid) for o in others],
            "next_review_on": current.next_review_on.isoformat()})
    _refresh(plan, current)
    return plan


def _refresh(target, source) -> None:
    if target is not source:
        for f in source._meta.concrete_fields:
            setattr(target, f.attname, getattr(source, f.attname))


# --- Rows (drafts only) -------------------------------------------------------------------

def _next_order(queryset) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


def save_problem(ctx: audit.Context, plan: TreatmentPlan, *, kind: str, statement: str,
                 measures: list[str] | None = None, problem: Problem | None = None
                 ) -> Problem:
    """Add (or, with ``problem``, change) a problem. Measures default from the kind
    (depression: PHQ-9, anxiety: GAD-7, PTSD: PCL-5). An identical problem already on the
    plan is returned instead of a second copy (a retried form)."""
    _require_change(ctx, plan.patient)
    errors: dict = {}
    if kind not in ProblemKind.values:
        errors["kind"] = ["Choose the kind of problem from the list."]
    statement = _text(statement, "statement", "Problem", errors)
    if measures is None:
        measures = default_measures(kind)
    measures = [instrument_id(m) for m in measures if m]
    known = set(catalogue.ids())
    unknown = [m for m in measures if m not in known]
    if unknown:
        errors["measures"] = ["Unknown measure: " + ", ".join(unknown) + "."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked_draft(ctx, plan)
        if problem is None:
            same = current.problems.filter(kind=kind, statement=statement).first()
            if same is not None:
                return same
            problem = Problem.objects.create(plan=current, kind=kind, statement=statement,
                                             measures=measures,
                                             order=_next_order(current.problems))
            action, fields = Action.CREATE, ["kind", "statement", "measures"]
        else:
            problem = _own(current.problems, problem, "problem")
            fields = [f for f, v in (("kind", kind), ("statement", statement),
                                     ("measures", measures)) if getattr(problem, f) != v]
            problem.kind, problem.statement, problem.measures = kind, statement, measures
            problem.save()
            action = Action.UPDATE
        _audit_row(ctx, current, action, "problem", problem.pk, fields)
    return problem


def save_goal(ctx: audit.Context, plan: TreatmentPlan, *, problem: Problem,
              in_patients_words: str, goal: Goal | None = None) -> Goal:
    _require_change(ctx, plan.patient)
    errors: dict = {}
    words = _text(in_patients_words, "in_patients_words", "Goal in the patient's words", errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked_draft(ctx, plan)
        if goal is None:
            parent = _own(current.problems, problem, "problem")
            same = parent.goals.filter(in_patients_words=words).first()
            if same is not None:
                return same
            goal = Goal.objects.create(problem=parent, in_patients_words=words,
                                       order=_next_order(parent.goals))
            action = Action.CREATE
        else:
            goal = _own(Goal.objects.filter(problem__plan=current), goal, "goal")
            goal.in_patients_words = words
            goal.save()
            action = Action.UPDATE
        _audit_row(ctx, current, action, "goal", goal.pk, ["in_patients_words"])
    return goal


def check_target_date(plan: TreatmentPlan, target_date) -> list[str]:
    """A target date may not be before the day this version was drafted, nor more than
    five years after it (a typing slip such as 2206)."""
    if target_date is None:
        return ["Enter the target date, such as 2026-06-30."]
    drafted = _local_date(plan.created_at)
    if target_date < drafted:
        return [f"The target date ({target_date:%d %b %Y}) cannot be before the plan was "
                f"drafted ({drafted:%d %b %Y})."]
    latest = drafted.replace(year=drafted.year + TARGET_MAX_YEARS) \
        if not (drafted.month == 2 and drafted.day == 29) \
        else date(drafted.year + TARGET_MAX_YEARS, 2, 28)
    if target_date > latest:
        return [f"The target date ({target_date:%d %b %Y}) must be within "
                f"{TARGET_MAX_YEARS} years of the plan ({latest:%d %b %Y} at the latest)."]
    return []


def save_objective(ctx: audit.Context, plan: TreatmentPlan, *, goal: Goal, text: str,
                   target_date, status: str = ObjectiveStatus.OPEN,
                   objective: Objective | None = None) -> Objective:
    """Add or change a measurable objective. The target date is checked when it is new or
    changed (a revision keeps copied dates even when they have passed)."""
    _require_change(ctx, plan.patient)
    errors: dict = {}
    text = _text(text, "text", "Objective", errors)
    if status not in ObjectiveStatus.values:
        errors["status"] = ["Choose the objective's status from the list."]
    with transaction.atomic():
        current = _locked_draft(ctx, plan)
        if objective is not None:
            objective = _own(Objective.objects.filter(goal__problem__plan=current), objective,
                             "objective")
        if objective is None or objective.target_date != target_date:
            date_errors = check_target_date(current, target_date)
            if date_errors:
                errors["target_date"] = date_errors
        if errors:
            raise ValidationError(errors)
        if objective is None:
            parent = _own(Goal.objects.filter(problem__plan=current), goal, "goal")
            same = parent.objectives.filter(text=text, target_date=target_date).first()
            if same is not None:
                return same
            objective = Objective.objects.create(goal=parent, text=text,
                                                 target_date=target_date, status=status,
                                                 order=_next_order(parent.objectives))
            action = Action.CREATE
        else:
            objective.text, objective.target_date, objective.status = text, target_date, status
            objective.save()
            action = Action.UPDATE
        _audit_row(ctx, current, action, "objective", objective.pk,
                   ["text", "target_date", "status"], uuid=str(objective.uuid))
    return objective


def responsible_staff(organisation_id):
    return (get_user_model().objects.filter(
        organisation_id=organisation_id, account_type=AccountType.STAFF, is_active=True,
        role__in=RESPONSIBLE_ROLES).order_by("last_name", "first_name", "pk"))


def save_intervention(ctx: audit.Context, plan: TreatmentPlan, *, objective: Objective,
                      modality: str, frequency: str, responsible,
                      intervention: Intervention | None = None) -> Intervention:
    _require_change(ctx, plan.patient)
    errors: dict = {}
    if modality not in SessionType.values:
        errors["modality"] = ["Choose the modality from the list."]
    frequency = _text(frequency, "frequency", "How often", errors, maximum=FREQUENCY_MAX)
    ok = (responsible is not None and responsible.account_type == AccountType.STAFF
          and responsible.is_active and responsible.organisation_id == plan.patient.organisation_id
          and responsible.role in RESPONSIBLE_ROLES)
    if not ok:
        errors["responsible"] = ["Choose an active clinician, nurse, prescriber or supervisor "
                                 "of this organisation as the responsible clinician."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _locked_draft(ctx, plan)
        if intervention is None:
            parent = _own(Objective.objects.filter(goal__problem__plan=current), objective,
                          "objective")
            same = parent.interventions.filter(modality=modality, frequency=frequency,
                                               responsible=responsible).first()
            if same is not None:
                return same
            intervention = Intervention.objects.create(objective=parent, modality=modality,
                                                       frequency=frequency,
                                                       responsible=responsible)
            action = Action.CREATE
        else:
            intervention = _own(Intervention.objects.filter(
                objective__goal__problem__plan=current), intervention, "intervention")
            intervention.modality, intervention.frequency = modality, frequency
            intervention.responsible = responsible
            intervention.save()
            action = Action.UPDATE
        _audit_row(ctx, current, action, "intervention", intervention.pk,
                   ["modality", "frequency", "responsible"])
    return intervention


ROW_MODELS = {"problem": Problem, "goal": Goal, "objective": Objective,
              "intervention": Intervention}
_ROW_PLAN_PATH = {"problem": "plan", "goal": "problem__plan",
                  "objective": "goal__problem__plan",
                  "intervention": "objective__goal__problem__plan"}


def rows_of(plan: TreatmentPlan, kind: str):
    return ROW_MODELS[kind].objects.filter(**{_ROW_PLAN_PATH[kind]: plan})


def remove_row(ctx: audit.Context, plan: TreatmentPlan, kind: str, row) -> None:
    """Remove a row of a draft, with everything under it."""
    if kind not in ROW_MODELS:
        raise ValidationError({"row": ["Unknown kind of row."]})
    _require_change(ctx, plan.patient)
    with transaction.atomic():
        current = _locked_draft(ctx, plan)
        row = _own(rows_of(current, kind), row, kind)
        _audit_row(ctx, current, Action.DELETE, kind, row.pk, [])
        row.delete()


def _own(queryset, row, label: str):
    """``row`` re-read through ``queryset`` (rows of this plan), or a refusal."""
    pk = getattr(row, "pk", row)
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({label: [f"That {label} is not part of this draft plan."]})
    return found


def _audit_row(ctx, plan, action, kind, pk, fields, uuid=None):
    details = {"row": kind, "row_id": pk, "version": plan.version}
    if fields:
        details["fields"] = sorted(fields)
    if uuid:
        details["objective"] = uuid
    audit.record(ctx, action, patient=plan.patient, obj=plan, details=details)


# --- Review and acknowledgement (active plan) ---------------------------------------------

def review_plan(ctx: audit.Context, plan: TreatmentPlan, *, summary: str,
                objective_statuses: dict | None = None, next_review_on: date | None = None,
                today: date | None = None) -> PlanReview:
    """Record a review of the active plan: a summary, each objective's status (open, met,
    not met) and the next review date (default today + the plan's interval)."""
    _require_change(ctx, plan.patient)
    today = today or timezone.localdate()
    errors: dict = {}
    summary = (summary or "").strip()
    if len(summary) < REVIEW_SUMMARY_MIN:
        errors["summary"] = [f"Review summary: write at least {REVIEW_SUMMARY_MIN} "
                             "characters."]
    elif len(summary) > TEXT_MAX:
        errors["summary"] = [f"Review summary: keep it under {TEXT_MAX} characters."]
    if next_review_on is None:
        next_review_on = today + timedelta(days=plan.review_every_days)
    if next_review_on <= today:
        errors["next_review_on"] = [f"The next review ({next_review_on:%d %b %Y}) must be "
                                    "after today."]
    elif next_review_on > today + timedelta(days=NEXT_REVIEW_MAX_DAYS):
        errors["next_review_on"] = [f"The next review must be within {NEXT_REVIEW_MAX_DAYS} "
                                    "days of today."]
    statuses = {str(k): v for k, v in (objective_statuses or {}).items()}
    for key, value in statuses.items():
        if value not in ObjectiveStatus.values:
            errors[f"objective_{key}"] = ["Choose working on it, met or not met."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(plan)
        if current.status != PlanStatus.ACTIVE:
            raise ValidationError({"plan": ["Only the active plan is reviewed."]})
        objectives = {str(o.uuid): o for o in
                      Objective.objects.filter(goal__problem__plan=current).order_by("pk")}
        strangers = [k for k in statuses if k not in objectives]
        if strangers:
            raise ValidationError({"plan": ["An objective given is not part of this plan."]})
        changes = {}
        for key, value in statuses.items():
            objective = objectives[key]
            if objective.status != value:
                changes[key] = [objective.status, value]
                objective.status = value
                objective.save(update_fields=["status"])
        review = PlanReview.objects.create(plan=current, reviewed_by=ctx.user, summary=summary,
                                           next_review_on=next_review_on)
        current.next_review_on = next_review_on
        current.save(update_fields=["next_review_on"])
        audit.record(ctx, Action.REVIEW, patient=current.patient, obj=current, details={
            "review": str(review.uuid), "version": current.version,
            "next_review_on": next_review_on.isoformat(), "objective_statuses": changes})
    _refresh(plan, current)
    return review


def record_acknowledgement(ctx: audit.Context, plan: TreatmentPlan, *, how: str,
                           acknowledged_at: datetime | None = None) -> TreatmentPlan:
    """Record that the patient saw and acknowledged the active plan: how (in words), when,
    and by whom it was recorded. Once per version."""
    _require_change(ctx, plan.patient)
    now = timezone.now()
    acknowledged_at = acknowledged_at or now
    if timezone.is_naive(acknowledged_at):
        acknowledged_at = timezone.make_aware(acknowledged_at)
    errors: dict = {}
    how = (how or "").strip()
    if len(how) < ACK_MIN:
        errors["how"] = [f"Say how the patient acknowledged the plan (at least {ACK_MIN} "
                         "characters), such as \"signed a printed copy\"."]
    elif len(how) > ACK_MAX:
        errors["how"] = [f"How it was acknowledged: keep it under {ACK_MAX} characters."]
    if acknowledged_at > now + timedelta(minutes=5):
        errors["acknowledged_at"] = ["The acknowledgement cannot be in the future."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = _lock(plan)
        if current.status != PlanStatus.ACTIVE:
            raise ValidationError({"plan": ["Only the active plan is acknowledged: activate "
                                            "the draft first."]})
        if current.patient_acknowledged_at is not None:
            raise ValidationError({"plan": [
                f"Version {current.version} was already acknowledged on "
                f"{timezone.localtime(current.patient_acknowledged_at):%d %b %Y}."]})
        if acknowledged_at < current.activated_at - timedelta(minutes=5):
            raise ValidationError({"acknowledged_at": [
                "The acknowledgement cannot be before the plan was activated "
                f"({timezone.localtime(current.activated_at):%d %b %Y %H:%M})."]})
        current.patient_acknowledged_at = acknowledged_at
        current.patient_acknowledgement = how
        current.acknowledgement_recorded_by = ctx.user
        current.save(update_fields=["patient_acknowledged_at", "patient_acknowledgement",
                                    "acknowledgement_recorded_by"])
        audit.record(ctx, Action.ACKNOWLEDGE, patient=current.patient, obj=current,
                     details={"version": current.version})
    _refresh(plan, current)
    return plan
