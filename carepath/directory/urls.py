from . import urls_referrals, urls_services

app_name = "directory"

urlpatterns = urls_services.urlpatterns + urls_referrals.urlpatterns
