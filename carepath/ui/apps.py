from django.apps import AppConfig


class UiConfig(AppConfig):
    name = "carepath.ui"
    label = "ui"
    verbose_name = "User interface"
