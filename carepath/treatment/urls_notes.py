"""URLs of the treatment notes pages (included by treatment/urls.py)."""

from django.urls import path

from . import views_notes

urlpatterns = [
    path("patients/<uuid:patient_id>/notes/", views_notes.chart_notes, name="chart_notes"),
]
