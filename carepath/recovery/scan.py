"""Gather the numbers the risk rules need, set-based, and run them.

``scan_all`` is the nightly scan (``carepath recovery_scan``, run by cron after
midnight): the same handful of queries whether 5 or 100,000 people are watched.

- missed check-ins: RecoveryProfile only (last_checkin_on is kept by submit_checkin),
  through the (checkins_expected, last_checkin_on) index, and only gaps that can reach
  a threshold tonight;
- rising craving: one aggregate over the last 6 days of check-ins (checkin_date index),
  by person and day, then by person; only people whose mean rose come back;
- reported use and blood in urine: check-ins since the last scan with either flag;
- BAM and PHQ-9: only people with a response submitted since the last scan, then their
  series (small).

``evaluate_patient`` runs the check-in rules for one person right after a check-in
(``tasks_signals.evaluate_checkin``), with the same queries narrowed to that person.

Who is watched: the flag ``checkins_expected`` (portal active, alive) decides only the
missed-check-in rule, the one rule about something *not* happening. Anything a person
actually reports (a check-in, a questionnaire) is always evaluated: a wrong flag must
not hide a reported lapse or blood in urine.

"Today" is each organisation's local date (check-in dates are local dates): orgs are
grouped by their current local date, usually one group.
"""

from __future__ import annotations

import time
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Q
from django.db.models.functions import Greatest
from django.utils import timezone

from carepath.accounts.models import Organisation
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.measures.models import Response

from . import risk_rules as rules
from .actions_checkins import DAYS_BACK_MAX
from .models import CheckIn, RecoveryProfile
from .models.scan_runs import RiskScanRun
from .signal_outreach import Recorded, record_findings

MEASURES = ("bam", "phq-9")
# How far back a scan looks for reports when the previous scan is older than a day (the
# scan, or its cron, was down): up to this many days. Design choice.
CATCH_UP_MAX_DAYS = 30
FIRST_RUN_LOOKBACK_DAYS = 7
SCAN_OBJECT_TYPE = "recovery.riskscan"


@dataclass
class ScanResult:
    scan_date: date
    new_signals: dict = field(default_factory=dict)  # rule -> count (every rule listed)
    tasks_raised: int = 0
    linked_to_open_tasks: int = 0
    findings: int = 0  # rules met, including occurrences already signalled
    seconds: float = 0.0
    phases: dict = field(default_factory=dict)  # seconds: reports, craving, missed, ...

    def as_dict(self) -> dict:
        return {"scan_date": self.scan_date.isoformat(), "new_signals": self.new_signals,
                "tasks_raised": self.tasks_raised,
                "linked_to_open_tasks": self.linked_to_open_tasks,
                "findings": self.findings, "seconds": round(self.seconds, 3),
                "phases": self.phases}


# --- days ----------------------------------------------------------------------------

def _zone(name: str | None):
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_default_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()


def local_today(time_zone: str | None) -> date:
    return timezone.localtime(timezone.now(), _zone(time_zone)).date()


def _zones() -> dict[int, str]:
    return dict(Organisation.objects.values_list("pk", "time_zone"))


def _day_groups(zones: dict[int, str], today: date | None) -> list[tuple[date, list | None]]:
    """[(today, organisation ids or None for all)]: one group unless organisations
    stand on different local dates right now."""
    if today is not None:
        return [(today, None)]
    by_day: dict[date, list[int]] = defaultdict(list)
    for org_id, zone in zones.items():
        by_day[local_today(zone)].append(org_id)
    if len(by_day) <= 1:
        return [(next(iter(by_day), timezone.localdate()), None)]
    return sorted(by_day.items())


def last_finished_scan() -> RiskScanRun | None:
    return RiskScanRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()


def catch_up_days(today: date, last: RiskScanRun | None) -> int:
    """Days of reports to look at: since the day before the last finished scan."""
    if last is None:
        return FIRST_RUN_LOOKBACK_DAYS
    return max(2, min(CATCH_UP_MAX_DAYS, (today - last.scan_date).days + 1))


# --- gatherers -----------------------------------------------------------------------

def _org_filter(prefix: str, org_ids) -> Q:
    return Q(**{f"{prefix}organisation_id__in": org_ids}) if org_ids is not None else Q()


