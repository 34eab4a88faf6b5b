from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("alerts/", views.alert_list, name="list"),
    path("patients/<uuid:patient_id>/alerts/<uuid:alert_id>/", views.alert_detail,
         name="detail"),
]
