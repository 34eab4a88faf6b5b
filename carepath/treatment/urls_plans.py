"""URLs of the treatment plans pages (included by treatment/urls.py)."""

from django.urls import path

from . import views_plans as views

PLAN = "patients/<uuid:patient_id>/plans/<uuid:plan_id>/"

urlpatterns = [
    path("patients/<uuid:patient_id>/plans/", views.chart_plan, name="chart_plan"),
    path("patients/<uuid:patient_id>/plans/new/", views.plan_create, name="plan_create"),
    path(PLAN, views.plan_detail, name="plan"),
    path(PLAN + "rows/", views.plan_row, name="plan_row"),
    path(PLAN + "interval/", views.plan_interval, name="plan_interval"),
    path(PLAN + "activate/", views.plan_activate, name="plan_activate"),
    path(PLAN + "revise/", views.plan_revise, name="plan_revise"),
    path(PLAN + "discard/", views.plan_discard, name="plan_discard"),
    path(PLAN + "review/", views.plan_review, name="plan_review"),
    path(PLAN + "acknowledge/", views.plan_acknowledge, name="plan_acknowledge"),
    path(PLAN + "print/", views.plan_print, name="plan_print"),
    path("treatment/plans/reviews/", views.reviews_overdue, name="plan_reviews_overdue"),
]
