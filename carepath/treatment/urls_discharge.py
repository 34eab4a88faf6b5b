"""URLs of the treatment discharge pages (included by treatment/urls.py)."""

from django.urls import path

from . import views_discharge

urlpatterns = [
    path("patients/<uuid:patient_id>/discharge/", views_discharge.chart_discharge, name="chart_discharge"),
]
