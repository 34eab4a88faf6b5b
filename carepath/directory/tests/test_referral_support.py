"""Helpers shared by the referral and waitlist tests (no tests here)."""

import itertools

from carepath.conftest import ctx_for
from carepath.directory import actions_referrals as actions
from carepath.directory.models import Service

_n = itertools.count(1)


def make_service(**fields) -> Service:
    n = next(_n)
    data = {"name": f"Harbour Recovery {n}", "provider": "Harbour Health",
            "address_line1": f"{n} Quay Street", "town": "Bristol", "postcode": "BS1 4DJ",
            "latitude": 51.45, "longitude": -2.59, "offers_outpatient": True,
            "offers_intensive_outpatient": True, **fields}
    return Service.objects.create(**data)


def refer(user, patient=None, service=None, **fields):
    data = {"organisation": user.organisation, "service": service or make_service(),
            "match_reason": "Closest intensive outpatient service with places.",
            "affiliation": "none", "no_fee_attested": True, "patient": patient, **fields}
    return actions.create_referral(ctx_for(user), **data)
