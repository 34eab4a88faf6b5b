"""Consented sharing: the patient's choices under /my/, the supporter's view of what was
shared, and encouragement messages."""

from django.urls import path

from . import views_my_sharing, views_shared

urlpatterns = [
    path("my/sharing/", views_my_sharing.my_sharing, name="my_sharing"),
    path("my/sharing/who-saw/", views_my_sharing.who_saw, name="my_who_saw"),
    path("my/encouragement/", views_my_sharing.my_encouragement, name="my_encouragement"),
    path("family/people/<uuid:patient_id>/", views_shared.shared_record, name="shared_record"),
    path("family/people/<uuid:patient_id>/encourage/", views_shared.encourage,
         name="encourage"),
    path("family/people/<uuid:patient_id>/<slug:category>/", views_shared.shared_category,
         name="shared_category"),
]
