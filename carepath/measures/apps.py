from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "carepath.measures"
    label = "measures"
    verbose_name = "Clinical measures"

    def ready(self):
        # A broken definition must stop the service at start, not a patient's form.
        from . import catalogue

        catalogue.load_all()
