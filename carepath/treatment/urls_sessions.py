"""URLs of the treatment sessions pages (included by treatment/urls.py)."""

from django.urls import path

from . import views_sessions

urlpatterns = [
    path("patients/<uuid:patient_id>/sessions/", views_sessions.chart_sessions, name="chart_sessions"),
]
