"""Placeholder: the trend page is being written (helper)."""

from django.http import HttpResponse

from carepath.access.guards import patient_view


@patient_view("measures.trend")
def trend(request, patient, instrument_id):
    return HttpResponse("")
