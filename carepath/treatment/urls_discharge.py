"""URLs of the treatment discharge pages (included by treatment/urls.py)."""

from django.urls import path

from . import views_discharge as views

urlpatterns = [
    path("patients/<uuid:patient_id>/discharge/", views.chart_discharge,
         name="chart_discharge"),
    path("patients/<uuid:patient_id>/discharge/readmit/", views.readmit, name="readmit"),
    path("patients/<uuid:patient_id>/discharge/<uuid:discharge_id>/", views.discharge_page,
         name="discharge"),
    path("patients/<uuid:patient_id>/discharge/<uuid:discharge_id>/print/",
         views.discharge_print, name="discharge_print"),
    path("patients/<uuid:patient_id>/aftercare/", views.aftercare, name="aftercare"),
    path("my/aftercare/", views.my_aftercare, name="my_aftercare"),
]
