"""Review: malformed POST data is refused with a message, never a server error, and
what was typed is kept."""

import pytest
from django.urls import reverse
from django.utils import timezone

from carepath.conftest import ctx_for
from carepath.treatment import actions_discharge as discharge_actions

from .test_discharge_support import open_episode

pytestmark = pytest.mark.django_db


def test_a_mangled_discharge_version_is_refused_and_keeps_the_text(as_user, clinician,
                                                                     patient):
    open_episode(patient, clinician)
    discharge = discharge_actions.start_discharge(
        ctx_for(clinician), patient, reason="completed", discharged_on=timezone.localdate())
    url = reverse("treatment:discharge", kwargs={"patient_id": patient.uuid,
                                                 "discharge_id": discharge.uuid})
    response = as_user(clinician).post(url, {
        "action": "save", "reason": "completed",
        "discharged_on": timezone.localdate().isoformat(),
        "summary": "My own words about the stay", "aftercare_plan": "Weekly group",
        "version": "2026-13-45T10:00:00"})  # well formed, but no such date
    assert response.status_code == 400
    html = response.content.decode()
    assert "My own words about the stay" in html and "This form is out of date" in html
    discharge.refresh_from_db()
    assert "My own words" not in discharge.summary

