"""Treatment URLs: one module per area, so each stays small."""

from django.urls import include, path

app_name = "treatment"

urlpatterns = [
    path("", include("carepath.treatment.urls_sessions")),
    path("", include("carepath.treatment.urls_notes")),
    path("", include("carepath.treatment.urls_plans")),
    path("", include("carepath.treatment.urls_discharge")),
]
