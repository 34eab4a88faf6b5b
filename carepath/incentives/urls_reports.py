"""Reports: earnings, negative-screen rates and cost per negative screen by programme, and a
patient's history chart."""

from django.urls import path

from . import views_reports

urlpatterns = [
    path("incentives/reports/", views_reports.reports, name="reports"),
    path("patients/<uuid:patient_id>/rewards/history/", views_reports.reward_history,
         name="reward_history"),
]
