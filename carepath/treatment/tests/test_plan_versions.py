"""Treatment plan actions: draft, rows, activate, revise (old versions kept unchanged),
review, acknowledgement, bad input refused with the field and the limit, access."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from carepath.accounts.models import AccountType, Role
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.patients import actions as patient_actions
from carepath.treatment import actions_plans as actions
from carepath.treatment import queries_plans as queries
from carepath.treatment.models import (
    Objective,
    ObjectiveStatus,
    PlanStatus,
    ProblemKind,
    SessionType,
    TreatmentPlan,
)

pytestmark = pytest.mark.django_db


def open_episode(patient, user):
    return patient_actions.open_episode(ctx_for(user), patient, reason="Referred for treatment",
                                        level_of_care="outpatient")


def full_plan(patient, user, *, kind=ProblemKind.SUBSTANCE_USE, activate=True):
    """A draft (or active) plan with one problem, goal, objective and intervention."""
    ctx = ctx_for(user)
    if not patient.episodes.filter(closed_at__isnull=True).exists():
        open_episode(patient, user)
    plan = actions.create_draft(ctx, patient)
    problem = actions.save_problem(ctx, plan, kind=kind, statement="Daily ketamine use")
    goal = actions.save_goal(ctx, plan, problem=problem,
                             in_patients_words="I want to stop using and keep my job")
    objective = actions.save_objective(ctx, plan, goal=goal, text="No use for 14 days in a row",
                                       target_date=timezone.localdate() + timedelta(days=60))
    actions.save_intervention(ctx, plan, objective=objective, modality=SessionType.CBT,
                              frequency="weekly, 50 minutes", responsible=user)
    if activate:
        actions.activate_plan(ctx, plan)
    return plan


def snapshot(plan):
    plan = TreatmentPlan.objects.get(pk=plan.pk)
    rows = [(p.kind, p.statement, g.in_patients_words, o.text, o.target_date, o.status,
             [(i.modality, i.frequency, i.responsible_id) for i in o.interventions.all()])
            for p in plan.problems.all() for g in p.goals.all() for o in g.objectives.all()]
    return (plan.status, plan.version, plan.next_review_on, plan.activated_at, rows)


def test_activate_sets_version_1_and_next_review_from_the_setting(patient, clinician, settings):
    settings.CAREPATH_PLAN_REVIEW_DAYS = 21
    plan = full_plan(patient, clinician, activate=False)
    assert plan.version == 1 and plan.review_every_days == 21
    actions.activate_plan(ctx_for(clinician), plan, today=date(2026, 3, 1))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert plan.next_review_on == date(2026, 3, 22)
    assert plan.activated_by == clinician


def test_a_draft_cannot_be_activated_until_every_row_has_what_is_under_it(patient, clinician):
    ctx = ctx_for(clinician)
    open_episode(patient, clinician)
    plan = actions.create_draft(ctx, patient)
    with pytest.raises(ValidationError, match="Add at least one problem"):
        actions.activate_plan(ctx, plan)
    problem = actions.save_problem(ctx, plan, kind="depression", statement="Low mood")
    actions.save_goal(ctx, plan, problem=problem, in_patients_words="Feel like myself")
    with pytest.raises(ValidationError) as err:
        actions.activate_plan(ctx, plan)
    assert "Problem 1, goal 1 has no objective." in err.value.messages
    assert TreatmentPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_revising_copies_into_a_new_draft_and_activation_keeps_the_old_version_unchanged(
        patient, clinician):
    ctx = ctx_for(clinician)
    v1 = full_plan(patient, clinician)
    before = snapshot(v1)
    v2 = actions.revise_plan(ctx, v1)
    assert (v2.version, v2.status, v2.previous_id) == (2, PlanStatus.DRAFT, v1.pk)
    # The copy is complete, with new rows.
    assert snapshot(v2)[4] == before[4]
    new_objective = Objective.objects.get(goal__problem__plan=v2)
    assert new_objective.uuid != Objective.objects.get(goal__problem__plan=v1).uuid
    # Editing the draft never touches version 1, which stays in force.
    goal = new_objective.goal
    actions.save_objective(ctx, v2, goal=goal, objective=new_objective, text="No use for 28 days",
                           target_date=new_objective.target_date, status=ObjectiveStatus.OPEN)
    actions.remove_row(ctx, v2, "intervention", new_objective.interventions.get())
    actions.save_intervention(ctx, v2, objective=new_objective, modality=SessionType.DBT_SKILLS,
                              frequency="twice a week", responsible=clinician)
    assert snapshot(v1) == before
    assert queries.active_plan(patient).pk == v1.pk
    actions.activate_plan(ctx, v2)
    old = TreatmentPlan.objects.get(pk=v1.pk)
    assert old.status == PlanStatus.SUPERSEDED
    assert snapshot(v1)[1:] == before[1:]  # only the status changed
    assert queries.active_plan(patient).pk == v2.pk
    # Superseded and active versions are not editable.
    with pytest.raises(ValidationError, match="cannot be edited"):
        actions.save_goal(ctx, old, problem=old.problems.first(), in_patients_words="x y z")
    with pytest.raises(ValidationError, match="cannot be edited"):
        actions.save_goal(ctx, v2, problem=v2.problems.first(), in_patients_words="x y z")


def test_starting_twice_or_revising_twice_returns_the_same_draft(patient, clinician):
    ctx = ctx_for(clinician)
    open_episode(patient, clinician)
    first = actions.create_draft(ctx, patient)
    assert actions.create_draft(ctx, patient).pk == first.pk
    plan = full_plan(patient, clinician)
    assert plan.pk == first.pk
    draft = actions.revise_plan(ctx, plan)
    assert actions.revise_plan(ctx, plan).pk == draft.pk
    with pytest.raises(ValidationError, match="revise it"):
        # an active plan and a draft: a new plan is refused while the active one exists
        actions.discard_draft(ctx, draft)
        actions.create_draft(ctx, patient)


def test_a_retried_row_is_not_added_twice(patient, clinician):
    ctx = ctx_for(clinician)
    open_episode(patient, clinician)
    plan = actions.create_draft(ctx, patient)
    one = actions.save_problem(ctx, plan, kind="anxiety", statement="Panic on buses")
    two = actions.save_problem(ctx, plan, kind="anxiety", statement="Panic on buses")
    assert one.pk == two.pk and plan.problems.count() == 1


def test_target_date_before_the_plan_was_drafted_is_refused_naming_the_dates(patient, clinician):
    ctx = ctx_for(clinician)
    open_episode(patient, clinician)
    plan = actions.create_draft(ctx, patient)
    problem = actions.save_problem(ctx, plan, kind="other", statement="Debts")
    goal = actions.save_goal(ctx, plan, problem=problem, in_patients_words="Pay off my debts")
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError) as err:
        actions.save_objective(ctx, plan, goal=goal, text="See a debt adviser",
                               target_date=yesterday)
    message = err.value.message_dict["target_date"][0]
    assert "cannot be before the plan was drafted" in message
    assert f"{yesterday:%d %b %Y}" in message
    far = timezone.localdate() + timedelta(days=365 * 6)
    with pytest.raises(ValidationError, match="within 5 years"):
        actions.save_objective(ctx, plan, goal=goal, text="See a debt adviser", target_date=far)
    assert not Objective.objects.filter(goal=goal).exists()


def test_a_revision_keeps_a_passed_target_date_but_a_changed_one_is_checked(patient, clinician):
    ctx = ctx_for(clinician)
    v1 = full_plan(patient, clinician)
    past = timezone.localdate() - timedelta(days=10)
    Objective.objects.filter(goal__problem__plan=v1).update(target_date=past)  # time passed
    v2 = actions.revise_plan(ctx, v1)
    objective = Objective.objects.get(goal__problem__plan=v2)
    assert objective.target_date == past
    actions.save_objective(ctx, v2, goal=objective.goal, objective=objective,
                           text="Reworded objective", target_date=past)  # unchanged date: ok
    with pytest.raises(ValidationError, match="cannot be before"):
        actions.save_objective(ctx, v2, goal=objective.goal, objective=objective,
                               text="Reworded objective", target_date=past - timedelta(days=1))


def test_bad_input_names_the_field(patient, clinician, make_user):
    ctx = ctx_for(clinician)
    open_episode(patient, clinician)
    plan = actions.create_draft(ctx, patient)
    with pytest.raises(ValidationError) as err:
        actions.save_problem(ctx, plan, kind="nonsense", statement="  ")
    assert set(err.value.message_dict) == {"kind", "statement"}
    problem = actions.save_problem(ctx, plan, kind="ptsd", statement="Flashbacks")
    goal = actions.save_goal(ctx, plan, problem=problem, in_patients_words="Sleep")
    objective = actions.save_objective(ctx, plan, goal=goal, text="PCL-5 below 33",
                                       target_date=timezone.localdate() + timedelta(days=90))
    analyst = make_user(Role.ANALYST)
    with pytest.raises(ValidationError) as err:
        actions.save_intervention(ctx, plan, objective=objective, modality="juggling",
                                  frequency="", responsible=analyst)
    assert set(err.value.message_dict) == {"modality", "frequency", "responsible"}
    with pytest.raises(ValidationError, match="from 7 to 365"):
        actions.set_review_interval(ctx, plan, 3)


def test_co_occurring_problems_follow_their_measure_by_default(patient, clinician):
    ctx = ctx_for(clinician)
    open_episode(patient, clinician)
    plan = actions.create_draft(ctx, patient)
    kinds = {"depression": "phq-9", "anxiety": "gad-7", "ptsd": "pcl-5"}
    for kind, instrument in kinds.items():
        problem = actions.save_problem(ctx, plan, kind=kind, statement=f"{kind} problem")
        assert problem.measures == [instrument]
    assert actions.save_problem(ctx, plan, kind="social", statement="Housing").measures == []


def test_review_records_summary_statuses_and_next_review(patient, clinician):
    ctx = ctx_for(clinician)
    plan = full_plan(patient, clinician)
    objective = Objective.objects.get(goal__problem__plan=plan)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as err:
        actions.review_plan(ctx, plan, summary="short", next_review_on=today)
    assert set(err.value.message_dict) == {"summary", "next_review_on"}
    review = actions.review_plan(ctx, plan, summary="Two weeks abstinent; keep going.",
                                 objective_statuses={objective.uuid: ObjectiveStatus.MET},
                                 next_review_on=today + timedelta(days=14))
    plan.refresh_from_db()
    objective.refresh_from_db()
    assert objective.status == ObjectiveStatus.MET
    assert plan.next_review_on == review.next_review_on == today + timedelta(days=14)
    event = AuditEvent.objects.filter(action="review", patient_uuid=patient.uuid).get()
    assert event.details["objective_statuses"] == {str(objective.uuid): ["open", "met"]}
    assert "abstinent" not in str(event.details)  # no free text in the audit


def test_acknowledgement_records_how_who_and_when_once(patient, clinician):
    ctx = ctx_for(clinician)
    plan = full_plan(patient, clinician)
    with pytest.raises(ValidationError, match="at least 5"):
        actions.record_acknowledgement(ctx, plan, how="ok")
    with pytest.raises(ValidationError, match="future"):
        actions.record_acknowledgement(ctx, plan, how="Signed a copy",
                                       acknowledged_at=timezone.now() + timedelta(days=1))
    actions.record_acknowledgement(ctx, plan, how="Read together and signed a printed copy")
    plan.refresh_from_db()
    assert plan.patient_acknowledgement == "Read together and signed a printed copy"
    assert plan.acknowledgement_recorded_by == clinician
    assert plan.patient_acknowledged_at is not None
    assert AuditEvent.objects.filter(action="acknowledge", patient_uuid=patient.uuid).count() == 1
    with pytest.raises(ValidationError, match="already acknowledged"):
        actions.record_acknowledgement(ctx, plan, how="Again, verbally")


def test_outsiders_and_the_patient_cannot_change_a_plan(patient, clinician, outsider, make_user):
    plan = full_plan(patient, clinician, activate=False)
    with pytest.raises(PermissionDenied):
        actions.activate_plan(ctx_for(outsider), plan)
    account = make_user(account_type=AccountType.PATIENT, role="")
    patient.user = account
    patient.save(update_fields=["user"])
    with pytest.raises(PermissionDenied):
        actions.save_problem(ctx_for(account), plan, kind="other", statement="Mine")
    assert AuditEvent.objects.filter(outcome="denied", patient_uuid=patient.uuid).count() == 2
    assert TreatmentPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT


def test_reviews_overdue_lists_visible_active_plans_past_due_oldest_first(
        patient, make_patient, clinician, outsider):
    today = timezone.localdate()
    older, newer, due_today = (make_patient() for _ in range(3))
    plans = {}
    for p in (older, newer, due_today, patient):
        plans[p.pk] = full_plan(p, clinician)
    TreatmentPlan.objects.filter(pk=plans[older.pk].pk).update(
        next_review_on=today - timedelta(days=20))
    TreatmentPlan.objects.filter(pk=plans[newer.pk].pk).update(
        next_review_on=today - timedelta(days=2))
    TreatmentPlan.objects.filter(pk=plans[due_today.pk].pk).update(next_review_on=today)
    # A closed episode's plan is not waiting for review.
    TreatmentPlan.objects.filter(pk=plans[patient.pk].pk).update(
        next_review_on=today - timedelta(days=50))
    patient_actions.close_episode(ctx_for(clinician), patient.episodes.get(), reason="Completed")
    found = list(queries.reviews_overdue(clinician, today))
    assert [p.patient_id for p in found] == [older.pk, newer.pk]
    assert list(queries.reviews_overdue(outsider, today)) == []
