"""Helpers for the risk-signal tests: history written straight to the tables (the rules
read tables; the check-in action has its own tests), on a fixed "today"."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from carepath.measures.models import Mode, Response
from carepath.recovery.models import CheckIn, RecoveryProfile

TODAY = date(2026, 3, 10)
_minutes = itertools.count()


def profile(patient, *, last=None, expected=True) -> RecoveryProfile:
    made, _ = RecoveryProfile.objects.update_or_create(
        patient=patient, defaults={"organisation_id": patient.organisation_id,
                                   "checkins_expected": expected, "last_checkin_on": last})
    return made


def checkins(patient, cravings, *, today=TODAY, **fields) -> list[CheckIn]:
    """One check-in a day, oldest first, the last one dated ``today``; None skips a day.
    Keeps the profile's last_checkin_on as submit_checkin would."""
    made = []
    start = today - timedelta(days=len(cravings) - 1)
    for offset, craving in enumerate(cravings):
        if craving is None:
            continue
        made.append(checkin(patient, start + timedelta(days=offset), craving=craving,
                            **fields))
    return made


def checkin(patient, day: date, *, craving=2, used=False, blood=False, note="",
            submitted_at=None) -> CheckIn:
    made = CheckIn.objects.create(
        organisation_id=patient.organisation_id, patient=patient, checkin_date=day,
        craving=craving, mood=5, used_ketamine=used, blood_in_urine=blood, note=note,
        submitted_at=submitted_at or timezone.make_aware(datetime.combine(day, time(20))),
        entered_by=_entered_by(patient))
    prof = profile_of(patient)
    if prof.last_checkin_on is None or prof.last_checkin_on < day:
        prof.last_checkin_on = day
        prof.save(update_fields=["last_checkin_on"])
    return made


def profile_of(patient) -> RecoveryProfile:
    try:
        return RecoveryProfile.objects.get(patient=patient)
    except RecoveryProfile.DoesNotExist:
        return profile(patient)


def _entered_by(patient):
    from carepath.patients.models import CareTeamMember

    if patient.user_id:
        return patient.user
    return CareTeamMember.objects.filter(patient=patient).first().user


def response(patient, instrument, *, day: date, total=None, subscales=None,
             amends=None) -> Response:
    """A submitted response, as stored by measures.actions.submit (scores beside it)."""
    moment = timezone.make_aware(datetime.combine(day, time(9, next(_minutes) % 60)))
    return Response.objects.create(
        organisation_id=patient.organisation_id, patient=patient, instrument_id=instrument,
        instrument_version="1", status=Response.Status.SUBMITTED, mode=Mode.SELF_REPORT,
        answers={}, total=total, subscales=subscales or {}, submitted_at=moment,
        created_at=moment, amends=amends, amendment_reason="Corrected" if amends else "")


def bam(patient, *, day, risk, protective, use=0, amends=None) -> Response:
    return response(patient, "bam", day=day, amends=amends,
                    subscales={"use": use, "risk": risk, "protective": protective})


def phq9(patient, *, day, total, amends=None) -> Response:
    return response(patient, "phq-9", day=day, total=total, amends=amends)


CHECKIN = {"craving": 3, "mood": 6, "sleep_hours": 7.5, "used_ketamine": False,
           "other_substances": [], "triggers": [], "bladder_pain": 0,
           "blood_in_urine": False, "note": ""}


def link_portal_user(patient, make_user):
    from carepath.accounts.models import AccountType

    user = make_user("", account_type=AccountType.PATIENT)
    patient.user = user
    patient.save(update_fields=["user"])
    return user


def today_for(patient) -> date:
    from carepath.recovery.actions_checkins import organisation_today

    return organisation_today(patient.organisation)
