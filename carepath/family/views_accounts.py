"""Stub: replaced by the area's owner."""

from django.http import Http404



def home(request, *args, **kwargs):
    raise Http404("not built yet")


def register(request, *args, **kwargs):
    raise Http404("not built yet")


def register_sent(request, *args, **kwargs):
    raise Http404("not built yet")


def verify(request, *args, **kwargs):
    raise Http404("not built yet")
