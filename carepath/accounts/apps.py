from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "carepath.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from . import signals  # noqa: F401
