"""The clinician's Recovery tab: the person's check-in trends beside their plan."""

from carepath.access.guards import patient_view
from carepath.patients.views import _render_chart

OBJECT_TYPE = "recovery.checkin"


@patient_view(OBJECT_TYPE)
def chart_recovery(request, patient):
    return _render_chart(request, patient, "recovery", "recovery/chart_recovery.html")
