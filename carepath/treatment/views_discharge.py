"""Placeholder: replaced by the discharge pages."""

from carepath.access.guards import patient_view
from carepath.patients.views import _render_chart


@patient_view("treatment.discharge")
def chart_discharge(request, patient):
    return _render_chart(request, patient, "chart_discharge", "patients/chart_summary.html")
