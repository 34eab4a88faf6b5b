"""Stub: replaced by the area's owner."""

from django.http import Http404



def step_options(request, *args, **kwargs):
    raise Http404("not built yet")


def step_boundaries(request, *args, **kwargs):
    raise Http404("not built yet")


def step_hold(request, *args, **kwargs):
    raise Http404("not built yet")


def step_follow_up(request, *args, **kwargs):
    raise Http404("not built yet")


def run_sheet(request, *args, **kwargs):
    raise Http404("not built yet")
