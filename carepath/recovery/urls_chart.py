"""Recovery URLs: the chart tab (check-in trends beside the plan)."""

from django.urls import path

from . import views_chart as views

urlpatterns = [
    path("patients/<uuid:patient_id>/recovery/", views.chart_recovery, name="chart"),
]
