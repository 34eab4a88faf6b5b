from django.urls import path

from . import views_selfcheck

urlpatterns = [
    path("self-check/", views_selfcheck.selfcheck_start, name="selfcheck"),
    path("self-check/more/", views_selfcheck.selfcheck_more, name="selfcheck_more"),
    path("self-check/callback/", views_selfcheck.selfcheck_callback,
         name="selfcheck_callback"),
]
