"""Stub: replaced by the area's owner."""

from django.http import Http404


def chart_rewards(request, *args, **kwargs):
    raise Http404("not built yet")


def enrol(request, *args, **kwargs):
    raise Http404("not built yet")


def request_redemption(request, *args, **kwargs):
    raise Http404("not built yet")


def redemptions(request, *args, **kwargs):
    raise Http404("not built yet")


def decide(request, *args, **kwargs):
    raise Http404("not built yet")


def my_rewards(request, *args, **kwargs):
    raise Http404("not built yet")
