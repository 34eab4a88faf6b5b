from django.apps import AppConfig


class TreatmentConfig(AppConfig):
    name = "carepath.treatment"
    label = "treatment"
    verbose_name = "Treatment: programmes, sessions, notes, plans and discharge"
