from django.urls import path

from . import views_services as views

urlpatterns = [
    # Public, read-only, no cookies.
    path("services/", views.search_page, name="search"),
    path("services/<uuid:service_id>/", views.service_detail, name="service_detail"),
    # Staff (may_edit_directory).
    path("directory/services/", views.manage, name="manage"),
    path("directory/services/new/", views.service_new, name="service_new"),
    path("directory/services/<uuid:service_id>/edit/", views.service_edit, name="service_edit"),
    path("directory/services/<uuid:service_id>/confirm/", views.service_confirm,
         name="service_confirm"),
]
