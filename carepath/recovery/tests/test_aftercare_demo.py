"""The demo shows aftercare: the demo patient's meetings, follow-ups for the signed demo
discharges, and one follow-up answered on a phone call."""

import pytest

from carepath.patients import demo
from carepath.recovery.demo_aftercare import add_demo_aftercare
from carepath.recovery.models import FollowUp, FollowUpStatus, SupportMeeting
from carepath.treatment.models import Discharge


@pytest.mark.django_db
def test_the_demo_has_meetings_follow_ups_and_one_completed():
    org = demo.create_demo(seed=2026, patients=60)
    linked = demo.Patient.objects.get(user__username="patient")
    assert SupportMeeting.objects.filter(patient=linked, entered_by=linked.user).count() == 4
    signed = Discharge.objects.filter(patient__organisation=org, signed_at__isnull=False)
    assert signed.count() >= 3
    for discharge in signed:
        assert sorted(discharge.follow_ups.values_list("day_offset", flat=True)) in (
            [30, 90, 180, 365], [90, 180, 365])
    completed = FollowUp.objects.get(organisation=org, status=FollowUpStatus.COMPLETED)
    assert completed.day_offset == 30 and completed.wellbeing is not None
    assert completed.entered_by.username == "clinician"
    # Loading it again adds nothing.
    add_demo_aftercare(org, 2026)
    assert SupportMeeting.objects.filter(patient=linked).count() == 4
    assert FollowUp.objects.filter(status=FollowUpStatus.COMPLETED).count() == 1
