"""The intake advisors' pipeline (staff pages under /intake/)."""

from django.urls import path

from . import views_pipeline as views

urlpatterns = [
    path("intake/enquiries/", views.enquiry_list, name="enquiry_list"),
    path("intake/board/", views.board, name="board"),
    path("intake/enquiries/overdue/", views.overdue, name="overdue"),
    path("intake/enquiries/new/", views.enquiry_new, name="enquiry_new"),
    path("intake/enquiries/<uuid:enquiry_id>/", views.enquiry_detail, name="enquiry_detail"),
    path("intake/enquiries/<uuid:enquiry_id>/stage/", views.enquiry_stage,
         name="enquiry_stage"),
    path("intake/enquiries/<uuid:enquiry_id>/next-action/", views.enquiry_next_action,
         name="enquiry_next_action"),
    path("intake/enquiries/<uuid:enquiry_id>/convert/", views.enquiry_convert,
         name="enquiry_convert"),
    path("intake/enquiries/<uuid:enquiry_id>/book/", views.enquiry_book, name="enquiry_book"),
    path("intake/enquiries/<uuid:enquiry_id>/refer/", views.enquiry_refer,
         name="enquiry_refer"),
]
