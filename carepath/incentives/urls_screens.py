"""Drug screens on the chart: record (with results per analyte), record a missed screen,
read one, amend a result."""

from django.urls import path

from . import views_screens

urlpatterns = [
    path("patients/<uuid:patient_id>/screens/", views_screens.chart_screens,
         name="chart_screens"),
    path("patients/<uuid:patient_id>/screens/new/", views_screens.record_screen,
         name="record_screen"),
    path("patients/<uuid:patient_id>/screens/missed/", views_screens.record_missed,
         name="record_missed"),
    path("patients/<uuid:patient_id>/screens/<uuid:screen_id>/", views_screens.screen_detail,
         name="screen_detail"),
    path("patients/<uuid:patient_id>/screens/<uuid:screen_id>/amend/",
         views_screens.amend_screen, name="amend_screen"),
]
