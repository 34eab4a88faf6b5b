"""Demo referrals: a few for demo patients across the loop's statuses, one overdue for
its status check, one with a declared organisational affiliation, and one waitlist entry
at the demo organisation's own residential service (which has no places).

Runs after ``add_demo_services``. Rows are written directly so their dates can lie in
the past; one audit event records the load, as the other demo loaders do.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from carepath.accounts.models import User
from carepath.audit import log as audit
from carepath.audit.models import Action
from carepath.patients.models import Patient

from .actions_referrals import check_due_from
from .models import (
    LEVEL_FIELDS,
    Affiliation,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
    Service,
    WaitlistEntry,
)

S = ReferralStatus
# (path of (status, days ago), note on the last step, why matched)
SCENARIOS = [
    ([(S.SENT, 3)], "", "Closest service offering this level of care with places now."),
    ([(S.SENT, 40)], "", "Shortest typical wait among services the person can travel to."),
    ([(S.SENT, 12), (S.ACKNOWLEDGED, 9)], "",
     "Offers a young-adult programme, which the person asked for."),
    ([(S.SENT, 20), (S.ACKNOWLEDGED, 17), (S.ASSESSED, 10)], "",
     "Dual diagnosis support alongside treatment; NHS funded."),
    ([(S.SENT, 35), (S.ACKNOWLEDGED, 33), (S.ASSESSED, 28), (S.ADMITTED, 21)],
     "Admitted; the service will send a discharge summary.",
     "Urology liaison on site for bladder symptoms; within travelling distance."),
    ([(S.SENT, 25), (S.DECLINED, 18)],
     "Declined: no place at this level of care for eight weeks; referred elsewhere.",
     "Only service in the area offering this level of care."),
]


def _pick(services, level, rng):
    offering = [s for s in services if s.offers(level)]
    return rng.choice(offering) if offering else None


def _add(org, patient, service, by, level, steps, note, reason, now, *,
         affiliation=Affiliation.NONE, details="") -> Referral:
    sent_at = now - timedelta(days=steps[0][1], hours=2)
    last_status, last_days = steps[-1]
    changed_at = now - timedelta(days=last_days, hours=1) if len(steps) > 1 else sent_at
    open_now = last_status in (S.SENT, S.ACKNOWLEDGED, S.ASSESSED)
    referral = Referral.objects.create(
        organisation=org, patient=patient, service=service, referred_by=by,
        level_of_care=level, match_reason=reason, affiliation=affiliation,
        affiliation_details=details, no_fee_attested=True, status=last_status,
        sent_at=sent_at, status_changed_at=changed_at,
        check_due_at=check_due_from(changed_at if open_now else sent_at),
        outcome_note="" if open_now else note)
    previous = ""
    for status, days in steps:
        at = sent_at if not previous else now - timedelta(days=days, hours=1)
        ReferralStatusChange.objects.create(
            referral=referral, from_status=previous, to_status=status, changed_at=at,
            changed_by=by, note=note if status == last_status and previous else "")
        previous = status
    return referral


def add_demo_referrals(org, seed):
    # Services in the organisation's own country: a UK team refers within the UK.
    # Its own services only with the affiliation declared (below).
    services = list(Service.objects.filter(active=True, country=org.country)
                    .exclude(operated_by=org).order_by("name", "pk"))
    if not services:
        return  # no directory loaded: nothing to refer to
    rng = random.Random(seed + 8)
    clinician = User.objects.get(username="clinician", organisation=org)
    patients = list(Patient.objects.filter(organisation=org, care_team__user=clinician)
                    .order_by("mrn")[1:12])
    now = timezone.now()
    levels = list(LEVEL_FIELDS)
    made = []
    for (steps, note, reason), patient in zip(SCENARIOS, patients, strict=False):
        level = rng.choice(levels)
        service = _pick(services, level, rng)
        if service is None:
            continue
        made.append(_add(org, patient, service, clinician, level, steps, note, reason, now))

    own = Service.objects.filter(operated_by=org, active=True).order_by("name")
    own_service = own.filter(offers_intensive_outpatient=True).first() or own.first()
    spare = patients[len(SCENARIOS):]
    if own_service is not None and spare:
        level = next((lv for lv in levels if own_service.offers(lv)), "")
        made.append(_add(
            org, spare[0], own_service, clinician, level,
            [(S.SENT, 6), (S.ACKNOWLEDGED, 5)], "",
            "Our own programme offers this level of care and the person asked to stay "
            "with the team they know.", now, affiliation=Affiliation.ORGANISATIONAL,
            details=f"{own_service.name} is run by {org.name}, the referring organisation."))
    residential = Service.objects.filter(operated_by=org, offers_residential=True,
                                         places_available=0).order_by("name").first()
    waiting = residential is not None and len(spare) > 1 and not WaitlistEntry.objects.filter(
        service=residential, patient=spare[1], removed_at__isnull=True).exists()
    if waiting:  # (placement's demo may already have put this person there)
        WaitlistEntry.objects.create(service=residential, patient=spare[1],
                                     level_of_care="residential", added_by=clinician,
                                     added_at=now - timedelta(days=4))
    audit.record(audit.Context.system("demo data load"), Action.CREATE,
                 object_type="directory.referral",
                 details={"referrals": len(made), "waitlist_entries": int(waiting)})
