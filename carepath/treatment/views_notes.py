"""Placeholder: replaced by the notes pages."""

from carepath.access.guards import patient_view
from carepath.patients.views import _render_chart


@patient_view("treatment.notes")
def chart_notes(request, patient):
    return _render_chart(request, patient, "chart_notes", "patients/chart_summary.html")
