"""Stub: replaced by the area's owner."""

from django.http import Http404


def chart_screens(request, *args, **kwargs):
    raise Http404("not built yet")


def record_screen(request, *args, **kwargs):
    raise Http404("not built yet")


def record_missed(request, *args, **kwargs):
    raise Http404("not built yet")


def screen_detail(request, *args, **kwargs):
    raise Http404("not built yet")


def amend_screen(request, *args, **kwargs):
    raise Http404("not built yet")
