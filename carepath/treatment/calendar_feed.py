"""A clinician's sessions as an iCalendar (RFC 5545) feed behind a secret URL.

Only the SHA-256 digest of the secret is stored, so the link is shown once, when made;
rotating it makes a new secret and the old link stops working. The feed carries the
session's kind and format, times, room, status and a link into CarePath (behind sign-in).
It never carries a patient's name, a free-text title (which someone could have typed a
name into) or how many attend: a calendar app syncs it to phones and other servers.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from carepath.accounts.link_tokens import link_digest, new_link_token
from carepath.audit import log as audit
from carepath.audit.models import Action

from .models import CalendarFeed, SessionStatus
from .queries_sessions import feed_sessions

PRODID = "-//CarePath//Treatment sessions//EN"


def has_feed(user) -> bool:
    return CalendarFeed.objects.filter(user=user).exists()


def create_or_rotate(ctx: audit.Context, user) -> str:
    """Make (or replace) the user's feed secret; returns the secret, shown once."""
    token = new_link_token()
    with transaction.atomic():
        feed, created = CalendarFeed.objects.update_or_create(
            user=user, defaults={"digest": link_digest(token), "created_at": timezone.now()})
        audit.record(ctx, Action.CREATE if created else Action.UPDATE, obj=feed,
                     object_type="treatment.calendarfeed", object_id=str(user.pk),
                     details={"rotated": not created})
    return token


def remove_feed(ctx: audit.Context, user) -> None:
    with transaction.atomic():
        deleted, _ = CalendarFeed.objects.filter(user=user).delete()
        if deleted:
            audit.record(ctx, Action.UPDATE, object_type="treatment.calendarfeed",
                         object_id=str(user.pk), details={"removed": True})


def user_for_token(token: str):
    """The active staff user whose feed this secret opens, or None."""
    if not token or len(token) > 100:
        return None
    feed = (CalendarFeed.objects.select_related("user")
            .filter(digest=link_digest(token)).first())
    if feed is None or not feed.user.is_active or feed.user.account_type != "staff":
        return None
    return feed.user


def render_feed(user, base_url: str, now=None) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "CarePath sessions")
    stamp = timezone.now()
    base = base_url.rstrip("/")
    for session in feed_sessions(user, now=now):
        event = Event()
        event.add("uid", f"{session.uuid}@carepath")
        event.add("dtstamp", stamp)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", f"{session.get_session_type_display()} "
                             f"({session.get_format_display().lower()})")
        if session.room_id:
            event.add("location", session.room.name)
        link = base + reverse("treatment:session", args=[session.uuid])
        event.add("url", link)
        event.add("description", f"Open in CarePath (sign-in needed): {link}")
        event.add("status", "CANCELLED" if session.status == SessionStatus.CANCELLED
                  else "CONFIRMED")
        event.add("class", "PRIVATE")
        cal.add_component(event)
    return cal.to_ical()
