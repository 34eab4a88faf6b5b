"""Demo treatment plans, built through the actions, for three of Chris Morgan's
("clinician") patients with an open episode:

1. an active plan (ketamine use, depression with PHQ-9) whose review is overdue;
2. a plan revised once: version 1 superseded, version 2 active (anxiety with GAD-7),
   acknowledged by the patient, with one review;
3. a draft still being written.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from carepath.accounts.models import User
from carepath.audit import log as audit
from carepath.patients.models import Patient

from . import actions_plans as actions
from .models import ObjectiveStatus, SessionType, TreatmentPlan


def _add(ctx, plan, kind, statement, goal_words, objectives, responsible):
    problem = actions.save_problem(ctx, plan, kind=kind, statement=statement)
    goal = actions.save_goal(ctx, plan, problem=problem, in_patients_words=goal_words)
    for text, days, modality, frequency in objectives:
        objective = actions.save_objective(ctx, plan, goal=goal, text=text,
                                           target_date=timezone.localdate()
                                           + timedelta(days=days))
        actions.save_intervention(ctx, plan, objective=objective, modality=modality,
                                  frequency=frequency, responsible=responsible)
    return problem


def add_demo_plans(org, seed):
    clinician = User.objects.filter(username="clinician", organisation=org).first()
    if clinician is None or TreatmentPlan.objects.filter(created_by=clinician).exists():
        return None  # no demo staff, or already loaded
    nurse = User.objects.filter(username="nurse", organisation=org).first() or clinician
    ctx = audit.Context(user=clinician, purpose="demo data load", via="demo")
    patients = list(Patient.objects.filter(organisation=org, care_team__user=clinician,
                                           episodes__closed_at__isnull=True)
                    .order_by("mrn").distinct()[:3])
    if len(patients) < 3:
        return None
    today = timezone.localdate()
    ketamine = ("Uses ketamine most days; bladder pain and missed work.",
                "I want to stop using and get back to work.")

    # 1. Active, review overdue (activated 40 days ago with a 30-day interval).
    plan = actions.create_draft(ctx, patients[0], review_every_days=30)
    _add(ctx, plan, "substance_use", *ketamine, [
        ("No ketamine use for 14 days in a row, by urine screen and self-report", 45,
         SessionType.RELAPSE_PREVENTION, "weekly group, 90 minutes"),
        ("Names three triggers and a plan for each", 30, SessionType.CBT,
         "weekly, 50 minutes")], clinician)
    _add(ctx, plan, "depression", "Low mood since stopping work (PHQ-9 followed).",
         "I want to feel like myself again.", [
             ("PHQ-9 total below 10 on two measures in a row", 60, SessionType.CBT,
              "weekly, 50 minutes")], clinician)
    actions.activate_plan(ctx, plan, today=today - timedelta(days=40))

    # 2. Revised: version 1 superseded, version 2 active, acknowledged and reviewed.
    plan = actions.create_draft(ctx, patients[1])
    _add(ctx, plan, "anxiety", "Panic in crowded places (GAD-7 followed).",
         "I want to take the bus on my own.", [
             ("Travels one bus stop alone, three times", 28, SessionType.CBT,
              "weekly, 50 minutes")], clinician)
    actions.activate_plan(ctx, plan)
    revised = actions.revise_plan(ctx, plan)
    _add(ctx, revised, "physical", "Bladder pain linked to ketamine use.",
         "I want to stop the pain when I pee.", [
             ("Sees the GP and has a urine test", 14, SessionType.PSYCHOEDUCATION,
              "once, with the nurse")], nurse)
    actions.activate_plan(ctx, revised)
    actions.record_acknowledgement(ctx, revised, how="Read it together; signed a printed copy.")
    objective = revised.problems.first().goals.first().objectives.first()
    actions.review_plan(ctx, revised, summary="Managed two bus journeys; keep the weekly CBT.",
                        objective_statuses={objective.uuid: ObjectiveStatus.OPEN})

    # 3. A draft still being written.
    plan = actions.create_draft(ctx, patients[2])
    actions.save_problem(ctx, plan, kind="social", statement="At risk of losing the flat.")
    return None
