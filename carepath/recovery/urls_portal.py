"""Recovery URLs: the portal shell (home, account, crisis page, installability) and the
portal invitation (the care team's chart page and the link the person opens)."""

from django.urls import path

from . import views_crisis, views_invitations, views_portal

urlpatterns = [
    path("my/", views_portal.home, name="home"),
    path("my/account/", views_portal.account, name="account"),
    path("my/record/", views_portal.my_record, name="my_record"),
    path("my/crisis/", views_crisis.crisis_page, name="crisis"),
    path("my/crisis/tell-my-team/", views_crisis.tell_team, name="crisis_tell_team"),
    path("my/offline/", views_portal.offline, name="offline"),
    path("my/manifest.webmanifest", views_portal.manifest, name="manifest"),
    path("my/sw.js", views_portal.service_worker, name="service_worker"),
    path("portal/join/<str:token>/", views_invitations.join, name="join"),
    path("patients/<uuid:patient_id>/portal-invite/", views_invitations.invite,
         name="portal_invite"),
]
