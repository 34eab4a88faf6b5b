from django.urls import path

from . import views_assessment as views

urlpatterns = [
    path("patients/<uuid:patient_id>/assessments/", views.chart_assessments,
         name="chart_assessments"),
    path("patients/<uuid:patient_id>/assessments/<uuid:assessment_id>/",
         views.assessment_detail, name="assessment"),
    path("patients/<uuid:patient_id>/assessments/<uuid:assessment_id>/placement/",
         views.placement_page, name="placement"),
]
