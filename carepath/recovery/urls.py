"""Recovery companion URLs: the patient's portal under /my/, the chart tab, one module per area."""

from django.urls import include, path

app_name = "recovery"

urlpatterns = [
    path("", include("carepath.recovery.urls_portal")),
    path("", include("carepath.recovery.urls_checkins")),
    path("", include("carepath.recovery.urls_plans")),
    path("", include("carepath.recovery.urls_chart")),
    path("", include("carepath.recovery.urls_signals")),
    path("", include("carepath.recovery.urls_aftercare")),
]
