"""Reads of treatment plans, already narrowed by the access policy (pages check the
patient with the guard; lists use ``visible_patients``). A fixed number of queries each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from carepath.access.policy import visible_patients
from carepath.measures import catalogue, presentation, trends
from carepath.patients.models import Patient

from .actions_plans import instrument_id
from .models import Goal, Intervention, Objective, PlanStatus, Problem, TreatmentPlan


def _tree() -> Prefetch:
    interventions = Intervention.objects.select_related("responsible").order_by("pk")
    objectives = Objective.objects.order_by("order", "pk").prefetch_related(
        Prefetch("interventions", queryset=interventions))
    goals = Goal.objects.order_by("order", "pk").prefetch_related(
        Prefetch("objectives", queryset=objectives))
    problems = Problem.objects.order_by("order", "pk").prefetch_related(
        Prefetch("goals", queryset=goals))
    return Prefetch("problems", queryset=problems)


def versions(patient) -> list[TreatmentPlan]:
    """Every version of every plan of the patient, newest episode and version first."""
    return list(TreatmentPlan.objects.filter(patient=patient)
                .select_related("episode", "created_by", "activated_by")
                .order_by("-episode__opened_at", "-version", "-pk"))


def plan_with_rows(patient, plan_id) -> TreatmentPlan | None:
    """One version of the patient's plan with its rows, reviews and people (5 queries)."""
    return (TreatmentPlan.objects.filter(patient=patient, uuid=plan_id)
            .select_related("episode", "created_by", "activated_by",
                            "acknowledgement_recorded_by", "previous")
            .prefetch_related(_tree(), Prefetch(
                "reviews", queryset=_reviews()))
            .first())


def _reviews():
    from .models import PlanReview

    return PlanReview.objects.select_related("reviewed_by").order_by("-reviewed_at", "-pk")


def with_rows(plan: TreatmentPlan | None) -> TreatmentPlan | None:
    if plan is None:
        return None
    return plan_with_rows(plan.patient, plan.uuid)


def active_plan(patient) -> TreatmentPlan | None:
    """The active plan of the patient's newest episode that has one (rows not loaded)."""
    return (TreatmentPlan.objects.filter(patient=patient, status=PlanStatus.ACTIVE)
            .order_by("-episode__opened_at", "-pk").first())


def active_objectives(patient) -> QuerySet:
    """Objectives of the patient's active plan(s) in open episodes, for notes to link."""
    return (Objective.objects.filter(goal__problem__plan__patient=patient,
                                     goal__problem__plan__status=PlanStatus.ACTIVE,
                                     goal__problem__plan__episode__closed_at__isnull=True)
            .select_related("goal__problem")
            .order_by("goal__problem__order", "goal__order", "order", "pk"))


def draft_plan(patient) -> TreatmentPlan | None:
    return (TreatmentPlan.objects.filter(patient=patient, status=PlanStatus.DRAFT,
                                         episode__closed_at__isnull=True)
            .order_by("-episode__opened_at", "-pk").first())


@dataclass(frozen=True)
class MeasureRow:
    instrument_id: str
    title: str
    total: int | None
    band: str
    taken_at: object | None
    trend_url: str


def measure_rows(plan: TreatmentPlan) -> dict[int, list[MeasureRow]]:
    """For each problem (by pk) that follows measures: the latest score and band of each,
    with a link to its trend. One query per distinct instrument (at most a few). Also
    sets ``problem.measure_rows`` on each problem, for the templates."""
    wanted = sorted({instrument_id(m) for p in plan.problems.all() for m in p.measures})
    latest = {}
    known = set(catalogue.ids())
    for instrument in wanted:
        if instrument not in known:
            continue
        points = trends.series(plan.patient, instrument)
        defn = catalogue.get(instrument)
        point = points[-1] if points else None
        latest[instrument] = MeasureRow(
            instrument_id=instrument, title=defn.title,
            total=point.total if point else None,
            band=presentation.band_label(defn, point.band) if point else "",
            taken_at=point.taken_at if point else None,
            trend_url=reverse("measures:trend", kwargs={"patient_id": plan.patient.uuid,
                                                        "instrument_id": instrument}))
    rows = {}
    for problem in plan.problems.all():
        problem.measure_rows = [latest[instrument_id(m)] for m in problem.measures
                                if instrument_id(m) in latest]
        rows[problem.pk] = problem.measure_rows
    return rows


def reviews_overdue(user, today: date | None = None) -> QuerySet:
    """Active plans of open episodes of the user's visible patients whose next review is
    before ``today``, the longest overdue first."""
    today = today or timezone.localdate()
    patients = visible_patients(user, Patient.objects.all())
    return (TreatmentPlan.objects.filter(status=PlanStatus.ACTIVE, next_review_on__lt=today,
                                         episode__closed_at__isnull=True,
                                         patient__in=patients.values("pk"))
            .select_related("patient", "episode")
            .order_by("next_review_on", "pk"))
