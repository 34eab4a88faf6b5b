"""The chart's Treatment plan tab, the draft editor, review, acknowledgement, print and the
overdue-reviews list. Thin: parse, call the actions or queries, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from carepath.access.guards import patient_view
from carepath.access.policy import patient_change_access
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.views import _render_chart
from carepath.ui.forms import add_action_errors

from . import actions_plans as actions
from . import queries_plans as queries
from .forms_plans import (
    AcknowledgementForm,
    GoalForm,
    IntervalForm,
    InterventionForm,
    ObjectiveForm,
    ProblemForm,
    ReviewForm,
)
from .models import PlanStatus

TAB = "plan"
OBJECT_TYPE = actions.OBJECT_TYPE
FORMS = {"problem": ProblemForm, "goal": GoalForm, "objective": ObjectiveForm,
         "intervention": InterventionForm}
PARENT = {"goal": "problem", "objective": "goal", "intervention": "objective"}


def _ctx(request):
    return audit.Context.from_request(request)


def _may_change(request, patient) -> bool:
    return bool(patient_change_access(request.user, patient))


def _plan(patient, plan_id):
    plan = queries.plan_with_rows(patient, plan_id)
    if plan is None:
        raise Http404("No such plan")
    plan.patient = patient
    return plan


def _audit_redisplay(request, patient) -> None:
    audit.record(_ctx(request), Action.READ, patient=patient, object_type=OBJECT_TYPE,
                 details={"redisplay": True})


def _to_plan_tab(patient):
    return redirect("treatment:chart_plan", patient_id=patient.uuid)


def _to_plan(plan, anchor=""):
    return redirect(reverse("treatment:plan", kwargs={"patient_id": plan.patient.uuid,
                                                      "plan_id": plan.uuid}) + anchor)


def _today():
    return timezone.localdate()


# --- The tab ---------------------------------------------------------------------------

def _tab(request, patient, *, ack_form=None, status=200):
    active = queries.with_rows(queries.active_plan(patient))
    if active is not None:
        active.patient = patient
    may_change = _may_change(request, patient)
    history = queries.versions(patient)
    draft = next((p for p in history if p.status == PlanStatus.DRAFT
                  and p.episode.closed_at is None), None)
    response = _render_chart(request, patient, TAB, "treatment/plan_tab.html", {
        "plan": active, "draft": draft, "history": history, "may_change": may_change,
        "measures": queries.measure_rows(active) if active else {},
        "ack_form": ack_form or AcknowledgementForm(), "today": _today()})
    response.status_code = status
    return response


@login_required
@patient_view(OBJECT_TYPE)
def chart_plan(request, patient):
    return _tab(request, patient)


@login_required
@require_POST
@patient_view(OBJECT_TYPE)
def plan_create(request, patient):
    try:
        plan = actions.create_draft(_ctx(request), patient)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _to_plan_tab(patient)
    plan.patient = patient
    messages.success(request, f"Draft version {plan.version} started.")
    return _to_plan(plan)


# --- One version: the draft editor, or read-only -------------------------------------------

def _parse_key(key: str):
    """'new-problem', 'new-goal-12', 'edit-objective-7' -> (mode, kind, number or None)."""
    parts = (key or "").split("-")
    if len(parts) not in (2, 3) or parts[0] not in ("new", "edit") or parts[1] not in FORMS:
        return None
    number = None
    if len(parts) == 3:
        if not parts[2].isdigit():
            return None
        number = int(parts[2])
    if (parts[0] == "edit" or parts[1] != "problem") and number is None:
        return None
    return parts[0], parts[1], number


def _initial(kind, row) -> dict:
    if kind == "problem":
        return {"kind": row.kind, "statement": row.statement, "measures": row.measures}
    if kind == "goal":
        return {"in_patients_words": row.in_patients_words}
    if kind == "objective":
        return {"text": row.text, "target_date": row.target_date, "status": row.status}
    return {"modality": row.modality, "frequency": row.frequency,
            "responsible": str(row.responsible_id)}


def _make_form(kind, key, staff, data=None, initial=None):
    extra = {"staff": staff} if kind == "intervention" else {}
    return FORMS[kind](data, prefix=key, initial=initial, **extra)


def _draft_page(request, patient, plan, *, bound=None, interval_form=None, errors=None,
                status=200):
    """The draft with a form where each row can be added or changed. ``bound`` is a posted
    form (key, form) shown again with its errors, in its place."""
    staff = list(actions.responsible_staff(patient.organisation_id))
    editing = request.GET.get("edit", "")
    bound_key = bound[0] if bound else ""

    def form(kind, key, row=None):
        if key == bound_key:
            return bound[1]
        return _make_form(kind, key, staff, initial=_initial(kind, row) if row else None)

    for problem in plan.problems.all():
        problem.add_key = f"new-goal-{problem.pk}"
        problem.add_form = form("goal", problem.add_key)
        problem.edit_form = _edit_form(form, "problem", problem, editing, bound_key)
        for goal in problem.goals.all():
            goal.add_key = f"new-objective-{goal.pk}"
            goal.add_form = form("objective", goal.add_key)
            goal.edit_form = _edit_form(form, "goal", goal, editing, bound_key)
            for objective in goal.objectives.all():
                objective.add_key = f"new-intervention-{objective.pk}"
                objective.add_form = form("intervention", objective.add_key)
                objective.edit_form = _edit_form(form, "objective", objective, editing,
                                                 bound_key)
                for intervention in objective.interventions.all():
                    intervention.edit_form = _edit_form(form, "intervention", intervention,
                                                        editing, bound_key)
    response = _render_chart(request, patient, TAB, "treatment/plan_draft.html", {
        "plan": plan, "new_problem_form": form("problem", "new-problem"),
        "interval_form": interval_form or IntervalForm(
            initial={"review_every_days": plan.review_every_days}),
        "bound_key": bound_key, "activation_errors": errors or [],
        "measures": queries.measure_rows(plan)})
    response.status_code = status
    return response


def _edit_form(form, kind, row, editing, bound_key):
    key = row.edit_key = f"edit-{kind}-{row.pk}"
    if key in (editing, bound_key):
        return form(kind, key, row)
    return None


@login_required
@patient_view(OBJECT_TYPE)
def plan_detail(request, patient, plan_id):
    plan = _plan(patient, plan_id)
    if plan.status == PlanStatus.DRAFT and _may_change(request, patient):
        return _draft_page(request, patient, plan)
    return _render_chart(request, patient, TAB, "treatment/plan_version.html", {
        "plan": plan, "measures": queries.measure_rows(plan), "today": _today(),
        "may_change": _may_change(request, patient)})


@login_required
@require_POST
@patient_view(OBJECT_TYPE)
def plan_row(request, patient, plan_id):
    plan = _plan(patient, plan_id)
    key = request.POST.get("key", "")
    parsed = _parse_key(key)
    if parsed is None:
        raise Http404("Unknown row")
    mode, kind, number = parsed
    ctx = _ctx(request)
    if mode == "edit" and request.POST.get("remove"):
        try:
            actions.remove_row(ctx, plan, kind, number)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"The {kind} was removed.")
        return _to_plan(plan)
    staff = list(actions.responsible_staff(patient.organisation_id))
    form = _make_form(kind, key, staff, data=request.POST)
    if form.is_valid():
        try:
            row = _save(ctx, plan, kind, mode, number, form)
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, f"The {kind} was saved.")
            return _to_plan(plan, f"#{kind}-{row.pk}")
    _audit_redisplay(request, patient)
    return _draft_page(request, patient, _plan(patient, plan_id), bound=(key, form),
                       status=400)


def _save(ctx, plan, kind, mode, number, form):
    data = form.cleaned_data
    row = number if mode == "edit" else None
    parent = number if mode == "new" else None
    if mode == "edit":
        row = actions.rows_of(plan, kind).filter(pk=number).first()
        if row is None:
            raise ValidationError({kind: [f"That {kind} is not part of this draft plan."]})
    if kind == "problem":
        return actions.save_problem(ctx, plan, kind=data["kind"], statement=data["statement"],
                                    measures=data["measures"] or None, problem=row)
    parent_row = (actions.rows_of(plan, PARENT[kind]).filter(pk=parent).first()
                  if parent is not None else getattr(row, PARENT[kind]))
    if parent_row is None:
        raise ValidationError({PARENT[kind]: [f"That {PARENT[kind]} is not part of this "
                                              "draft plan."]})
    if kind == "goal":
        return actions.save_goal(ctx, plan, problem=parent_row,
                                 in_patients_words=data["in_patients_words"], goal=row)
    if kind == "objective":
        return actions.save_objective(ctx, plan, goal=parent_row, text=data["text"],
                                      target_date=data["target_date"], status=data["status"],
                                      objective=row)
    return actions.save_intervention(ctx, plan, objective=parent_row,
                                     modality=data["modality"], frequency=data["frequency"],
                                     responsible=form.responsible_user(), intervention=row)


@login_required
@require_POST
@patient_view(OBJECT_TYPE)
def plan_interval(request, patient, plan_id):
    plan = _plan(patient, plan_id)
    form = IntervalForm(request.POST)
    if form.is_valid():
        try:
            actions.set_review_interval(_ctx(request), plan, form.cleaned_data[
                "review_every_days"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "Review interval saved.")
            return _to_plan(plan)
    _audit_redisplay(request, patient)
    return _draft_page(request, patient, plan, interval_form=form, status=400)


@login_required
@require_POST
@patient_view(OBJECT_TYPE)
def plan_activate(request, patient, plan_id):
    plan = _plan(patient, plan_id)
    try:
        actions.activate_plan(_ctx(request), plan)
    except ValidationError as exc:
        if plan.status != PlanStatus.DRAFT:
            messages.error(request, " ".join(exc.messages))
            return _to_plan_tab(patient)
        _audit_redisplay(request, patient)
        return _draft_page(request, patient, plan, errors=exc.messages, status=400)
    messages.success(request, f"Version {plan.version} is now the active plan. Next review "
                              f"{plan.next_review_on:%d %b %Y}.")
    return _to_plan_tab(patient)


@login_required
@require_POST
@patient_view(OBJECT_TYPE)
def plan_revise(request, patient, plan_id):
    plan = _plan(patient, plan_id)
    try:
        draft = actions.revise_plan(_ctx(request), plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _to_plan_tab(patient)
    draft.patient = patient
    messages.success(request, f"Draft version {draft.version} made from version "
                              f"{plan.version}. The active plan stays in force until you "
                              "activate the draft.")
    return _to_plan(draft)


@login_required
@require_POST
@patient_view(OBJECT_TYPE)
def plan_discard(request, patient, plan_id):
    plan = _plan(patient, plan_id)
    try:
        actions.discard_draft(_ctx(request), plan)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Draft version {plan.version} discarded.")
    return _to_plan_tab(patient)


# Downstream apps (incentives) add callables (patient) -> (template name, context) or None
# here in their ready(): sections on the review page that treatment knows nothing about.
REVIEW_SECTIONS: list = []


def _review_sections(patient) -> list[tuple[str, dict]]:
    return [section for make in REVIEW_SECTIONS if (section := make(patient))]


@login_required
@patient_view(OBJECT_TYPE)
def plan_review(request, patient, plan_id):
    plan = _plan(patient, plan_id)
    if plan.status != PlanStatus.ACTIVE:
        messages.error(request, "Only the active plan is reviewed.")
        return _to_plan_tab(patient)
    objectives = [o for p in plan.problems.all() for g in p.goals.all()
                  for o in g.objectives.all()]
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST, objectives=objectives)
        if form.is_valid():
            try:
                actions.review_plan(_ctx(request), plan, summary=form.cleaned_data["summary"],
                                    objective_statuses=form.statuses(),
                                    next_review_on=form.cleaned_data["next_review_on"])
            except ValidationError as exc:
                add_action_errors(form, exc)
            else:
                messages.success(request, f"Review recorded. Next review "
                                          f"{plan.next_review_on:%d %b %Y}.")
                return _to_plan_tab(patient)
        status = 400
        _audit_redisplay(request, patient)
    else:
        form = ReviewForm(objectives=objectives)
    response = _render_chart(request, patient, TAB, "treatment/plan_review.html", {
        "plan": plan, "form": form, "measures": queries.measure_rows(plan),
        "review_sections": _review_sections(patient),
        "may_change": _may_change(request, patient), "today": _today()})
    response.status_code = status
    return response


@login_required
@require_POST
@patient_view(OBJECT_TYPE)
def plan_acknowledge(request, patient, plan_id):
    plan = _plan(patient, plan_id)
    form = AcknowledgementForm(request.POST)
    if form.is_valid():
        try:
            actions.record_acknowledgement(_ctx(request), plan, how=form.cleaned_data["how"],
                                           acknowledged_at=form.cleaned_data["acknowledged_at"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, "The patient's acknowledgement was recorded.")
            return _to_plan_tab(patient)
    _audit_redisplay(request, patient)
    return _tab(request, patient, ack_form=form, status=400)


@login_required
@patient_view(OBJECT_TYPE, action=Action.PRINT)
def plan_print(request, patient, plan_id):
    plan = _plan(patient, plan_id)
    return render(request, "treatment/plan_print.html", {
        "patient": patient, "plan": plan, "measures": queries.measure_rows(plan),
        "printed_at": timezone.now(), "today": _today(), "printing": True})


# --- Overdue reviews -------------------------------------------------------------------------

@login_required
def reviews_overdue(request):
    today = _today()
    plans = list(queries.reviews_overdue(request.user, today)[:500])
    for plan in plans:
        plan.days_overdue = (today - plan.next_review_on).days
    audit.record_list(_ctx(request), OBJECT_TYPE, [p.patient.uuid for p in plans],
                      list="plan_reviews_overdue")
    return render(request, "treatment/plan_reviews_overdue.html",
                  {"plans": plans, "today": today})
