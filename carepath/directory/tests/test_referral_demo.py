"""The demo's referrals: across the loop, one overdue, one affiliation declared, one
waitlist entry at the organisation's full residential service."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from carepath.directory.models import Referral, WaitlistEntry

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_referral_features():
    call_command("demo", "--seed", "7")
    referrals = Referral.objects.select_related("service")
    statuses = {r.status for r in referrals}
    assert {"sent", "acknowledged", "assessed", "admitted", "declined"} <= statuses
    now = timezone.now()
    assert any(r.status == "sent" and r.check_due_at < now for r in referrals)
    declared = [r for r in referrals if r.affiliation == "organisational"]
    assert len(declared) == 1 and declared[0].affiliation_details
    assert declared[0].service.operated_by_id == declared[0].organisation_id
    # Its own services are referred to only with the affiliation declared.
    assert all(r.affiliation != "none" for r in referrals if r.service.operated_by_id)
    entries = list(WaitlistEntry.objects.select_related("service"))
    assert any(e.service.places_available == 0 and e.service.offers_residential
               and e.service.operated_by_id == e.patient.organisation_id for e in entries)
    open_pairs = [(e.service_id, e.patient_id) for e in entries if e.removed_at is None]
    assert len(open_pairs) == len(set(open_pairs))  # nobody waits twice for one service
    assert all(r.no_fee_attested and r.match_reason for r in referrals)
    assert all(r.changes.first().to_status == "sent" for r in referrals)
