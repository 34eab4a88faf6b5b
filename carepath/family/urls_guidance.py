"""Guidance for families (public) and the supporter's own well-being check-in."""

from django.urls import path

from . import views_guidance

urlpatterns = [
    path("family/guide/", views_guidance.guide, name="guide"),
    path("family/guide/<slug:topic>/", views_guidance.guide_topic, name="guide_topic"),
    path("family/wellbeing/", views_guidance.wellbeing, name="wellbeing"),
]
