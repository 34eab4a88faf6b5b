from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.report, name="report"),
    path("report.csv", views.report_csv, name="report_csv"),
]
