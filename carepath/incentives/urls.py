"""Drug screens and contingency management URLs, one module per area."""

from django.urls import include, path

app_name = "incentives"

urlpatterns = [
    path("", include("carepath.incentives.urls_screens")),
    path("", include("carepath.incentives.urls_rewards")),
    path("", include("carepath.incentives.urls_reports")),
]
