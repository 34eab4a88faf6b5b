from django.apps import AppConfig

# The chart's tabs this app adds, in the order care happens; inserted before Measures.
CHART_TABS = [
    ("plan", "Treatment plan", "treatment:chart_plan"),
    ("sessions", "Sessions", "treatment:chart_sessions"),
    ("notes", "Notes", "treatment:chart_notes"),
    ("discharge", "Discharge", "treatment:chart_discharge"),
]


class TreatmentConfig(AppConfig):
    name = "carepath.treatment"
    label = "treatment"
    verbose_name = "Treatment: programmes, sessions, notes, plans and discharge"

    def ready(self):
        from carepath.patients import demo
        from carepath.patients.views import add_chart_tabs

        add_chart_tabs(CHART_TABS)

        # Order matters: notes need the sessions, discharge summarises everything.
        from .demo_discharge import add_demo_discharge
        from .demo_notes import add_demo_notes
        from .demo_plans import add_demo_plans
        from .demo_sessions import add_demo_sessions

        for extend in (add_demo_sessions, add_demo_plans, add_demo_notes, add_demo_discharge):
            if extend not in demo.EXTENSIONS:
                demo.EXTENSIONS.append(extend)
