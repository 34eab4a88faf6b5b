"""Recovery URLs: the relapse-prevention plan and risk times (the person's own under /my/,
the care team's on the chart). A version is addressed as "v3"."""

from django.urls import path

from . import views_plans, views_windows

CHART = "patients/<uuid:patient_id>/recovery/"

urlpatterns = [
    path("my/plan/", views_plans.my_plan, name="my_plan"),
    path("my/plan/edit/", views_plans.my_plan_edit, name="my_plan_edit"),
    path("my/plan/<str:version>/", views_plans.my_plan_version, name="my_plan_version"),
    path(CHART + "plan/", views_plans.chart_plan, name="chart_plan"),
    path(CHART + "plan/<str:version>/", views_plans.chart_plan_version,
         name="chart_plan_version"),
    path("my/risk-windows/", views_windows.my_windows, name="my_windows"),
    path("my/risk-windows/<uuid:window_id>/cancel/", views_windows.my_window_cancel,
         name="my_window_cancel"),
    path(CHART + "risk-windows/", views_windows.chart_windows, name="chart_windows"),
    path(CHART + "risk-windows/<uuid:window_id>/cancel/", views_windows.chart_window_cancel,
         name="chart_window_cancel"),
]
