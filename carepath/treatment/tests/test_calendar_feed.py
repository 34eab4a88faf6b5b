"""The clinician's week calendar and the iCalendar feed behind a secret URL."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from carepath.conftest import ctx_for
from carepath.treatment import actions_sessions, calendar_feed
from carepath.treatment.models import CalendarFeed, SessionFormat, SessionType

from .test_sessions_support import past_session

pytestmark = pytest.mark.django_db


def _tomorrow_at(hour):
    return (timezone.localtime() + timedelta(days=1)).replace(hour=hour, minute=0, second=0,
                                                              microsecond=0)


def test_the_week_view_lists_my_sessions_by_day(clinician, make_patient, as_user):
    a, b = make_patient(), make_patient()
    past_session(clinician, a, starts_at=_tomorrow_at(9))
    past_session(clinician, b, starts_at=_tomorrow_at(15), format=SessionFormat.GROUP,
                 session_type=SessionType.YOGA, capacity=8)
    week = _tomorrow_at(9).date()
    page = as_user(clinician).get(
        reverse("treatment:calendar") + f"?week={week.isoformat()}").content.decode()
    assert "2 sessions this week" in page
    assert "09:00" in page and "15:00" in page and "Yoga (holistic)" in page
    assert a.legal_family_name in page  # individual: whom the clinician sees
    assert b.legal_family_name not in page and "1 attending" in page  # group: a count


def test_the_feed_link_is_shown_once_and_carries_no_patient(clinician, make_patient, as_user):
    p = make_patient(legal_given_name="Zebedee", legal_family_name="Quartermaine")
    session = past_session(clinician, p, starts_at=_tomorrow_at(11),
                           title="Quartermaine follow-up")
    cancelled = past_session(clinician, p, starts_at=_tomorrow_at(16))
    actions_sessions.cancel_session(ctx_for(clinician), cancelled, reason="Clinician away")
    client = as_user(clinician)
    page = client.post(reverse("treatment:calendar_feed_manage"),
                       {"action": "rotate"}).content.decode()
    url = page.split('data-testid="feed-url"')[1].split("<code>")[1].split("</code>")[0]
    feed = client.get(url)
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    body = feed.content.decode()
    assert "Zebedee" not in body and "Quartermaine" not in body and p.mrn not in body
    events = {str(e["uid"]): e for e in Calendar.from_ical(feed.content).walk("VEVENT")}
    event = events[f"{session.uuid}@carepath"]
    assert str(event["summary"]) == "Cognitive behavioural therapy (CBT) (individual)"
    assert event.decoded("dtstart") == session.starts_at
    assert str(reverse("treatment:session", args=[session.uuid])) in str(event["url"])
    assert str(events[f"{cancelled.uuid}@carepath"]["status"]) == "CANCELLED"
    assert len(CalendarFeed.objects.get(user=clinician).digest) == 64
    assert url.rsplit("/", 1)[1].removesuffix(".ics") not in CalendarFeed.objects.get().digest
    # The link is not shown again on the calendar page.
    assert "feed-url" not in client.get(reverse("treatment:calendar")).content.decode()


def test_rotating_or_removing_the_feed_stops_the_old_link(clinician, client):
    old = calendar_feed.create_or_rotate(ctx_for(clinician), clinician)
    assert client.get(reverse("treatment:calendar_feed", args=[old])).status_code == 200
    new = calendar_feed.create_or_rotate(ctx_for(clinician), clinician)
    assert client.get(reverse("treatment:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("treatment:calendar_feed", args=[new])).status_code == 200
    calendar_feed.remove_feed(ctx_for(clinician), clinician)
    assert client.get(reverse("treatment:calendar_feed", args=[new])).status_code == 404
    clinician.is_active = False
    clinician.save()
    again = calendar_feed.create_or_rotate(ctx_for(clinician), clinician)
    assert client.get(reverse("treatment:calendar_feed", args=[again])).status_code == 404
