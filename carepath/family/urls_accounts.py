"""Supporter accounts: self-registration, email verification, the supporter's home."""

from django.urls import path

from . import views_accounts

urlpatterns = [
    path("family/", views_accounts.home, name="home"),
    path("family/register/", views_accounts.register, name="register"),
    path("family/register/check-your-email/", views_accounts.register_sent,
         name="register_sent"),
    path("family/register/new-link/", views_accounts.register_resend,
         name="register_resend"),
    path("family/verify/<str:token>/", views_accounts.verify, name="verify"),
]
