"""The reminder job: run every 15 minutes (``carepath send_reminders`` from cron, or the
``send_reminders_task``). Idempotent: each (person, kind, reference) is logged once in
ReminderSend, and that unique row is written *before* the message goes, so a second run,
or two runs at once, never send anything twice (at most once; a failed send is logged
FAILED and not retried).

Kinds and references:
  check-in     at the person's chosen time, only if they have not checked in today;
               reference = the organisation's local date
  risk window  when ``windows.reminders_due(now)`` says so (hours before the window);
               reference = window uuid @ occurrence start (UTC, ISO 8601)
  follow-up    at the person's chosen time on or after the due date, while open;
               reference = the follow-up's uuid (hex)
Measures remind themselves (``measures`` app): not here.

Rules, in order: opted out (or channel "none") → nothing sent, logged OPTED_OUT once per
reference; inside quiet hours → logged QUIET_HOURS (held) and sent by the first run after
quiet hours end, if the reminder is still relevant (the source still offers it); no
address for the channel → NO_ADDRESS; otherwise SENT (FAILED if the channel raised).

Due people are selected in bulk, a few queries per organisation time zone, never one
query per person. The message carries no health data (``message``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from itertools import islice
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Replace
from django.utils import timezone

from carepath.accounts.models import Organisation
from carepath.audit import log as audit
from carepath.audit.models import Action

from . import reminder_channels, windows
from .followups import died_discharges
from .models import (
    CheckIn,
    FollowUp,
    FollowUpStatus,
    RecoveryProfile,
    ReminderChannel,
    ReminderKind,
    ReminderSend,
    ReminderStatus,
)

logger = logging.getLogger(__name__)

PORTAL_PATH = "/my/"
PREFERENCES_PATH = "/my/reminders/"
BATCH = 500
OBJECT_TYPE = "recovery.remindersend"


# -- What is sent ---------------------------------------------------------------------------

def message() -> reminder_channels.Message:
    """The same words for every kind: no health data, no "check-in", no window label."""
    base = settings.CAREPATH_BASE_URL
    text = (f"A reminder from your care team: you have something to do in CarePath. "
            f"{base}{PORTAL_PATH}")
    body = (f"{text}\n\nSign in to see it. To change the time of these reminders or stop "
            f"them: {base}{PREFERENCES_PATH}\n")
    return reminder_channels.Message(subject="A reminder from your care team", text=text,
                                     body=body)


# -- Time ------------------------------------------------------------------------------------

def in_quiet_hours(moment: time, start: time, end: time) -> bool:
    """Quiet from ``start`` (inclusive) to ``end`` (exclusive); across midnight when the
    start is later than the end (22:00 to 08:00). Equal times mean no quiet hours."""
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def _local(now: datetime, zone: str) -> datetime:
    try:
        return now.astimezone(ZoneInfo(zone or "UTC"))
    except (KeyError, ValueError):
        return now.astimezone(UTC)


def _zones() -> list[str]:
    return sorted(set(Organisation.objects.values_list("time_zone", flat=True)))


# -- Who is due --------------------------------------------------------------------------------

@dataclass
class Candidate:
    profile: RecoveryProfile
    patient: object
    kind: str
    reference: str

    @property
    def key(self) -> tuple:
        return (self.patient.pk, self.kind, self.reference)


def _reachable(queryset):
    """People with an active portal account (the link goes to /my/) who have not died."""
    died = died_discharges().filter(patient=OuterRef("patient"))
    return (queryset.filter(patient__user__isnull=False, patient__user__is_active=True)
            .exclude(Exists(died)))


def _logged(kind: str, reference) -> Exists:
    """A log row that settles this reminder (anything but a hold for quiet hours)."""
    return Exists(ReminderSend.objects.filter(patient=OuterRef("patient"), kind=kind,
                                              reference=reference)
                  .exclude(status=ReminderStatus.QUIET_HOURS))


def checkin_candidates(now: datetime) -> Iterator[Candidate]:
    for zone in _zones():
        local = _local(now, zone)
        today, clock = local.date(), local.time().replace(microsecond=0)
        reference = today.isoformat()
        checked_in = CheckIn.objects.filter(patient=OuterRef("patient"), checkin_date=today)
        profiles = (_reachable(RecoveryProfile.objects.filter(
            organisation__time_zone=zone, checkins_expected=True, reminder_time__lte=clock))
            .exclude(last_checkin_on__gte=today)
            .exclude(Exists(checked_in))
            .exclude(_logged(ReminderKind.CHECKIN, Value(reference)))
            .select_related("patient__user", "organisation").order_by("pk"))
        for profile in profiles.iterator(chunk_size=BATCH):
            yield Candidate(profile, profile.patient, ReminderKind.CHECKIN, reference)


def window_reference(occurrence) -> str:
    """The window's uuid @ the occurrence's start (UTC, ISO 8601): ``Occurrence.reference``."""
    return f"{occurrence.window.uuid}@{occurrence.starts_at.astimezone(UTC).isoformat()}"


def window_candidates(now: datetime) -> Iterator[Candidate]:
    occurrences = windows.reminders_due(now)
    for chunk in _chunks(occurrences, BATCH):
        by_reference = {window_reference(o): o for o in chunk}
        patient_ids = {o.window.patient_id for o in chunk}
        done = set(ReminderSend.objects.filter(kind=ReminderKind.RISK_WINDOW,
                                               reference__in=by_reference,
                                               patient_id__in=patient_ids)
                   .exclude(status=ReminderStatus.QUIET_HOURS)
                   .values_list("patient_id", "reference"))
        profiles = {p.patient_id: p for p in _reachable(RecoveryProfile.objects.filter(
            patient_id__in=patient_ids, checkins_expected=True))
            .select_related("patient__user", "organisation")}
        for reference, occurrence in by_reference.items():
            profile = profiles.get(occurrence.window.patient_id)
            if profile is None or (profile.patient_id, reference) in done:
                continue
            yield Candidate(profile, profile.patient, ReminderKind.RISK_WINDOW, reference)


def follow_up_reference(follow_up) -> str:
    return follow_up.uuid.hex


def follow_up_candidates(now: datetime) -> Iterator[Candidate]:
    # The reference is the uuid's 32 hex digits: the same text from the database on
    # SQLite (stored as hex) and PostgreSQL (uuid cast to text, hyphens removed).
    uuid_hex = Replace(Cast(OuterRef("uuid"), output_field=CharField()), Value("-"),
                       Value(""))
    for zone in _zones():
        local = _local(now, zone)
        today, clock = local.date(), local.time().replace(microsecond=0)
        opened_since = today - timedelta(days=settings.CAREPATH_FOLLOW_UP_ANSWER_DAYS)
        follow_ups = (_reachable(FollowUp.objects.filter(
            status=FollowUpStatus.SCHEDULED, organisation__time_zone=zone,
            due_on__lte=today, due_on__gte=opened_since,
            patient__recovery_profile__reminder_time__lte=clock))
            .exclude(_logged(ReminderKind.FOLLOW_UP, uuid_hex))
            .select_related("patient__user", "patient__recovery_profile__organisation")
            .order_by("pk"))
        for follow_up in follow_ups.iterator(chunk_size=BATCH):
            profile = follow_up.patient.recovery_profile
            yield Candidate(profile, follow_up.patient, ReminderKind.FOLLOW_UP,
                            follow_up_reference(follow_up))


# -- Sending ---------------------------------------------------------------------------------

@dataclass
class Result:
    counts: dict = field(default_factory=lambda: {s.value: 0 for s in ReminderStatus})

    def add(self, status: str) -> None:
        self.counts[status] += 1

    @property
    def sent(self) -> int:
        return self.counts[ReminderStatus.SENT]

    def as_dict(self) -> dict:
        return dict(self.counts)


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _held(chunk: list[Candidate]) -> dict[tuple, ReminderSend]:
    rows = ReminderSend.objects.filter(
        status=ReminderStatus.QUIET_HOURS, patient_id__in={c.patient.pk for c in chunk},
        kind__in={c.kind for c in chunk}, reference__in={c.reference for c in chunk})
    return {(r.patient_id, r.kind, r.reference): r for r in rows}


def _write(candidate: Candidate, channel: str, status: str, held: ReminderSend | None,
           now: datetime) -> bool:
    """Log the outcome; True when this run wrote it (so this run, alone, may send)."""
    if held is not None:
        return bool(ReminderSend.objects.filter(pk=held.pk, status=ReminderStatus.QUIET_HOURS)
                    .update(status=status, channel=channel, sent_at=now))
    try:
        with transaction.atomic():  # a savepoint: losing a race to another run is fine
            ReminderSend.objects.create(
                organisation_id=candidate.profile.organisation_id, patient=candidate.patient,
                kind=candidate.kind, reference=candidate.reference, channel=channel,
                status=status, sent_at=now)
    except IntegrityError:
        return False
    return True


def _deliver(candidate: Candidate, held: ReminderSend | None, now: datetime,
             result: Result) -> None:
    profile = candidate.profile
    channel_name = profile.reminder_channel
    if profile.reminders_opted_out_at is not None or channel_name == ReminderChannel.NONE:
        if _write(candidate, channel_name, ReminderStatus.OPTED_OUT, held, now):
            result.add(ReminderStatus.OPTED_OUT)
        return
    local = _local(now, profile.organisation.time_zone)
    if in_quiet_hours(local.time(), profile.quiet_start, profile.quiet_end):
        if held is None and _write(candidate, channel_name, ReminderStatus.QUIET_HOURS,
                                   None, now):
            result.add(ReminderStatus.QUIET_HOURS)
        return
    channel = reminder_channels.get(channel_name)
    address = channel.address(candidate.patient) if channel else ""
    if not address:
        if _write(candidate, channel_name, ReminderStatus.NO_ADDRESS, held, now):
            result.add(ReminderStatus.NO_ADDRESS)
        return
    if not _write(candidate, channel_name, ReminderStatus.SENT, held, now):
        return  # another run claimed it
    try:
        channel.send(address, message())
    except Exception:  # a gateway error must not stop everyone else's reminders
        logger.exception("Reminder %s could not be sent by %s", candidate.kind, channel_name)
        ReminderSend.objects.filter(patient=candidate.patient, kind=candidate.kind,
                                    reference=candidate.reference).update(
            status=ReminderStatus.FAILED)
        result.add(ReminderStatus.FAILED)
        return
    result.add(ReminderStatus.SENT)


def send_due(now: datetime | None = None) -> Result:
    """Send every reminder due at ``now``. Returns the counts by outcome."""
    now = now or timezone.now()
    result = Result()
    for source in (checkin_candidates, window_candidates, follow_up_candidates):
        for chunk in _chunks(source(now), BATCH):
            held = _held(chunk)
            for candidate in chunk:
                _deliver(candidate, held.get(candidate.key), now, result)
    if any(result.counts.values()):
        # Counts only: which people is in ReminderSend, which carries no health data.
        audit.record(audit.Context.system("reminder job"), Action.NOTIFY,
                     object_type=OBJECT_TYPE, details=result.as_dict())
    return result


def recent_sends(patient, limit: int = 20) -> list[ReminderSend]:
    return list(ReminderSend.objects.filter(patient=patient).order_by("-sent_at", "-pk")
                [:limit])

