"""Placeholder: replaced by the sessions pages."""

from carepath.access.guards import patient_view
from carepath.patients.views import _render_chart


@patient_view("treatment.sessions")
def chart_sessions(request, patient):
    return _render_chart(request, patient, "chart_sessions", "patients/chart_summary.html")
