"""Stub: replaced by the area's owner."""

from django.http import Http404



def shared_record(request, *args, **kwargs):
    raise Http404("not built yet")


def encourage(request, *args, **kwargs):
    raise Http404("not built yet")


def shared_category(request, *args, **kwargs):
    raise Http404("not built yet")
