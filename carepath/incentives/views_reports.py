"""Stub: replaced by the area's owner."""

from django.http import Http404


def reports(request, *args, **kwargs):
    raise Http404("not built yet")


def reward_history(request, *args, **kwargs):
    raise Http404("not built yet")
