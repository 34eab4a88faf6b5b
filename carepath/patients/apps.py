from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "carepath.patients"
    label = "patients"
    verbose_name = "Patients"