def _day_value(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def craving_findings(today: date, *, org_ids=None, patient_id=None) -> list[rules.Finding]:
    """One aggregate: each day's mean craving per person, then each person's mean over
    the recent and previous windows; only rises of at least the threshold return."""
    previous_from, recent_from, _ = rules.craving_windows(today)
    table = connection.ops.quote_name(CheckIn._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    where, params = ["c.checkin_date >= %s", "c.checkin_date <= %s"], [
        adapt(previous_from), adapt(today)]
    if org_ids is not None:
        if not org_ids:
            return []
        where.append(f"c.organisation_id IN ({', '.join(['%s'] * len(org_ids))})")
        params += list(org_ids)
    if patient_id is not None:
        where.append("c.patient_id = %s")
        params.append(patient_id)
    recent = "AVG(CASE WHEN d.checkin_date >= %s THEN d.day_mean END)"
    previous = "AVG(CASE WHEN d.checkin_date < %s THEN d.day_mean END)"
    # Only the quoted table name and %s placeholders are interpolated; values are params.
    sql = (f"SELECT d.patient_id, MAX(d.organisation_id), {recent}, {previous}, "  # noqa: S608
           "MAX(d.checkin_date) "
           "FROM (SELECT c.patient_id, c.organisation_id, c.checkin_date, "
           "AVG(c.craving * 1.0) AS day_mean "
           f"FROM {table} c WHERE {' AND '.join(where)} "
           "GROUP BY c.patient_id, c.organisation_id, c.checkin_date) d "
           "GROUP BY d.patient_id "
           f"HAVING {recent} - {previous} >= %s")
    threshold = rules.craving_rise_points() - rules.EPSILON
    day = adapt(recent_from)
    all_params = [day, day, *params, day, day, threshold]
    found = []
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
        for pid, org_id, recent_mean, previous_mean, latest in cursor.fetchall():
            # MAX(checkin_date) over both windows is the latest day: the recent window
            # has a check-in, or the HAVING would have dropped the row.
            finding = rules.rising_craving(pid, org_id, today, recent_mean, previous_mean,
                                           _day_value(latest))
            if finding is not None:
                found.append(finding)
    return found


def report_findings(since: date, today: date, *, org_ids=None,
                    checkin_uuid=None) -> list[rules.Finding]:
    """Check-ins reporting ketamine use or blood in urine, submitted since ``since``.
    A check-in may be dated up to DAYS_BACK_MAX days before it is sent, so the dates
    looked at reach that much further back (through the checkin_date index)."""
    oldest = since - timedelta(days=DAYS_BACK_MAX)
    rows = (CheckIn.objects.filter(checkin_date__gte=oldest, checkin_date__lte=today,
                                   submitted_at__gte=_start_of(since))
            .filter(Q(used_ketamine=True) | Q(blood_in_urine=True))
            .filter(_org_filter("", org_ids)).order_by())
    if checkin_uuid is not None:
        rows = CheckIn.objects.filter(uuid=checkin_uuid)
    found = []
    for c_uuid, pid, org_id, day, used, blood in rows.values_list(
            "uuid", "patient_id", "organisation_id", "checkin_date", "used_ketamine",
            "blood_in_urine"):
        if blood:
            found.append(rules.bladder_red_flag(pid, org_id, c_uuid, day))
        if used:
            found.append(rules.reported_use(pid, org_id, c_uuid, day))
    return found


def missed_findings(today: date, catch_up: int, zones: dict[int, str], *,
                    org_ids=None) -> list[rules.Finding]:
    """People expected to check in whose gap reaches a stage tonight (or reached it
    within the catch-up days, when scans were missed)."""
    threshold = rules.missed_checkin_days()
    newest = today - timedelta(days=threshold + 1)  # gap of exactly the threshold
    oldest = today - timedelta(days=max(rules.STILL_MISSING_DAYS, threshold) + catch_up + 1)
    watched = RecoveryProfile.objects.filter(checkins_expected=True).filter(
        _org_filter("", org_ids))
    found = []
    for pid, org_id, last in watched.filter(
            last_checkin_on__lte=newest, last_checkin_on__gte=oldest).order_by().values_list(
            "patient_id", "organisation_id", "last_checkin_on"):
        finding = rules.missed_checkins(pid, org_id, today, last)
        if finding is not None:
            found.append(finding)
    # Never checked in: counted from when the portal account was set up (the later of
    # the profile and the account); nobody is watched before they have an account.
    earliest = _start_of(oldest - timedelta(days=1))
    never = (watched.filter(last_checkin_on__isnull=True, patient__user__isnull=False)
             .annotate(active_since=Greatest("created_at", "patient__user__date_joined"))
             .filter(active_since__gte=earliest)
             .values_list("patient_id", "organisation_id", "active_since"))
    for pid, org_id, since in never:
        activated_on = timezone.localtime(since, _zone(zones.get(org_id))).date()
        finding = rules.missed_checkins(pid, org_id, today, activated_on, never=True)
        if finding is not None:
            found.append(finding)
    return found


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def measure_findings(since: date, *, org_ids=None) -> list[rules.Finding]:
    """BAM and PHQ-9: compare each result submitted since ``since`` (or amended since)
    with the result before it, for people using the companion (with a profile)."""
    recent = Response.objects.filter(status=Response.Status.SUBMITTED,
                                     instrument_id__in=MEASURES,
                                     submitted_at__gte=_start_of(since))
    if org_ids is not None:
        recent = recent.filter(organisation_id__in=org_ids)
    rows = (Response.objects.filter(status=Response.Status.SUBMITTED,
                                    instrument_id__in=MEASURES,
                                    patient__recovery_profile__isnull=False,
                                    patient_id__in=recent.values("patient_id"))
            .order_by("patient_id", "instrument_id", "submitted_at", "pk")
            .values_list("pk", "uuid", "patient_id", "organisation_id", "instrument_id",
                         "submitted_at", "total", "subscales", "amends_id"))
    series: dict[tuple[int, str], list] = defaultdict(list)
    for row in rows:
        series[(row[2], row[4])].append(row)
    cutoff = _start_of(since)
    found = []
    for (pid, instrument), responses in series.items():
        org_id = responses[0][3]
        points = _points(responses, cutoff)
        for previous, (current, is_new) in zip(points, points[1:], strict=False):
            if not is_new:
                continue
            if instrument == "bam":
                found += rules.bam_changes(pid, org_id, previous[0], current)
            else:
                finding = rules.phq9_reliable_worsening(pid, org_id, previous[0], current)
                if finding:
                    found.append(finding)
    return found


def _points(responses: list, cutoff: datetime) -> list[tuple[rules.MeasurePoint, bool]]:
    """One point per original response (oldest first), with the scores of its latest
    amendment, as carepath.measures.trends.series; and whether it changed since cutoff."""
    by_pk = {r[0]: r for r in responses}

    def root(row):
        seen = set()
        while row[8] in by_pk and row[0] not in seen:
            seen.add(row[0])
            row = by_pk[row[8]]
        return row

    latest: dict[int, tuple] = {}
    for row in responses:  # oldest first: the last one seen is the latest
        latest[root(row)[0]] = row
    zone = timezone.get_current_timezone()
    points = []
    for original_pk, shown in latest.items():
        original = by_pk[original_pk]
        taken = original[5].astimezone(zone).date()
        points.append((original[5], rules.MeasurePoint(
            str(original[1]), taken, shown[6], shown[7] or {}), shown[5] >= cutoff))
    points.sort(key=lambda p: p[0])
    return [(point, is_new) for _, point, is_new in points]


# --- running ---------------------------------------------------------------------------

def gather(today: date, catch_up: int, zones: dict[int, str], *, org_ids=None,
           phases: dict | None = None) -> list[rules.Finding]:
    """Every rule's findings for one local date; ``phases`` collects seconds per kind."""
    since = today - timedelta(days=catch_up)
    phases = {} if phases is None else phases
    steps = [("reports", lambda: report_findings(since, today, org_ids=org_ids)),
             ("craving", lambda: craving_findings(today, org_ids=org_ids)),
             ("missed", lambda: missed_findings(today, catch_up, zones, org_ids=org_ids)),
             ("measures", lambda: measure_findings(since, org_ids=org_ids))]
    found: list[rules.Finding] = []
    for name, step in steps:
        started = time.perf_counter()
        found += step()
        phases[name] = phases.get(name, 0.0) + time.perf_counter() - started
    return found


def scan_all(today: date | None = None) -> ScanResult:
    """The nightly scan over everyone. Idempotent: a second run raises nothing new."""
    started = timezone.now()
    zones = _zones()
    groups = _day_groups(zones, today)
    scan_date = today or max(day for day, _ in groups)
    last = last_finished_scan()
    run = RiskScanRun.objects.create(scan_date=scan_date, started_at=started)
    ctx = audit.Context.system("recovery nightly scan")
    findings: list[rules.Finding] = []
    recorded = Recorded()
    phases: dict[str, float] = {}
    for day, org_ids in groups:
        found = gather(day, catch_up_days(day, last), zones, org_ids=org_ids, phases=phases)
        findings += found
        clock = time.perf_counter()
        done = record_findings(ctx, found, due_on=day)
        phases["record"] = phases.get("record", 0.0) + time.perf_counter() - clock
        recorded.new_signals.update(done.new_signals)
        recorded.tasks_raised += done.tasks_raised
        recorded.linked_to_open_tasks += done.linked_to_open_tasks
    result = ScanResult(
        scan_date=scan_date, new_signals={r: recorded.new_signals.get(r, 0) for r in rules.RULES},
        tasks_raised=recorded.tasks_raised, linked_to_open_tasks=recorded.linked_to_open_tasks,
        findings=len(findings), phases={k: round(v, 3) for k, v in phases.items()})
    # The scan reads everyone's recent reports: one audit event says so (counts only);
    # each new signal and task has its own event, naming the patient.
    audit.record(ctx, Action.READ, object_type=SCAN_OBJECT_TYPE, object_id=str(run.uuid),
                 details={"scan_date": scan_date.isoformat(), **result.as_dict()})
    run.finished_at = timezone.now()
    run.new_signals = result.new_signals
    run.tasks_raised = result.tasks_raised
    run.linked_to_open_tasks = result.linked_to_open_tasks
    run.save(update_fields=["finished_at", "new_signals", "tasks_raised",
                            "linked_to_open_tasks"])
    result.seconds = (run.finished_at - started).total_seconds()
    return result


def evaluate_patient(checkin: CheckIn, today: date | None = None) -> Recorded:
    """The check-in rules for one person right after a check-in: the check-in's own
    reports and their craving trend."""
    if today is None:
        today = local_today(checkin.organisation.time_zone)
    findings = [*report_findings(today, today, checkin_uuid=checkin.uuid),
                *craving_findings(today, patient_id=checkin.patient_id)]
    return record_findings(audit.Context.system("recovery check-in evaluation"), findings,
                           due_on=today)
