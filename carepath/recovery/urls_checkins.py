"""Recovery URLs: the patient's daily check-in, its result, the history, and connecting
a mobile app (all the person's own, under /my/)."""

from django.urls import path

from . import views_checkins as views

urlpatterns = [
    path("my/checkin/", views.checkin, name="checkin"),
    path("my/checkins/", views.checkin_history, name="checkin_history"),
    path("my/checkins/<uuid:checkin_id>/", views.checkin_result, name="checkin_result"),
    path("my/checkins/<uuid:checkin_id>/contact-me/", views.checkin_contact,
         name="checkin_contact"),
    path("my/app/", views.app_tokens, name="app"),
    path("my/app/<uuid:token_id>/revoke/", views.app_token_revoke, name="app_revoke"),
]
