from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "carepath.intake"
    label = "intake"
    verbose_name = "Front door: self-check, intake, assessment and placement"

    def ready(self):
        from carepath.patients import demo
        from carepath.patients.views import add_chart_tabs

        from . import signals  # noqa: F401 (loads the shipped education guides after migrate)

        # The chart's tabs are open for extension: patients knows nothing of intake.
        # Assessment comes before Measures, in the order care happens.
        add_chart_tabs([("assessment", "Assessment", "intake:chart_assessments")])

        from .demo_assessments import add_demo_assessments
        from .demo_enquiries import add_demo_enquiries

        for extend in (add_demo_enquiries, add_demo_assessments):
            if extend not in demo.EXTENSIONS:
                demo.EXTENSIONS.append(extend)
