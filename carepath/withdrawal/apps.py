from django.apps import AppConfig


class WithdrawalConfig(AppConfig):
    name = "carepath.withdrawal"
    label = "withdrawal"
    verbose_name = "Supervised withdrawal: observation charts and red flags"

    def ready(self):
        from carepath.patients import demo
        from carepath.patients.views import add_chart_tabs

        from .demo import add_demo_withdrawal

        # After Assessment, before the treatment tabs: the order care happens.
        add_chart_tabs([("withdrawal", "Withdrawal", "withdrawal:chart_withdrawal")])
        if add_demo_withdrawal not in demo.EXTENSIONS:
            demo.EXTENSIONS.append(add_demo_withdrawal)
