from django.urls import path

from . import trend_views, views

app_name = "measures"

urlpatterns = [
    path("patients/<uuid:patient_id>/measures/", views.chart_measures, name="chart"),
    path("patients/<uuid:patient_id>/measures/new/<str:instrument_id>/", views.respond,
         name="respond"),
    path("patients/<uuid:patient_id>/measures/responses/<uuid:response_id>/",
         views.response_detail, name="response"),
    path("patients/<uuid:patient_id>/measures/trend/<str:instrument_id>/", trend_views.trend,
         name="trend"),
    path("patients/<uuid:patient_id>/measures/schedules/", views.schedule_add,
         name="schedule_add"),
    path("patients/<uuid:patient_id>/measures/schedules/<uuid:schedule_id>/stop/",
         views.schedule_stop, name="schedule_stop"),
    path("patients/<uuid:patient_id>/measures/links/", views.link_create, name="link_create"),
    path("measures/programme-schedules/", views.programme_schedules,
         name="programme_schedules"),
    path("m/<str:token>/", views.by_link, name="by_link"),
]
