"""Family and supporters URLs, one module per area."""

from django.urls import include, path

app_name = "family"

urlpatterns = [
    path("", include("carepath.family.urls_accounts")),
    path("", include("carepath.family.urls_guidance")),
    path("", include("carepath.family.urls_plans")),
    path("", include("carepath.family.urls_sharing")),
    path("", include("carepath.family.urls_sessions")),
]
