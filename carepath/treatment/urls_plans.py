"""URLs of the treatment plans pages (included by treatment/urls.py)."""

from django.urls import path

from . import views_plans

urlpatterns = [
    path("patients/<uuid:patient_id>/plans/", views_plans.chart_plan, name="chart_plan"),
]
