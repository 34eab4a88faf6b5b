from django.apps import AppConfig

# The chart tab this app adds: the person's check-in trends beside their plan.
CHART_TABS = [("recovery", "Recovery", "recovery:chart")]


class RecoveryConfig(AppConfig):
    name = "carepath.recovery"
    label = "recovery"
    verbose_name = "Recovery companion: portal, check-ins, plans, risk signals, follow-ups"

    def ready(self):
        from carepath.patients import demo
        from carepath.patients.views import add_chart_tabs

        add_chart_tabs(CHART_TABS)

        from . import receivers
        from .demo_aftercare import add_demo_aftercare
        from .demo_checkins import add_demo_checkins
        from .demo_plans import add_demo_plans
        from .demo_portal import add_demo_portal

        receivers.connect()
        # Plans first: check-ins name the plan's triggers.
        for extend in (add_demo_portal, add_demo_plans, add_demo_checkins, add_demo_aftercare):
            if extend not in demo.EXTENSIONS:
                demo.EXTENSIONS.append(extend)
