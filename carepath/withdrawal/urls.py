"""Supervised withdrawal pages."""

from django.urls import path

from . import views

app_name = "withdrawal"

urlpatterns = [
    path("withdrawal/", views.board, name="board"),
    path("patients/<uuid:patient_id>/withdrawal/", views.chart_withdrawal,
         name="chart_withdrawal"),
    path("patients/<uuid:patient_id>/withdrawal/plan/", views.plan, name="plan"),
    path("patients/<uuid:patient_id>/withdrawal/medication/", views.medication,
         name="medication"),
    path("patients/<uuid:patient_id>/withdrawal/handover/", views.handover, name="handover"),
    path("patients/<uuid:patient_id>/withdrawal/observations/<uuid:observation_id>/error/",
         views.entered_in_error, name="entered_in_error"),
]
