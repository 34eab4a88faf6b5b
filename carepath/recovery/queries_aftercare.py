"""Reads of support meetings and follow-ups.

Callers have already passed the access check for ``patient`` (a portal guard or
``patient_view``) and audit the read; these only shape the querysets.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

from .models import FollowUp, FollowUpStatus, SupportMeeting

MEETINGS_SHOWN = 50


def follow_ups_due(patient, today) -> list:
    """The person's scheduled follow-ups that are due today or earlier and still open
    (inside their answer window), oldest first."""
    opened_since = today - timedelta(days=settings.CAREPATH_FOLLOW_UP_ANSWER_DAYS)
    return list(FollowUp.objects.filter(patient=patient, status=FollowUpStatus.SCHEDULED,
                                        due_on__lte=today, due_on__gte=opened_since)
                .order_by("due_on", "pk"))


def follow_ups_for(patient) -> list[FollowUp]:
    """Every follow-up of the person, by due date, with the discharge it follows."""
    return list(FollowUp.objects.filter(patient=patient)
                .select_related("discharge", "entered_by").order_by("due_on", "pk"))


def follow_up_for(patient, follow_up_id) -> FollowUp | None:
    """One of this person's follow-ups (None for anyone else's: a 404, not a 403)."""
    return (FollowUp.objects.filter(patient=patient, uuid=follow_up_id)
            .select_related("patient", "discharge").first())


def next_follow_up(patient, today: date) -> FollowUp | None:
    return (FollowUp.objects.filter(patient=patient, status=FollowUpStatus.SCHEDULED,
                                    due_on__gt=today).order_by("due_on", "pk").first())


def meetings_for(patient, limit: int = MEETINGS_SHOWN) -> list[SupportMeeting]:
    return list(SupportMeeting.objects.filter(patient=patient)
                .select_related("entered_by").order_by("-met_on", "-pk")[:limit])


def meetings_count(patient, since: date) -> int:
    return SupportMeeting.objects.filter(patient=patient, met_on__gte=since).count()


def completed_answers(organisation):
    """Completed follow-up answers for outcome reports (the outcomes app reads these):
    one row per answered follow-up, no names."""
    return (FollowUp.objects.filter(organisation=organisation,
                                    status=FollowUpStatus.COMPLETED)
            .values("uuid", "patient__uuid", "discharge__uuid", "discharge__reason",
                    "day_offset", "due_on", "completed_at", "used_since_discharge",
                    "days_abstinent_past_30", "wellbeing")
            .order_by("due_on", "pk"))
