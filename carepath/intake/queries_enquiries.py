"""Reads of enquiries, already narrowed to what the user may see: their organisation's
enquiries, and only for roles that work intake. Views and the API never start from
``Enquiry.objects`` themselves."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from carepath.access import policy

from .models.enquiries import CLOSED_STAGES, Enquiry, Stage

OPEN = "open"  # the default stage filter: everything not closed (nurture included)
ALL = "all"
UNASSIGNED = "none"


@dataclass(frozen=True)
class Filters:
    stage: str = OPEN
    source: str = ""
    assignee: str = ""  # a user's UUID, or "none" for unassigned
    overdue: bool = False

    def as_query(self) -> dict:
        return {k: v for k, v in (("stage", self.stage if self.stage != OPEN else ""),
                                  ("source", self.source), ("assignee", self.assignee),
                                  ("overdue", "1" if self.overdue else "")) if v}


def visible_enquiries(user) -> QuerySet:
    return policy.visible_enquiries(user, Enquiry.objects.all())


def get_enquiry(user, enquiry_id) -> Enquiry:
    """One enquiry of the user's organisation; another organisation's is not found."""
    try:
        return (visible_enquiries(user)
                .select_related("assigned_to", "patient", "referral__service", "created_by")
                .get(uuid=enquiry_id))
    except (Enquiry.DoesNotExist, ValueError, TypeError):
        raise Http404("No such enquiry") from None


def open_q() -> Q:
    return ~Q(stage__in=list(CLOSED_STAGES))


def overdue_q(today=None) -> Q:
    """Open, with a next action whose due date has passed (due today is not overdue)."""
    today = today or timezone.localdate()
    return open_q() & Q(next_action_due__lt=today)


def _urgent_first(qs: QuerySet) -> QuerySet:
    # Risk-flagged open enquiries first; then the earliest due; then the newest.
    return qs.annotate(urgency=Case(
        When(open_q() & Q(risk_flagged=True), then=Value(0)), default=Value(1),
        output_field=IntegerField())).order_by(
        "urgency", F("next_action_due").asc(nulls_last=True), "-created_at", "-pk")


def filtered(user, filters: Filters) -> QuerySet:
    qs = visible_enquiries(user)
    if filters.stage == OPEN:
        qs = qs.filter(open_q())
    elif filters.stage in Stage.values:
        qs = qs.filter(stage=filters.stage)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.assignee == UNASSIGNED:
        qs = qs.filter(assigned_to__isnull=True)
    elif filters.assignee:
        qs = qs.filter(assigned_to__uuid=filters.assignee)
    if filters.overdue:
        qs = qs.filter(overdue_q())
    return qs


def enquiry_list(user, filters: Filters) -> QuerySet:
    return _urgent_first(filtered(user, filters).select_related("assigned_to"))


def overdue(user) -> QuerySet:
    return _urgent_first(visible_enquiries(user).filter(overdue_q())
                         .select_related("assigned_to"))


def without_next_action(user) -> QuerySet:
    """Open enquiries nobody has planned anything for: nothing will ever make them overdue."""
    return _urgent_first(visible_enquiries(user).filter(open_q())
                         .filter(Q(next_action="") | Q(next_action_due__isnull=True))
                         .select_related("assigned_to"))


BOARD_COLUMN_LIMIT = 25


def board(user, filters: Filters) -> list[dict]:
    """One column per stage with its first cards and a count: one query per column
    plus one for the counts, whatever the size of the pipeline."""
    base = filtered(user, Filters(stage=ALL, source=filters.source, assignee=filters.assignee,
                                  overdue=filters.overdue))
    if filters.stage not in (OPEN, ALL, ""):
        stages = [filters.stage]
    elif filters.stage == OPEN:
        stages = [s for s in Stage.values if s not in CLOSED_STAGES]
    else:
        stages = list(Stage.values)
    counts = dict(base.filter(stage__in=stages).values("stage").annotate(n=Count("pk"))
                  .values_list("stage", "n"))
    columns = []
    for stage in stages:
        cards = base.filter(stage=stage).select_related("assigned_to")
        if stage in CLOSED_STAGES:
            cards = cards.order_by("-stage_changed_at", "-pk")  # the most recent outcomes
        else:
            cards = _urgent_first(cards)
        columns.append({"stage": stage, "label": Stage(stage).label,
                        "cards": list(cards[:BOARD_COLUMN_LIMIT]),
                        "count": counts.get(stage, 0)})
    return columns


def stage_history(enquiry: Enquiry) -> list:
    return list(enquiry.changes.select_related("changed_by"))


def mark(enquiries, today=None) -> None:
    """Flags the templates show: overdue, and open with nothing planned."""
    today = today or timezone.localdate()
    for e in enquiries:
        e.overdue = (not e.is_closed and e.next_action_due is not None
                     and e.next_action_due < today)
        e.unplanned = not e.is_closed and not (e.next_action and e.next_action_due)
