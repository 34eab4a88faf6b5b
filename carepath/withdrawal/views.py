"""Placeholder: replaced by the withdrawal pages."""

from carepath.access.guards import patient_view
from carepath.patients.views import _render_chart


@patient_view("withdrawal.observation")
def chart_withdrawal(request, patient):
    return _render_chart(request, patient, "withdrawal", "patients/chart_summary.html")
