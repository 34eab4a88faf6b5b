from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "carepath.access"
    label = "access"
    verbose_name = "Access"
