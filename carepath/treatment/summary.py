"""Drafting a discharge summary from the record.

``gather`` reads the facts of one episode of care in a fixed number of queries:
levels of care with dates, the first and last score of each measure taken in the
episode, the attendance rate, the treatment plan's objectives and the withdrawal
observations. ``render`` turns them into plain text the clinician edits before signing.
Nothing here is written to the database; nothing is inferred that the record does
not say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, Max, Min, OuterRef, Q
from django.utils import timezone

from carepath.measures import catalogue, presentation
from carepath.measures.models import Response
from carepath.patients.models import LevelOfCare

from .models import (
    PRESENT,
    Attendance,
    AttendanceStatus,
    DischargeReason,
    Objective,
    ObjectiveStatus,
    PlanStatus,
    SessionStatus,
    TreatmentPlan,
)

CLINICIAN_HEADING = "Clinician's summary"
CLINICIAN_PROMPT = ("(Write here: progress, risks at discharge, medication, who was told. "
                    "The lines above were drafted from the record: check them.)")


@dataclass
class LevelRow:
    level: str
    label: str
    starts: datetime
    ends: datetime | None  # None: still at this level when drafted


@dataclass
class Score:
    on: datetime
    total: int | None
    band: str


@dataclass
class MeasureRow:
    instrument_id: str
    title: str
    first: Score
    last: Score
    count: int


@dataclass
class AttendanceFacts:
    attended: int = 0  # attended, late or left early
    counted: int = 0  # all minus cancelled
    cancelled: int = 0
    not_recorded: int = 0  # still "expected" after the session started

    @property
    def rate(self) -> int | None:
        """Whole percent, or None when no session counts."""
        if not self.counted:
            return None
        return round(100 * self.attended / self.counted)


@dataclass
class PlanFacts:
    version: int
    status: str
    status_label: str
    activated_at: datetime | None
    met: int = 0
    open: int = 0
    not_met: int = 0
    objectives: list[tuple[str, str]] = field(default_factory=list)  # (status label, text)


@dataclass
class ObservationFacts:
    count: int
    with_red_flags: int
    first: datetime | None
    last: datetime | None


@dataclass
class SummaryFacts:
    opened_at: datetime
    ends_at: datetime
    referral_reason: str
    levels: list[LevelRow]
    measures: list[MeasureRow]
    attendance: AttendanceFacts
    plan: PlanFacts | None
    observations: ObservationFacts | None


def episode_end(episode, discharged_on: date | None) -> datetime:
    """The end of the period summarised: the episode's close, else the end of the
    discharge day (local time), never later than now."""
    now = timezone.now()
    if episode.closed_at is not None:
        return min(episode.closed_at, now)
    if discharged_on is None:
        return now
    end_of_day = timezone.make_aware(datetime.combine(discharged_on + timedelta(days=1),
                                                      time.min))
    return min(end_of_day, now)


def _levels(episode, ends_at) -> list[LevelRow]:
    labels = dict(LevelOfCare.choices)
    changes = list(episode.levels.order_by("changed_at", "pk"))
    rows = []
    for index, change in enumerate(changes):
        nxt = changes[index + 1].changed_at if index + 1 < len(changes) else None
        rows.append(LevelRow(change.level_of_care,
                             labels.get(change.level_of_care, change.level_of_care),
                             change.changed_at, nxt))
    if rows and rows[-1].ends is None and episode.closed_at is not None:
        rows[-1].ends = episode.closed_at
    return rows


def _title_and_band(instrument_id: str):
    try:
        defn = catalogue.get(instrument_id)
    except LookupError:
        return instrument_id, lambda band: band or ""
    return defn.title, lambda band: presentation.band_label(defn, band)


def _measures(episode, ends_at) -> list[MeasureRow]:
    """First and last submitted score of each instrument in the period. A response that
    was later amended is replaced by its amendment (the superseded one is left out)."""
    superseded = Response.objects.filter(amends=OuterRef("pk"))
    responses = (Response.objects
                 .filter(patient_id=episode.patient_id, status=Response.Status.SUBMITTED,
                         submitted_at__gte=episode.opened_at, submitted_at__lte=ends_at)
                 .exclude(Exists(superseded))
                 .order_by("instrument_id", "submitted_at", "pk")
                 .values_list("instrument_id", "submitted_at", "total", "band"))
    by_instrument: dict[str, list] = {}
    for instrument_id, submitted_at, total, band in responses:
        by_instrument.setdefault(instrument_id, []).append((submitted_at, total, band))
    rows = []
    for instrument_id, items in by_instrument.items():
        title, band_label = _title_and_band(instrument_id)
        first, last = items[0], items[-1]
        rows.append(MeasureRow(instrument_id, title,
                               Score(first[0], first[1], band_label(first[2])),
                               Score(last[0], last[1], band_label(last[2])), len(items)))
    rows.sort(key=lambda r: r.title.lower())
    return rows


def _attendance(episode, ends_at) -> AttendanceFacts:
    now = timezone.now()
    until = min(ends_at, now)
    rows = (Attendance.objects
            .filter(patient_id=episode.patient_id, session__starts_at__gte=episode.opened_at,
                    session__starts_at__lte=until)
            .aggregate(
                all=Count("pk"),
                present=Count("pk", filter=Q(status__in=PRESENT)
                              & ~Q(session__status=SessionStatus.CANCELLED)),
                cancelled=Count("pk", filter=Q(status=AttendanceStatus.CANCELLED)
                                | Q(session__status=SessionStatus.CANCELLED)),
                expected=Count("pk", filter=Q(status=AttendanceStatus.EXPECTED)
                               & ~Q(session__status=SessionStatus.CANCELLED))))
    return AttendanceFacts(attended=rows["present"], counted=rows["all"] - rows["cancelled"],
                           cancelled=rows["cancelled"], not_recorded=rows["expected"])


def _plan(episode) -> PlanFacts | None:
    plan = (TreatmentPlan.objects.filter(episode=episode, status=PlanStatus.ACTIVE).first()
            or TreatmentPlan.objects.filter(episode=episode).exclude(status=PlanStatus.DRAFT)
            .order_by("-version").first())
    if plan is None:
        return None
    facts = PlanFacts(plan.version, plan.status, plan.get_status_display(), plan.activated_at)
    labels = dict(ObjectiveStatus.choices)
    objectives = Objective.objects.filter(goal__problem__plan=plan).order_by(
        "goal__problem__order", "goal__order", "order", "pk").values_list("status", "text")
    for status, text in objectives:
        if status == ObjectiveStatus.MET:
            facts.met += 1
        elif status == ObjectiveStatus.NOT_MET:
            facts.not_met += 1
        else:
            facts.open += 1
        facts.objectives.append((labels.get(status, status), text))
    return facts


def _observations(episode) -> ObservationFacts | None:
    from carepath.withdrawal.models import Observation

    rows = (Observation.objects.filter(episode=episode, entered_in_error_at__isnull=True)
            .aggregate(n=Count("pk"), flagged=Count("pk", filter=~Q(red_flags=[])),
                       first=Min("taken_at"), last=Max("taken_at")))
    if not rows["n"]:
        return None
    return ObservationFacts(rows["n"], rows["flagged"], rows["first"], rows["last"])


def gather(episode, discharged_on: date | None = None) -> SummaryFacts:
    ends_at = episode_end(episode, discharged_on)
    return SummaryFacts(
        opened_at=episode.opened_at, ends_at=ends_at, referral_reason=episode.reason,
        levels=_levels(episode, ends_at), measures=_measures(episode, ends_at),
        attendance=_attendance(episode, ends_at), plan=_plan(episode),
        observations=_observations(episode))


def _day(value) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%b %Y}"


def _score(score: Score) -> str:
    total = "no total" if score.total is None else str(score.total)
    band = f" ({score.band})" if score.band else ""
    return f"{total}{band} on {_day(score.on)}"


def render(facts: SummaryFacts, *, reason: str, discharged_on: date) -> str:
    """The drafted summary as plain text, one fact a line, for the clinician to edit."""
    reason_label = dict(DischargeReason.choices).get(reason, reason)
    opened = timezone.localtime(facts.opened_at).date()
    days = (discharged_on - opened).days if discharged_on else None
    lines = [
        f"Episode of care: opened {_day(opened)}, discharged {_day(discharged_on)}"
        + (f" ({days} days)." if days is not None else "."),
        f"Reason for referral: {facts.referral_reason}",
        f"Reason for discharge: {reason_label}.",
        "",
        "Levels of care:",
    ]
    for row in facts.levels:
        ends = _day(row.ends) if row.ends else _day(discharged_on)
        lines.append(f"- {row.label}: {_day(row.starts)} to {ends}")
    if not facts.levels:
        lines.append("- none recorded")
    lines += ["", "Measures (first and last score in this episode):"]
    for m in facts.measures:
        if m.count == 1:
            lines.append(f"- {m.title}: {_score(m.first)} (taken once)")
        else:
            lines.append(f"- {m.title}: {_score(m.first)}, then {_score(m.last)} "
                         f"({m.count} responses)")
    if not facts.measures:
        lines.append("- none taken in this episode")
    a = facts.attendance
    lines.append("")
    if a.rate is None:
        lines.append("Session attendance: no sessions recorded in this episode.")
    else:
        extra = []
        if a.cancelled:
            extra.append(f"{a.cancelled} cancelled, not counted")
        if a.not_recorded:
            extra.append(f"{a.not_recorded} not recorded, counted as not attended")
        lines.append(f"Session attendance: attended {a.attended} of {a.counted} sessions "
                     f"({a.rate}%; late or left early count as attended"
                     + ("; " + "; ".join(extra) if extra else "") + ").")
    lines.append("")
    plan = facts.plan
    if plan is None:
        lines.append("Treatment plan: no plan was activated in this episode.")
    else:
        since = f", active from {_day(plan.activated_at)}" if plan.activated_at else ""
        lines.append(f"Treatment plan: version {plan.version} ({plan.status_label.lower()}"
                     f"{since}); objectives: {plan.met} met, {plan.open} still being worked "
                     f"on, {plan.not_met} not met.")
        for label, text in plan.objectives:
            lines.append(f"- [{label}] {text}")
    obs = facts.observations
    if obs is not None:
        lines += ["", f"Withdrawal observations: {obs.count} recorded from {_day(obs.first)} "
                      f"to {_day(obs.last)}, {obs.with_red_flags} with a red flag."]
    lines += ["", f"{CLINICIAN_HEADING}:", CLINICIAN_PROMPT]
    return "\n".join(lines)


def draft(episode, *, reason: str, discharged_on: date) -> str:
    return render(gather(episode, discharged_on), reason=reason, discharged_on=discharged_on)
