"""Treatment plan pages: the tab, the draft editor without JavaScript (errors keep what was
typed), activation, revision, review and acknowledgement forms, the measure link, the
print view, the overdue list, access and bounded query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for, verified_client
from carepath.measures import actions as measure_actions
from carepath.measures import catalogue
from carepath.measures.models import Mode
from carepath.treatment import actions_plans as actions
from carepath.treatment.models import (
    Goal,
    Objective,
    PlanStatus,
    Problem,
    SessionType,
    TreatmentPlan,
)

from .test_plan_versions import full_plan, open_episode

pytestmark = pytest.mark.django_db


def tab(patient):
    return f"/patients/{patient.uuid}/plans/"


def plan_url(plan, tail=""):
    return f"/patients/{plan.patient.uuid}/plans/{plan.uuid}/{tail}"


def give(patient, user, instrument, values):
    defn = catalogue.get(instrument)
    return measure_actions.submit(ctx_for(user), patient, instrument,
                                  dict(zip(defn.item_ids, values, strict=True)),
                                  mode=Mode.CLINICIAN)


def test_the_chart_has_a_plan_tab_and_a_plan_is_built_without_javascript(patient, clinician):
    open_episode(patient, clinician)
    client = verified_client(clinician)
    html = client.get(f"/patients/{patient.uuid}/").content.decode()
    assert f'href="{tab(patient)}"' in html and ">Treatment plan<" in html
    assert 'data-testid="no-plan"' in client.get(tab(patient)).content.decode()
    response = client.post(f"/patients/{patient.uuid}/plans/new/")
    plan = TreatmentPlan.objects.get(patient=patient)
    assert response.status_code == 302 and response.url == plan_url(plan)
    post = client.post(plan_url(plan, "rows/"), {
        "key": "new-problem", "new-problem-kind": "substance_use",
        "new-problem-statement": "Uses ketamine most days"})
    assert post.status_code == 302
    problem = Problem.objects.get(plan=plan)
    client.post(plan_url(plan, "rows/"), {
        "key": f"new-goal-{problem.pk}",
        f"new-goal-{problem.pk}-in_patients_words": "I want my life back"})
    goal = Goal.objects.get(problem=problem)
    target = (timezone.localdate() + timedelta(days=30)).isoformat()
    client.post(plan_url(plan, "rows/"), {
        "key": f"new-objective-{goal.pk}", f"new-objective-{goal.pk}-text": "7 days without use",
        f"new-objective-{goal.pk}-target_date": target, f"new-objective-{goal.pk}-status": "open"})
    objective = Objective.objects.get(goal=goal)
    key = f"new-intervention-{objective.pk}"
    client.post(plan_url(plan, "rows/"), {
        "key": key, f"{key}-modality": "relapse_prevention", f"{key}-frequency": "weekly",
        f"{key}-responsible": str(clinician.pk)})
    assert objective.interventions.count() == 1
    # Edit a row through ?edit= and a post.
    page = client.get(plan_url(plan) + f"?edit=edit-goal-{goal.pk}").content.decode()
    assert f'name="edit-goal-{goal.pk}-in_patients_words"' in page
    client.post(plan_url(plan, "rows/"), {
        "key": f"edit-goal-{goal.pk}", f"edit-goal-{goal.pk}-in_patients_words": "My life back"})
    assert Goal.objects.get(pk=goal.pk).in_patients_words == "My life back"
    response = client.post(plan_url(plan, "activate/"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    html = client.get(tab(patient)).content.decode()
    assert 'data-testid="active-plan"' in html and "My life back" in html
    assert "Relapse prevention, weekly" in html


def test_a_refused_row_keeps_what_was_typed_and_names_the_limit(patient, clinician):
    open_episode(patient, clinician)
    client = verified_client(clinician)
    plan = actions.create_draft(ctx_for(clinician), patient)
    problem = actions.save_problem(ctx_for(clinician), plan, kind="other", statement="Debts")
    goal = actions.save_goal(ctx_for(clinician), plan, problem=problem,
                             in_patients_words="Be debt free")
    key = f"new-objective-{goal.pk}"
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    response = client.post(plan_url(plan, "rows/"), {
        "key": key, f"{key}-text": "Meet the debt adviser twice",
        f"{key}-target_date": past, f"{key}-status": "open"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be before the plan was drafted" in html
    assert "Meet the debt adviser twice" in html and f'value="{past}"' in html
    assert not Objective.objects.exists()


def test_activating_an_incomplete_draft_says_what_is_missing(patient, clinician):
    open_episode(patient, clinician)
    plan = actions.create_draft(ctx_for(clinician), patient)
    actions.save_problem(ctx_for(clinician), plan, kind="social", statement="Housing")
    response = verified_client(clinician).post(plan_url(plan, "activate/"))
    assert response.status_code == 400
    assert "Problem 1 has no goal." in response.content.decode()


def test_revise_then_the_old_version_stays_viewable_in_the_history(patient, clinician):
    plan = full_plan(patient, clinician)
    client = verified_client(clinician)
    response = client.post(plan_url(plan, "revise/"))
    draft = TreatmentPlan.objects.get(patient=patient, status=PlanStatus.DRAFT)
    assert response.url == plan_url(draft)
    client.post(plan_url(draft, "activate/"))
    html = client.get(tab(patient)).content.decode()
    assert "View version 1" in html and "View version 2" in html
    old = client.get(plan_url(plan)).content.decode()
    assert "Superseded" in old and "Daily ketamine use" in old
    assert 'action="' + plan_url(plan, "rows/") not in old  # read-only


def test_review_and_acknowledgement_through_the_pages(patient, clinician):
    plan = full_plan(patient, clinician)
    objective = Objective.objects.get(goal__problem__plan=plan)
    client = verified_client(clinician)
    bad = client.post(plan_url(plan, "review/"), {"summary": "short",
                                                  f"objective_{objective.uuid}": "met"})
    assert bad.status_code == 400 and "at least 10 characters" in bad.content.decode()
    next_review = (timezone.localdate() + timedelta(days=10)).isoformat()
    ok = client.post(plan_url(plan, "review/"), {
        "summary": "Good progress this month.", f"objective_{objective.uuid}": "met",
        "next_review_on": next_review})
    assert ok.status_code == 302
    assert Objective.objects.get(pk=objective.pk).status == "met"
    refused = client.post(plan_url(plan, "acknowledge/"), {"how": "ok"})
    assert refused.status_code == 400 and 'value="ok"' in refused.content.decode()
    client.post(plan_url(plan, "acknowledge/"), {"how": "Signed a printed copy"})
    html = client.get(tab(patient)).content.decode()
    assert "Signed a printed copy" in html and "Good progress this month." in html


def test_a_co_occurring_problem_shows_its_latest_score_band_and_trend_link(patient, clinician):
    plan = full_plan(patient, clinician, activate=False)
    ctx = ctx_for(clinician)
    problem = actions.save_problem(ctx, plan, kind="anxiety", statement="Panic attacks")
    goal = actions.save_goal(ctx, plan, problem=problem, in_patients_words="Go out alone")
    objective = actions.save_objective(ctx, plan, goal=goal, text="GAD-7 below 10",
                                       target_date=timezone.localdate() + timedelta(days=60))
    actions.save_intervention(ctx, plan, objective=objective, modality=SessionType.CBT,
                              frequency="weekly", responsible=clinician)
    actions.activate_plan(ctx, plan)
    give(patient, clinician, "gad-7", [3, 3, 3, 3, 3, 3, 3])  # older
    give(patient, clinician, "gad-7", [3, 0, 1, 2, 0, 0, 1])  # latest: 7, mild
    html = verified_client(clinician).get(tab(patient)).content.decode()
    row = html[html.index('data-testid="measure-gad-7"'):]
    row = row[:row.index("</tr>")]
    assert "<td>7</td>" in row and "Mild" in row
    assert f"/patients/{patient.uuid}/measures/trend/gad-7/" in row


def test_print_view_has_identity_header_print_stylesheet_and_no_forms(patient, clinician):
    plan = full_plan(patient, clinician)
    response = verified_client(clinician).get(plan_url(plan, "print/"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="print-identity"' in html and patient.mrn in html
    assert patient.legal_name in html and "treatment/print.css" in html
    assert "<form" not in html.split('data-testid="print-identity"')[1].split("</main>")[0]
    assert AuditEvent.objects.filter(action="print", patient_uuid=patient.uuid).exists()


def test_outsider_is_refused_every_plan_page(patient, clinician, outsider):
    plan = full_plan(patient, clinician)
    client = verified_client(outsider)
    for url in (tab(patient), plan_url(plan), plan_url(plan, "print/"), plan_url(plan, "review/")):
        assert client.get(url).status_code == 403
    assert client.post(plan_url(plan, "revise/")).status_code == 403
    assert TreatmentPlan.objects.filter(patient=patient).count() == 1


def test_overdue_page_lists_only_visible_overdue_reviews(patient, make_patient, clinician,
                                                         outsider):
    plan = full_plan(patient, clinician)
    other = make_patient()
    other_plan = full_plan(other, clinician)
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        next_review_on=timezone.localdate() - timedelta(days=4))
    html = verified_client(clinician).get("/treatment/plans/reviews/").content.decode()
    assert patient.mrn in html and other.mrn not in html and ">4<" in html
    assert other_plan.next_review_on >= timezone.localdate()
    outsider_html = verified_client(outsider).get("/treatment/plans/reviews/").content.decode()
    assert 'data-testid="none-overdue"' in outsider_html


def _grow(patient, clinician, plan, n):
    ctx = ctx_for(clinician)
    target = timezone.localdate() + timedelta(days=40)
    for k in range(n):
        problem = actions.save_problem(ctx, plan, kind="depression", statement=f"Problem {k}")
        goal = actions.save_goal(ctx, plan, problem=problem, in_patients_words=f"Goal {k}")
        for j in range(3):
            objective = actions.save_objective(ctx, plan, goal=goal, text=f"Objective {k}.{j}",
                                               target_date=target)
            actions.save_intervention(ctx, plan, objective=objective, modality=SessionType.CBT,
                                      frequency="weekly", responsible=clinician)


@pytest.mark.parametrize("page", ["tab", "draft"])
def test_plan_pages_run_a_fixed_number_of_queries(patient, clinician, page,
                                                 django_assert_max_num_queries):
    open_episode(patient, clinician)
    ctx = ctx_for(clinician)
    plan = actions.create_draft(ctx, patient)
    _grow(patient, clinician, plan, 1)
    if page == "tab":
        actions.activate_plan(ctx, plan)
        give(patient, clinician, "phq-9", [1, 1, 1, 1, 1, 1, 1, 1, 0])
    url = tab(patient) if page == "tab" else plan_url(plan)
    client = verified_client(clinician)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    if page == "tab":
        revised = actions.revise_plan(ctx, plan)
        actions.activate_plan(ctx, revised)
        plan = revised
        actions.revise_plan(ctx, plan)  # plus a draft in the history
        actions.review_plan(ctx, plan, summary="A review to list here.")
    # More rows (through a new version for the tab), more versions, a review, more scores.
    draft = TreatmentPlan.objects.get(patient=patient, status=PlanStatus.DRAFT) \
        if page == "tab" else plan
    _grow(patient, clinician, draft, 10)
    if page == "tab":
        actions.activate_plan(ctx, draft)
        give(patient, clinician, "phq-9", [2, 1, 1, 1, 1, 1, 1, 1, 0])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    # 10: "Problem 0" was there already, so adding it again returned the same row.
    assert response.content.decode().count('data-testid="plan-problem"') == 10
