"""Stub: replaced by the area's owner."""

from django.http import Http404



def step_plan(request, *args, **kwargs):
    raise Http404("not built yet")


def step_consult(request, *args, **kwargs):
    raise Http404("not built yet")


def step_statements(request, *args, **kwargs):
    raise Http404("not built yet")
