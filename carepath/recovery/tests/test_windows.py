"""Risk windows: validation, recurrence on the organisation's wall clock (across clock
changes), upcoming occurrences and when reminders fall due."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carepath.audit.models import Action, AuditEvent
from carepath.conftest import ctx_for
from carepath.recovery import actions_windows, windows
from carepath.recovery.models import RiskWindow

from .plans_support import own_account

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(*args, tz=LONDON):
    return datetime(*args, tzinfo=tz)


@pytest.fixture
def me(patient, make_user):
    return own_account(patient, make_user)


def add(user, patient, *, now, **fields):
    data = {"label": "Club night", "starts_at": at(2026, 3, 20, 22), "ends_at":
            at(2026, 3, 21, 4), "repeats": "none", "remind_hours_before": 4, **fields}
    return actions_windows.add_window(ctx_for(user), patient, now=now, **data)


def stored(patient, label, starts_at, ends_at, repeats="none", remind=4, **extra):
    """A window written directly (recurrence tests need first starts in the past)."""
    return RiskWindow.objects.create(organisation=patient.organisation, patient=patient,
                                     label=label, starts_at=starts_at, ends_at=ends_at,
                                     repeats=repeats, remind_hours_before=remind, **extra)


def _errors(exc) -> str:
    return " ".join(m for ms in exc.value.message_dict.values() for m in ms)


EARLY = at(2026, 3, 1, 12)


@pytest.mark.parametrize("fields, message", [
    ({"label": ""}, "Name: say what the time is"),
    ({"label": "x" * 81}, "Name: keep it to 80 characters (it has 81)."),
    ({"ends_at": at(2026, 3, 20, 21)}, "Ends: must be after the start."),
    ({"ends_at": at(2026, 3, 20, 22)}, "Ends: must be after the start."),
    ({"ends_at": at(2026, 4, 3, 22, 1)}, "Ends: a risk time can last at most 14 days."),
    ({"repeats": "weekly", "ends_at": at(2026, 3, 26, 22, 1)},
     "Ends: a weekly risk time can last at most 6 days."),
    ({"starts_at": at(2026, 2, 1, 10), "ends_at": at(2026, 2, 1, 12)},
     "Ends: this time is already over."),
    ({"starts_at": at(2027, 3, 20, 22), "ends_at": at(2027, 3, 21, 4)},
     "Starts: choose a time within the next year."),
    ({"repeats": "daily"}, "Repeats: choose once, every week or every month."),
    ({"remind_hours_before": 0}, "Remind me: choose from 1 to 72 hours before."),
    ({"remind_hours_before": 73}, "Remind me: choose from 1 to 72 hours before."),
    ({"starts_at": datetime(2026, 3, 20, 22)}, "Starts: enter a date and time."),
])
def test_bad_windows_are_refused_naming_the_field(patient, me, fields, message):
    with pytest.raises(ValidationError) as refused:
        add(me, patient, now=EARLY, **fields)
    assert message in _errors(refused)
    assert not RiskWindow.objects.exists()


def test_limits_are_accepted(patient, me):
    a = add(me, patient, now=EARLY, ends_at=at(2026, 4, 3, 22), remind_hours_before=72)
    b = add(me, patient, now=EARLY, repeats="weekly", ends_at=at(2026, 3, 26, 22),
            remind_hours_before=1)
    c = add(me, patient, now=at(2026, 3, 21, 3, 59))  # under way: not entirely past
    assert a.ends_at - a.starts_at == timedelta(days=14)
    assert b.repeats == "weekly" and c.pk


def test_patient_and_care_team_add_and_cancel_audited(patient, me, clinician):
    mine = add(me, patient, now=EARLY)
    theirs = add(clinician, patient, now=EARLY, label="Payday", repeats="monthly")
    actions_windows.cancel_window(ctx_for(clinician), mine)
    actions_windows.cancel_window(ctx_for(me), theirs)
    actions_windows.cancel_window(ctx_for(me), theirs)  # twice: no second change
    assert RiskWindow.objects.filter(cancelled_at__isnull=False).count() == 2
    events = AuditEvent.objects.filter(patient_uuid=patient.uuid,
                                       object_type=actions_windows.OBJECT_TYPE)
    assert events.filter(action=Action.CREATE).count() == 2
    assert events.filter(action=Action.UPDATE).count() == 2


def test_another_patient_is_refused_and_audited(patient, me, make_patient, make_user):
    other = make_patient(legal_given_name="Jamie", legal_family_name="Other")
    own_account(other, make_user)
    with pytest.raises(PermissionDenied):
        add(me, other, now=EARLY)
    theirs = stored(other, "Theirs", at(2026, 3, 20, 22), at(2026, 3, 21, 4))
    with pytest.raises(PermissionDenied):
        actions_windows.cancel_window(ctx_for(me), theirs)
    assert AuditEvent.objects.filter(patient_uuid=other.uuid, outcome="denied").count() == 2
    theirs.refresh_from_db()
    assert theirs.cancelled_at is None


# --- Recurrence -------------------------------------------------------------------------

def _starts(patient, now, hours):
    return [(o.starts_at.astimezone(UTC), o.ends_at.astimezone(UTC))
            for o in windows.upcoming(patient, now, within_hours=hours)]


def test_weekly_occurrences_keep_the_local_time_across_the_spring_clock_change(patient):
    """Friday 22:00-04:00 in London: 22:00 UTC in March (GMT), 21:00 UTC in April (BST);
    British Summer Time began on Sunday 29 March 2026."""
    stored(patient, "Club night", at(2026, 3, 13, 22), at(2026, 3, 14, 4), repeats="weekly")
    got = _starts(patient, at(2026, 3, 19, 12), 24 * 16)
    assert got == [
        (datetime(2026, 3, 20, 22, tzinfo=UTC), datetime(2026, 3, 21, 4, tzinfo=UTC)),
        (datetime(2026, 3, 27, 22, tzinfo=UTC), datetime(2026, 3, 28, 4, tzinfo=UTC)),
        (datetime(2026, 4, 3, 21, tzinfo=UTC), datetime(2026, 4, 4, 3, tzinfo=UTC)),
    ]


def test_an_occurrence_spanning_the_clock_change_ends_at_its_local_time(patient):
    """Saturday 22:00 to Sunday 04:00: on 28-29 March 2026 the clocks go forward at 01:00
    UTC, so that night lasts five hours, ending 04:00 BST (03:00 UTC)."""
    stored(patient, "Weekend", at(2026, 3, 21, 22), at(2026, 3, 22, 4), repeats="weekly")
    got = _starts(patient, at(2026, 3, 27, 12), 48)
    assert got == [(datetime(2026, 3, 28, 22, tzinfo=UTC), datetime(2026, 3, 29, 3, tzinfo=UTC))]


def test_weekly_occurrences_across_the_autumn_clock_change(patient):
    """BST ended on Sunday 25 October 2026: Friday 22:00 is 21:00 UTC, then 22:00 UTC."""
    stored(patient, "Club night", at(2026, 10, 16, 22), at(2026, 10, 17, 4), repeats="weekly")
    got = [s for s, _ in _starts(patient, at(2026, 10, 20, 12), 24 * 11)]
    assert got == [datetime(2026, 10, 23, 21, tzinfo=UTC), datetime(2026, 10, 30, 22, tzinfo=UTC)]


def test_monthly_occurrences_fall_on_the_last_day_of_shorter_months(patient):
    stored(patient, "Payday", at(2026, 1, 31, 17), at(2026, 1, 31, 23), repeats="monthly")
    got = [s.astimezone(LONDON) for s, _ in _starts(patient, at(2026, 2, 1, 12), 24 * 95)]
    assert [(d.month, d.day, d.hour) for d in got] == [(2, 28, 17), (3, 31, 17), (4, 30, 17)]


def test_upcoming_includes_one_under_way_and_excludes_cancelled_and_ended(patient):
    now = at(2026, 6, 5, 23)
    stored(patient, "Under way", at(2026, 6, 5, 22), at(2026, 6, 6, 2))
    stored(patient, "Over", at(2026, 6, 5, 18), at(2026, 6, 5, 22, 59))
    stored(patient, "Cancelled", at(2026, 6, 6, 10), at(2026, 6, 6, 12), cancelled_at=now)
    stored(patient, "Too far", at(2026, 6, 8, 0), at(2026, 6, 8, 2))
    stored(patient, "Soon", at(2026, 6, 6, 20), at(2026, 6, 6, 23))
    labels = [o.window.label for o in windows.upcoming(patient, now, within_hours=48)]
    assert labels == ["Under way", "Soon"]


def test_upcoming_reads_with_one_query(patient, django_assert_num_queries):
    for n in range(5):
        stored(patient, f"W{n}", at(2026, 3, 6 + n, 22), at(2026, 3, 7 + n, 2), repeats="weekly")
    assert patient.organisation.time_zone == "Europe/London"  # loaded, as the guard does
    with django_assert_num_queries(1):
        assert len(windows.upcoming(patient, at(2026, 5, 1), within_hours=24 * 7)) == 5


# --- Reminders due ----------------------------------------------------------------------

START = at(2026, 7, 3, 22)


@pytest.mark.parametrize("now, due", [
    (START - timedelta(hours=4, microseconds=1), False),
    (START - timedelta(hours=4), True),
    (START - timedelta(hours=1), True),
    (START - timedelta(microseconds=1), True),
    (START, False),
    (START + timedelta(hours=1), False),
])
def test_reminders_fall_due_from_the_remind_time_until_the_start(patient, now, due):
    window = stored(patient, "Festival", START, START + timedelta(days=2), remind=4)
    found = windows.reminders_due(now)
    assert [(o.window.pk, o.starts_at) for o in found] == ([(window.pk, START)] if due else [])


def test_weekly_reminders_fall_due_each_week_with_their_own_reference(patient):
    window = stored(patient, "Club night", at(2026, 3, 13, 22), at(2026, 3, 14, 4),
                    repeats="weekly", remind=6)
    first = windows.reminders_due(at(2026, 3, 20, 17))
    second = windows.reminders_due(at(2026, 4, 3, 17))
    assert [o.starts_at for o in first] == [datetime(2026, 3, 20, 22, tzinfo=UTC)]
    assert [o.starts_at for o in second] == [datetime(2026, 4, 3, 21, tzinfo=UTC)]
    assert first[0].reference == f"{window.uuid}@2026-03-20T22:00:00+00:00"
    assert first[0].reference != second[0].reference and len(first[0].reference) <= 80


def test_reminders_cover_every_patient_and_skip_cancelled(patient, make_patient):
    other = make_patient(legal_given_name="Jamie", legal_family_name="Other")
    stored(patient, "Mine", START, START + timedelta(hours=3))
    stored(other, "Theirs", START + timedelta(hours=1), START + timedelta(hours=3))
    stored(other, "Cancelled", START, START + timedelta(hours=3), cancelled_at=START)
    found = windows.reminders_due(START - timedelta(hours=2))
    assert [(o.window.label, o.window.patient) for o in found] == [("Mine", patient),
                                                                   ("Theirs", other)]


def test_reminders_read_only_windows_that_could_be_due(patient, monkeypatch):
    """Cancelled windows, one-off windows already started and first starts beyond the
    longest reminder lead are not even read; the due ones are read in full once."""
    now = START - timedelta(hours=2)
    due = stored(patient, "Due", START, START + timedelta(hours=3))
    weekly = stored(patient, "Weekly", at(2026, 1, 2, 22), at(2026, 1, 3, 2), repeats="weekly")
    stored(patient, "Started", now - timedelta(hours=1), now + timedelta(hours=1))
    stored(patient, "Far", now + timedelta(hours=73), now + timedelta(hours=80))
    stored(patient, "Cancelled", START, START + timedelta(hours=3), cancelled_at=now)
    read = []
    real = windows.occurrences

    def spy(window, *args, **kwargs):
        read.append(window.pk)  # (not the label: it is not among the columns read)
        return real(window, *args, **kwargs)

    monkeypatch.setattr(windows, "occurrences", spy)
    with CaptureQueriesContext(connection) as queries:
        found = windows.reminders_due(now)
    assert sorted(read) == [due.pk, weekly.pk]
    assert [o.window.label for o in found] == ["Due", "Weekly"]
    assert len(queries) == 2
