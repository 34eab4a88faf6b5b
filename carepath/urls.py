from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

from carepath.api import api
from carepath.ui.views import healthz

# The admin is for reference data and users only, and asks for the second factor.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "CarePath administration (reference data and users only)"

urlpatterns = [
    path("", include("carepath.ui.urls")),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("carepath.accounts.urls")),
    path("patients/", include("carepath.patients.urls")),
    path("access/", include("carepath.access.urls")),
    path("audit/", include("carepath.audit.urls")),
    path("", include("carepath.measures.urls")),
    path("", include("carepath.alerts.urls")),
    path("", include("carepath.intake.urls")),
    path("", include("carepath.directory.urls")),
    path("", include("carepath.withdrawal.urls")),
    path("", include("carepath.treatment.urls")),
    path("", include("carepath.recovery.urls")),
    path("", include("carepath.family.urls")),
    path("", include("carepath.incentives.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
