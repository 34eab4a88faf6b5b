"""Placeholder: replaced by the plans pages."""

from carepath.access.guards import patient_view
from carepath.patients.views import _render_chart


@patient_view("treatment.plans")
def chart_plan(request, patient):
    return _render_chart(request, patient, "chart_plan", "patients/chart_summary.html")
