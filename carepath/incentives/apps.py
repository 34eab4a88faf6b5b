from django.apps import AppConfig

# The chart tabs this app adds: drug screens, and contingency-management rewards.
CHART_TABS = [("screens", "Drug screens", "incentives:chart_screens"),
              ("rewards", "Rewards", "incentives:chart_rewards")]


class IncentivesConfig(AppConfig):
    name = "carepath.incentives"
    label = "incentives"
    verbose_name = "Drug screens and contingency management"

    def ready(self):
        from carepath.patients import demo
        from carepath.patients.views import add_chart_tabs

        add_chart_tabs(CHART_TABS)

        from carepath.recovery.views_portal import EXTRA_PORTAL_LINKS
        from carepath.treatment.views_plans import REVIEW_SECTIONS

        from .review_section import screens_review_section

        link = ("My rewards", "incentives:my_rewards",
                "What you have earned, your balance and the next possible reward")
        if link not in EXTRA_PORTAL_LINKS:
            EXTRA_PORTAL_LINKS.append(link)
        if screens_review_section not in REVIEW_SECTIONS:
            REVIEW_SECTIONS.append(screens_review_section)

        from . import receivers
        from .demo import add_demo_incentives

        receivers.connect()
        if add_demo_incentives not in demo.EXTENSIONS:
            demo.EXTENSIONS.append(add_demo_incentives)
