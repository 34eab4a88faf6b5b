from django.urls import path

from . import views

app_name = "access"

urlpatterns = [
    path("break-glass/<uuid:patient_id>/", views.break_glass, name="break_glass"),
    path("break-glass/review/", views.break_glass_review, name="break_glass_review"),
    path("break-glass/review/<uuid:grant_id>/", views.break_glass_mark_reviewed,
         name="break_glass_mark_reviewed"),
]
