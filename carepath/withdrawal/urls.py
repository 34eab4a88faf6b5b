"""Supervised withdrawal pages."""

from django.urls import path

from . import views

app_name = "withdrawal"

urlpatterns = [
    path("patients/<uuid:patient_id>/withdrawal/", views.chart_withdrawal,
         name="chart_withdrawal"),
]
