from django.apps import AppConfig


class WithdrawalConfig(AppConfig):
    name = "carepath.withdrawal"
    label = "withdrawal"
    verbose_name = "Supervised withdrawal: observation charts and red flags"
