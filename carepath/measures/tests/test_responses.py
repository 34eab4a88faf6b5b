"""Submitting, drafts, amendments and immutability of responses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from carepath.accounts.models import AccountType
from carepath.alerts.models import Alert
from carepath.audit.models import AuditEvent
from carepath.conftest import ctx_for
from carepath.measures import actions
from carepath.measures.models import InstrumentSetting, Mode, Response

pytestmark = pytest.mark.django_db

PHQ9_KNOWN = dict(zip("123456789", [3, 0, 1, 2, 0, 0, 1, 0, 3], strict=True))
PHQ9_NO_RISK = dict(zip("123456789", [1, 1, 1, 1, 1, 1, 1, 1, 0], strict=True))


def test_submit_scores_and_stores_the_result_beside_the_answers(clinician, patient):
    response = actions.submit(ctx_for(clinician), patient, "phq-9", PHQ9_KNOWN,
                              mode=Mode.CLINICIAN)
    stored = Response.objects.get(pk=response.pk)
    assert stored.result() == {"instrument": "phq-9", "total": 10, "band": "moderate",
                               "subscales": {}, "flags": ["suicide-risk"], "codes": {}}
    assert stored.answers == PHQ9_KNOWN
    assert stored.status == "submitted" and stored.submitted_at is not None
    assert AuditEvent.objects.filter(action="create", object_id=str(stored.uuid)).exists()


def test_a_missing_answer_is_refused_naming_the_item_and_nothing_is_stored(clinician, patient):
    answers = {**PHQ9_NO_RISK, "4": None}
    with pytest.raises(ValidationError) as refused:
        actions.submit(ctx_for(clinician), patient, "phq-9", answers, mode=Mode.CLINICIAN)
    assert list(refused.value.message_dict) == ["item_4"]
    assert not Response.objects.exists()


def test_an_out_of_range_answer_is_refused_naming_the_item(clinician, patient):
    with pytest.raises(ValidationError) as refused:
        actions.submit(ctx_for(clinician), patient, "phq-9", {**PHQ9_NO_RISK, "2": 4},
                       mode=Mode.CLINICIAN)
    assert "out of range" in refused.value.message_dict["item_2"][0]


def test_a_draft_keeps_partial_answers_and_is_not_scored(clinician, patient):
    draft = actions.save_draft(ctx_for(clinician), patient, "phq-9", {"1": 2, "2": None},
                               mode=Mode.CLINICIAN)
    assert draft.status == "draft" and draft.total is None
    final = actions.submit(ctx_for(clinician), patient, "phq-9", PHQ9_NO_RISK,
                           mode=Mode.CLINICIAN, draft=draft)
    assert final.pk == draft.pk and final.total == 8
    assert Response.objects.count() == 1


def test_a_draft_still_refuses_out_of_range_values(clinician, patient):
    with pytest.raises(ValidationError):
        actions.save_draft(ctx_for(clinician), patient, "phq-9", {"1": 9}, mode=Mode.CLINICIAN)


def test_a_submitted_response_cannot_be_changed_in_the_database(clinician, patient):
    response = actions.submit(ctx_for(clinician), patient, "phq-9", PHQ9_NO_RISK,
                              mode=Mode.CLINICIAN)
    with pytest.raises(DatabaseError), transaction.atomic():
        Response.objects.filter(pk=response.pk).update(total=0)
    assert Response.objects.get(pk=response.pk).total == 8


def test_an_amendment_is_a_new_response_linked_to_the_old_both_kept(clinician, patient):
    ctx = ctx_for(clinician)
    first = actions.submit(ctx, patient, "phq-9", PHQ9_NO_RISK, mode=Mode.CLINICIAN)
    second = actions.submit(ctx, patient, "phq-9", {**PHQ9_NO_RISK, "1": 3},
                            mode=Mode.CLINICIAN, amends=first,
                            amendment_reason="Item 1 misheard on the phone")
    assert second.pk != first.pk and second.amends_id == first.pk
    assert Response.objects.get(pk=first.pk).total == 8
    assert Response.objects.get(pk=second.pk).total == 10


def test_an_amendment_needs_a_reason(clinician, patient):
    first = actions.submit(ctx_for(clinician), patient, "phq-9", PHQ9_NO_RISK,
                           mode=Mode.CLINICIAN)
    with pytest.raises(ValidationError):
        actions.submit(ctx_for(clinician), patient, "phq-9", PHQ9_NO_RISK,
                       mode=Mode.CLINICIAN, amends=first)


def test_an_instrument_switched_off_is_refused(clinician, patient):
    InstrumentSetting.objects.create(organisation=patient.organisation,
                                     instrument_id="phq-9", enabled=False)
    with pytest.raises(ValidationError) as refused:
        actions.submit(ctx_for(clinician), patient, "phq-9", PHQ9_NO_RISK,
                       mode=Mode.CLINICIAN)
    assert "switched off" in str(refused.value)


def test_outsiders_cannot_record_and_patients_only_self_report(outsider, make_user, patient):
    with pytest.raises(PermissionDenied):
        actions.submit(ctx_for(outsider), patient, "phq-9", PHQ9_NO_RISK, mode=Mode.CLINICIAN)
    owner = make_user(role="", account_type=AccountType.PATIENT)
    patient.user = owner
    patient.save(update_fields=["user"])
    with pytest.raises(PermissionDenied):
        actions.submit(ctx_for(owner), patient, "phq-9", PHQ9_NO_RISK, mode=Mode.CLINICIAN)
    done = actions.submit(ctx_for(owner), patient, "phq-9", PHQ9_NO_RISK, mode=Mode.SELF_REPORT)
    assert done.mode == "self_report"


def test_a_clinician_rated_instrument_cannot_be_self_reported(make_user, patient):
    owner = make_user(role="", account_type=AccountType.PATIENT)
    patient.user = owner
    patient.save(update_fields=["user"])
    with pytest.raises(PermissionDenied):
        actions.submit(ctx_for(owner), patient, "dsm5-ketamine",
                       {str(n): 0 for n in range(1, 11)}, mode=Mode.SELF_REPORT)


def test_the_organisations_cut_off_is_used_and_stored(clinician, patient):
    InstrumentSetting.objects.create(organisation=patient.organisation,
                                     instrument_id="pc-ptsd-5",
                                     parameters={"positive_cut_off": 4})
    answers = {"trauma": 1, "1": 1, "2": 1, "3": 1, "4": 0, "5": 0}
    response = actions.submit(ctx_for(clinician), patient, "pc-ptsd-5", answers,
                              mode=Mode.CLINICIAN)
    assert (response.total, response.band) == (3, "negative")
    assert response.parameters == {"positive_cut_off": 4}


def test_no_alert_without_an_urgent_flag(clinician, patient):
    actions.submit(ctx_for(clinician), patient, "phq-9", PHQ9_NO_RISK, mode=Mode.CLINICIAN)
    assert not Alert.objects.exists()


def test_a_patient_cannot_amend_a_submitted_response(make_user, clinician, patient):
    first = actions.submit(ctx_for(clinician), patient, "phq-9", PHQ9_NO_RISK,
                           mode=Mode.CLINICIAN)
    owner = make_user(role="", account_type=AccountType.PATIENT)
    patient.user = owner
    patient.save(update_fields=["user"])
    with pytest.raises(PermissionDenied):
        actions.submit(ctx_for(owner), patient, "phq-9", PHQ9_NO_RISK, mode=Mode.SELF_REPORT,
                       amends=first, amendment_reason="I changed my mind")
