from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "carepath.alerts"
    label = "alerts"
    verbose_name = "Alerts"
