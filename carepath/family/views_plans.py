"""Stub: replaced by the area's owner."""

from django.http import Http404



def plan_new(request, *args, **kwargs):
    raise Http404("not built yet")


def plan_overview(request, *args, **kwargs):
    raise Http404("not built yet")


def plan_join(request, *args, **kwargs):
    raise Http404("not built yet")
