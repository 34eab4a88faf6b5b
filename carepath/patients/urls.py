from django.urls import path

from . import views

app_name = "patients"

urlpatterns = [
    path("new/", views.create, name="create"),
    path("<uuid:patient_id>/", views.chart, name="chart"),
    path("<uuid:patient_id>/edit/", views.edit, name="edit"),
    path("<uuid:patient_id>/care-team/", views.care_team, name="care_team"),
    path("<uuid:patient_id>/care-team/<uuid:member_id>/remove/", views.care_team_remove,
         name="care_team_remove"),
    path("<uuid:patient_id>/episodes/", views.episodes, name="episodes"),
    path("<uuid:patient_id>/episodes/<uuid:episode_id>/level/", views.episode_level,
         name="episode_level"),
    path("<uuid:patient_id>/episodes/<uuid:episode_id>/close/", views.episode_close,
         name="episode_close"),
    path("<uuid:patient_id>/consents/", views.consents, name="consents"),
    path("<uuid:patient_id>/consents/<uuid:consent_id>/revoke/", views.consent_revoke,
         name="consent_revoke"),
    path("<uuid:patient_id>/consents/<uuid:consent_id>/print/", views.consent_print,
         name="consent_print"),
]
