"""Stub: replaced by the area's owner."""

from django.http import Http404


def session_page_link(session, user):
    """(label, href) for the treatment session page, or None."""
    return None


def session_invite(request, *args, **kwargs):
    raise Http404("not built yet")
