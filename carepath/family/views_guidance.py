"""Stub: replaced by the area's owner."""

from django.http import Http404



def guide(request, *args, **kwargs):
    raise Http404("not built yet")


def guide_topic(request, *args, **kwargs):
    raise Http404("not built yet")


def wellbeing(request, *args, **kwargs):
    raise Http404("not built yet")
