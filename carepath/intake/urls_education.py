from django.urls import path

from . import views_education

urlpatterns = [
    path("learn/", views_education.education_index, name="education_index"),
    path("learn/<slug:slug>/", views_education.article, name="article"),
]
