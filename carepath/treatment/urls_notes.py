"""URLs of the treatment notes pages (included by treatment/urls.py)."""

from django.urls import path

from . import views_notes

urlpatterns = [
    path("patients/<uuid:patient_id>/notes/", views_notes.chart_notes, name="chart_notes"),
    path("patients/<uuid:patient_id>/notes/new/", views_notes.note_new, name="note_new"),
    path("patients/<uuid:patient_id>/notes/<uuid:note_id>/", views_notes.note_detail,
         name="note"),
    path("patients/<uuid:patient_id>/notes/<uuid:note_id>/edit/", views_notes.note_edit,
         name="note_edit"),
    path("patients/<uuid:patient_id>/notes/<uuid:note_id>/amend/", views_notes.note_amend,
         name="note_amend"),
    path("patients/<uuid:patient_id>/notes/<uuid:note_id>/cosign/", views_notes.note_cosign,
         name="note_cosign"),
    path("treatment/notes/cosign/", views_notes.cosign_queue, name="cosign_queue"),
    path("treatment/sessions/<uuid:session_id>/group-note/", views_notes.group_note,
         name="group_note"),
]
