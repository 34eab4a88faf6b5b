"""Family sessions: the session lead invites consenting supporters."""

from django.urls import path

from . import views_sessions

urlpatterns = [
    path("family/sessions/<uuid:session_id>/invite/", views_sessions.session_invite,
         name="session_invite"),
]
