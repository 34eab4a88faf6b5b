from django.urls import path

from . import views

app_name = "ui"

urlpatterns = [
    path("", views.home, name="home"),
    path("open/", views.open_by_mrn, name="open_by_mrn"),
    path("users/", views.users, name="users"),
]
