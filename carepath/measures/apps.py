from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "carepath.measures"
    label = "measures"
    verbose_name = "Clinical measures"

    def ready(self):
        # A broken definition must stop the service at start, not a patient's form.
        from carepath.patients import demo
        from carepath.patients.views import TABS

        from . import catalogue

        catalogue.load_all()
        # The chart's tabs are open for extension: patients knows nothing of measures.
        if not any(tab[0] == "measures" for tab in TABS):
            TABS.append(("measures", "Measures", "measures:chart"))
        from .demo import add_demo_measures

        if add_demo_measures not in demo.EXTENSIONS:
            demo.EXTENSIONS.append(add_demo_measures)
