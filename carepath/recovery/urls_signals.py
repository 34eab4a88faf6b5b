"""Recovery URLs: risk signals (the rules for staff; one person's signals)."""

from django.urls import path

from . import views_signals as views

urlpatterns = [
    path("recovery/risk-rules/", views.risk_rules_page, name="risk_rules"),
    path("patients/<uuid:patient_id>/recovery/signals/", views.patient_signals,
         name="signals"),
]
