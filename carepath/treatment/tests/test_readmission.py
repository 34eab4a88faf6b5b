"""Readmission opens a new episode linked to the previous closed one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from carepath.conftest import ctx_for
from carepath.patients import actions as patient_actions
from carepath.treatment import actions_discharge as actions
from carepath.treatment import queries_discharge as queries

from .test_discharge_support import open_episode


def _discharge(patient, clinician, reason="completed"):
    d = actions.start_discharge(ctx_for(clinician), patient, reason=reason,
                                discharged_on=timezone.localdate())
    text = d.summary.replace(actions.drafting.CLINICIAN_PROMPT, "Summary written.")
    d = actions.save_draft(ctx_for(clinician), d, reason=reason, discharged_on=d.discharged_on,
                           summary=text, aftercare_plan="" if reason == "died" else "Groups.")
    return actions.sign_discharge(ctx_for(clinician), d, confirm_died=reason == "died")


def test_readmission_links_to_the_previous_episode_both_ways(clinician, patient):
    first = open_episode(patient, clinician)
    _discharge(patient, clinician)
    second = actions.readmit(ctx_for(clinician), patient, reason="Relapsed after 3 months",
                             level_of_care="outpatient")
    assert second.is_open and second.previous_episode == first
    first.refresh_from_db()
    assert first.readmission == second
    chain = {e.pk: e for e in queries.episode_chain(patient)}
    assert chain[second.pk].previous == first and chain[first.pk].readmission_of.pk == second.pk
    assert second.levels.get().level_of_care == "outpatient"


def test_readmission_is_refused_while_an_episode_is_open(clinician, patient):
    open_episode(patient, clinician)
    with pytest.raises(ValidationError) as exc:
        actions.readmit(ctx_for(clinician), patient, reason="Again", level_of_care="outpatient")
    assert "has an open episode of care" in exc.value.message_dict["reason"][0]
    assert patient.episodes.count() == 1


def test_readmission_needs_a_closed_episode_and_a_level(clinician, patient):
    with pytest.raises(ValidationError) as exc:
        actions.readmit(ctx_for(clinician), patient, reason="New", level_of_care="outpatient")
    assert "no closed episode" in exc.value.message_dict["reason"][0]
    episode = open_episode(patient, clinician)
    patient_actions.close_episode(ctx_for(clinician), episode, reason="Closed without discharge")
    with pytest.raises(ValidationError) as exc:
        actions.readmit(ctx_for(clinician), patient, reason="Back", level_of_care="moon")
    assert "Choose the level of care" in exc.value.message_dict["level_of_care"][0]


def test_no_readmission_after_a_signed_death(clinician, patient):
    open_episode(patient, clinician)
    _discharge(patient, clinician, reason="died")
    with pytest.raises(ValidationError) as exc:
        actions.readmit(ctx_for(clinician), patient, reason="Back", level_of_care="outpatient")
    assert "records that this patient died" in exc.value.message_dict["reason"][0]


def test_outsider_cannot_readmit(clinician, outsider, patient):
    open_episode(patient, clinician)
    _discharge(patient, clinician)
    with pytest.raises(PermissionDenied):
        actions.readmit(ctx_for(outsider), patient, reason="Back", level_of_care="outpatient")
