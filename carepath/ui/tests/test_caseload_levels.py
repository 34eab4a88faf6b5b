"""The caseload names each patient's level of care as people say it."""

import pytest
from django.urls import reverse

from carepath.conftest import ctx_for, verified_client
from carepath.patients import actions
from carepath.patients.models import LevelOfCare

pytestmark = pytest.mark.django_db


def test_the_caseload_shows_the_level_of_cares_name(clinician, patient):
    # It used to strip the underscore from the stored value: "Intensiveoutpatient".
    actions.open_episode(ctx_for(clinician), patient, reason="Placed after assessment",
                         level_of_care=LevelOfCare.INTENSIVE_OUTPATIENT)
    page = verified_client(clinician).get(reverse("ui:home")).content.decode()
    assert "Intensive outpatient" in page
    assert "Intensiveoutpatient" not in page
