"""The crisis button: each visit to the crisis page is kept, and the person may choose to
tell their care team, which raises an urgent alert.

Design choices (documented in docs/portal.md):
- Opening the page counts as one press; opening it again within PRESS_WINDOW (a reload,
  going back and forth between the lines) is the same press, so the count means visits in
  need, not page loads.
- Nothing reaches the care team unless the person presses "Tell my care team". A retry of
  that form (same submission key) returns the first result; while the alert it raised is
  still open, pressing again adds the press to that alert instead of raising another, so
  the team sees one open alert that stays until someone acts on it.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from carepath.access.guards import require_change
from carepath.access.policy import own_record_access
from carepath.accounts.idempotency import run_once
from carepath.alerts.actions import raise_alert
from carepath.alerts.models import Alert
from carepath.audit import log as audit
from carepath.audit.models import Action

from .models import CrisisPress

OBJECT_TYPE = "recovery.crisispress"
PRESS_WINDOW = timedelta(minutes=5)
ALERT_FLAG = "crisis-button"
ALERT_SOURCE = "recovery.crisispress"
# No free text: the alert says what happened, the team calls the person.
ALERT_SUMMARY = ("The person pressed the crisis button in the portal and asked their care "
                 "team to contact them now.")
ALERT_ENDPOINT = "recovery.crisis.tell_team"
REFUSED = "Only the person themselves can use their crisis button."


def _gate(ctx: audit.Context, patient) -> None:
    require_change(ctx, patient, OBJECT_TYPE, decision=own_record_access(ctx.user, patient),
                   message=REFUSED)


def _recent_press(patient, now) -> CrisisPress | None:
    return (CrisisPress.objects.filter(patient=patient, pressed_at__gt=now - PRESS_WINDOW)
            .order_by("-pressed_at").first())


def record_press(ctx: audit.Context, patient) -> tuple[CrisisPress, bool]:
    """Count a visit to the crisis page. Returns (press, created); a visit within
    PRESS_WINDOW of the last one returns that press."""
    _gate(ctx, patient)
    now = timezone.now()
    with transaction.atomic():
        recent = _recent_press(patient, now)
        if recent is not None:
            return recent, False
        press = CrisisPress.objects.create(organisation_id=patient.organisation_id,
                                           patient=patient, pressed_at=now)
        audit.record(ctx, Action.CREATE, patient=patient, obj=press)
    return press, True


def open_team_alert(patient) -> Alert | None:
    """The crisis-button alert still waiting for the care team, if any."""
    return (Alert.objects.open().filter(patient=patient, flag=ALERT_FLAG)
            .order_by("-raised_at").first())


def tell_team(ctx: audit.Context, patient, *, submission_key: str | None) -> CrisisPress:
    """The person asked their care team to contact them now: an urgent alert (one per
    submission key, and none while an earlier one is still open). Returns the press."""
    _gate(ctx, patient)

    def create() -> CrisisPress:
        now = timezone.now()
        with transaction.atomic():
            press = _recent_press(patient, now)
            if press is None or press.alerted_team_at is not None:
                press = CrisisPress.objects.create(organisation_id=patient.organisation_id,
                                                   patient=patient, pressed_at=now)
            alert = open_team_alert(patient)
            raised = alert is None
            if raised:
                alert = raise_alert(ctx, patient, flag=ALERT_FLAG, summary=ALERT_SUMMARY,
                                    source_type=ALERT_SOURCE, source_uuid=press.uuid,
                                    severity=Alert.Severity.URGENT)
            press.alerted_team_at = now
            press.alert_uuid = alert.uuid
            press.save(update_fields=["alerted_team_at", "alert_uuid"])
            audit.record(ctx, Action.UPDATE, patient=patient, obj=press,
                         details={"told_team": True, "alert": str(alert.uuid),
                                  "new_alert": raised})
        return press

    made, earlier = run_once(ctx.user, ALERT_ENDPOINT, submission_key, "", create)
    return made if made is not None else CrisisPress.objects.get(uuid=earlier)
