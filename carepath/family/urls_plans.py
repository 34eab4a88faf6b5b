"""The staged-intervention planner: one page per step (family:step_<slug>), the team's
invitations, and the printable run sheet."""

from django.urls import path

from . import views_plan_early, views_plan_late, views_plans

urlpatterns = [
    path("family/plans/new/", views_plans.plan_new, name="plan_new"),
    path("family/plans/<uuid:plan_id>/", views_plans.plan_overview, name="plan"),
    path("family/plans/join/<str:token>/", views_plans.plan_join, name="plan_join"),
    path("family/plans/<uuid:plan_id>/plan/", views_plan_early.step_plan, name="step_plan"),
    path("family/plans/<uuid:plan_id>/consult/", views_plan_early.step_consult,
         name="step_consult"),
    path("family/plans/<uuid:plan_id>/statements/", views_plan_early.step_statements,
         name="step_statements"),
    path("family/plans/<uuid:plan_id>/options/", views_plan_late.step_options,
         name="step_options"),
    path("family/plans/<uuid:plan_id>/boundaries/", views_plan_late.step_boundaries,
         name="step_boundaries"),
    path("family/plans/<uuid:plan_id>/hold/", views_plan_late.step_hold, name="step_hold"),
    path("family/plans/<uuid:plan_id>/follow-up/", views_plan_late.step_follow_up,
         name="step_follow_up"),
    path("family/plans/<uuid:plan_id>/run-sheet/", views_plan_late.run_sheet,
         name="run_sheet"),
]
