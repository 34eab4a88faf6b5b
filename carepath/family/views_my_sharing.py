"""Stub: replaced by the area's owner."""

from django.http import Http404



def my_sharing(request, *args, **kwargs):
    raise Http404("not built yet")


def who_saw(request, *args, **kwargs):
    raise Http404("not built yet")


def my_encouragement(request, *args, **kwargs):
    raise Http404("not built yet")
