"""A red flag recorded at assessment reaches the whole care team as an open alert
(DESIGN rule 10), once per flag however often the draft is saved."""

import pytest

from carepath.alerts.models import Alert
from carepath.conftest import ctx_for
from carepath.intake import actions_assessment as actions

from .test_assessment_actions import book, complete_data

pytestmark = pytest.mark.django_db


def test_a_red_flag_saved_in_a_draft_raises_one_alert(patient, clinician):
    assessment = book(patient, clinician)
    actions.update_assessment(ctx_for(clinician), assessment,
                              {"red_flags": ["blood_in_urine"]})
    actions.update_assessment(ctx_for(clinician), assessment,
                              {"red_flags": ["blood_in_urine"], "summary": "Saved again."})
    alerts = Alert.objects.filter(patient=patient)
    assert [(a.flag, a.status) for a in alerts] == [("assessment-blood-in-urine", "open")]
    assert "Visible blood in urine" in alerts[0].summary


def test_a_red_flag_added_at_completion_raises_its_alert(patient, clinician):
    assessment = book(patient, clinician)
    actions.complete_assessment(ctx_for(clinician), assessment,
                                complete_data(red_flags=["hallucinations"]))
    assert list(Alert.objects.filter(patient=patient).values_list("flag", flat=True)) == [
        "assessment-hallucinations"]


def test_no_red_flag_no_alert(patient, clinician):
    assessment = book(patient, clinician)
    actions.complete_assessment(ctx_for(clinician), assessment, complete_data())
    assert not Alert.objects.filter(patient=patient).exists()
